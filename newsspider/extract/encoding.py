"""Page bytes to text: declared charsets checked against what the text looks like.

One mechanism for every reader of pages: the crawl's encoding repair
(`newsspider.middlewares.EncodingRepairMiddleware`), `extract` on saved pages,
`discover` and `check-site`, and the normalize pipeline's mojibake check.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Text is mojibake when this much of it is mis-decoded (see `looks_mojibake`).
MOJIBAKE_MIN_MARKS = 3
MOJIBAKE_MAX_SHARE = 1 / 200
# charset-normalizer's own threshold: above it, a decoding reads as noise.
MESS_THRESHOLD = 0.2
_DETECTION_SAMPLE = 64 * 1024
# Encodings news sites actually use, most common first (Python codec names).
WEB_ENCODINGS = ("utf_8", "cp1252", "cp1256", "iso8859_1", "iso8859_15", "iso8859_6", "cp1251")
# UTF-8 read as windows-1252 or Latin-1: a lead letter then a continuation-byte character.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00c3\u00d8-\u00db][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|\u00e2\u20ac"
)
_REPLACEMENT = "\ufffd"


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes: BOM, the HTTP charset, the <meta> charset, UTF-8, then detection;
    a declared charset whose text reads as mojibake is replaced as a crawl would replace it."""
    for bom, bom_encoding in BOMS:
        if data.startswith(bom):
            return data.decode(bom_encoding, errors="replace")
    meta = META_CHARSET.search(data[:4096])
    candidates: list[str | None] = [
        declared,
        meta.group(1).decode("ascii", "ignore") if meta else None,
        "utf-8",
    ]
    for encoding in candidates:
        decoded = _try_decode(data, encoding)
        if decoded is not None and encoding is not None:
            # A declaration that decodes is not proof: a wrong one gives mojibake.
            repaired = better_encoding(data, decoded, encoding)
            return data.decode(repaired, errors="replace") if repaired else decoded
    detected = detect_encoding(data[:_DETECTION_SAMPLE])
    return data.decode(detected or "utf-8", errors="replace")


def looks_mojibake(text: str | None) -> bool:
    """Text mis-decoded: UTF-8 read as a one-byte charset (`Ø§Ù`, `Ã©`), or replacement marks.

    A stray bad character in a long body is tolerated; a share above 0.5%, or
    three marks, is not.
    """
    if not text:
        return False
    marks = len(_MOJIBAKE.findall(text)) + text.count(_REPLACEMENT)
    return marks >= MOJIBAKE_MIN_MARKS or marks > len(text) * MOJIBAKE_MAX_SHARE


def better_encoding(body: bytes, text: str, encoding: str) -> str | None:
    """A better encoding than `encoding` when its decoding `text` is wrong; None when it is fine.

    Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page declares (legacy
    text is almost never valid UTF-8 by chance); otherwise a decoding with
    replacement marks, mojibake or noise is replaced by what detection finds, if
    that reads cleaner.
    """
    if body.isascii():
        return None
    normalized = encoding.lower().replace("_", "-")
    if normalized not in ("utf-8", "utf8") and _is_utf8(body):
        return "utf-8"
    sample = text[:_DETECTION_SAMPLE]
    current_mess = mess_ratio(sample, maximum_threshold=1.0)
    if not (looks_mojibake(sample) or current_mess > MESS_THRESHOLD):
        return None
    detected = detect_encoding(body[:_DETECTION_SAMPLE])
    if detected is None or detected.replace("_", "-") == normalized:
        return None
    candidate = body[:_DETECTION_SAMPLE].decode(detected, errors="replace")
    if looks_mojibake(candidate) or mess_ratio(candidate, maximum_threshold=1.0) >= current_mess:
        return None
    return detected


def detect_encoding(body: bytes) -> str | None:
    """charset-normalizer's best guess; among equally good guesses, the one common on the web.

    Short Western text reads the same in cp1250, cp1252 and cp1257 to the
    detector; a news page is far more likely windows-1252 than Baltic.
    """
    results = from_bytes(body)
    best = results.best()
    if best is None:
        return None
    tied = [m for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    for common in WEB_ENCODINGS:
        if any(common in match.could_be_from_charset for match in tied):
            return common
    return str(best.encoding)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try_decode(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding.strip().lower())
    except (LookupError, UnicodeDecodeError):
        return None
