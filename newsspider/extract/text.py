"""Text normalization: what a reader sees (`clean_*`) and what search indexes (`search_form`).

Pure functions over `str`; none of them raise on any input, including lone surrogates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# XML 1.0 `Char` production, inverted: C0 controls except \t \n \r, surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Legal in XML but never meant for a reader: DEL and the C1 controls (except NEL, a line break),
# zero-width space, soft hyphen, word joiner and invisible operators, BOM, and the bidi
# embedding/isolate controls (unbalanced ones garble the layout of whatever follows them).
_INVISIBLE_JUNK = re.compile(
    "[\x7f-\x84\x86-\x9f\u00ad\u200b\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]"
)

# ZWNJ (Persian half-space) and ZWJ (emoji sequences, Indic conjuncts) carry meaning between two
# characters of a word; at a word edge they join nothing.
_EDGE_JOINERS = re.compile(r"(?:^|(?<=\s))[\u200c\u200d]+|[\u200c\u200d]+(?=\s|$)")

# Bidi marks are harmless for display but noise for search.
_SEARCH_INVISIBLES = re.compile("[\u200d\u200e\u200f\u061c]")

# Harakat/tashkeel (incl. hamza above/below, madda), superscript alef and tatweel.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")

_ARABIC_LETTER_VARIANTS = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0626": "\u06cc",  # ئ yeh with hamza -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0624": "\u0648",  # ؤ -> و
    "\u200c": " ",  # ZWNJ: "می‌روم" is also typed "میروم" or "می روم"; index the split form
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
}
# A regex finds the few characters to replace much faster than `str.translate` scans every one.
_ARABIC_VARIANT = re.compile("[" + "".join(_ARABIC_LETTER_VARIANTS) + "]")

_PARAGRAPH_SEPARATOR = "\n\n"


def strip_xml_illegal(text: str) -> str:
    """Remove only the characters XML 1.0 forbids, so a feed never is a broken document."""
    return _XML_ILLEGAL.sub("", text)


def clean_text(text: str | None) -> str:
    """One line of text as a reader sees it.

    Drops XML-illegal and invisible junk characters, drops ZWNJ/ZWJ at word edges (keeps them
    inside words), applies NFC, folds every whitespace run to one space and strips.
    """
    if not text:
        return ""
    text = _INVISIBLE_JUNK.sub("", strip_xml_illegal(text))
    if "\u200c" in text or "\u200d" in text:
        text = _EDGE_JOINERS.sub("", text)
    # str.split() splits on every Unicode whitespace: NBSP, U+2000-200A, U+3000, line separators.
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Clean each paragraph, drop empty ones and exact repeats of the paragraph just before.

    Repeats come from pages that show the title or lead twice; non-adjacent repeats are kept
    because they can be legitimate (a refrain, a repeated quote).
    """
    cleaned: list[str] = []
    for paragraph in paragraphs:
        text = clean_text(paragraph)
        if text and (not cleaned or cleaned[-1] != text):
            cleaned.append(text)
    return cleaned


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Cleaned paragraphs as one text, separated by a blank line."""
    return _PARAGRAPH_SEPARATOR.join(clean_paragraphs(paragraphs))


def clean_body(text: str | None) -> str:
    """Multi-paragraph text: every line is a paragraph; cleaned and rejoined with blank lines."""
    if not text:
        return ""
    return join_paragraphs(text.splitlines())


def search_form(text: str | None) -> str:
    """Index form for full-text search and duplicate detection; never stored as article text.

    NFKC (folds Arabic presentation forms, ligatures, full-width letters), Arabic/Persian letter
    variants unified, diacritics and tatweel removed, digits made ASCII, ZWNJ made a space,
    casefolded; so `search_form("كشور") == search_form("کشور")`.
    """
    text = unicodedata.normalize("NFKC", clean_text(text))
    text = _SEARCH_INVISIBLES.sub("", text)
    text = _ARABIC_MARKS.sub("", text)
    text = _ARABIC_VARIANT.sub(lambda match: _ARABIC_LETTER_VARIANTS[match[0]], text)
    return clean_text(unicodedata.normalize("NFKC", text.casefold()))


def is_rtl(text: str) -> bool:
    """True when most letters are right-to-left (Arabic script, Hebrew, Syriac, Thaana, N'Ko).

    Used to mark `dir="rtl"`; digits, punctuation and spaces do not vote.
    """
    rtl = ltr = 0
    for char in text:
        if unicodedata.category(char).startswith("L"):
            if unicodedata.bidirectional(char) in ("R", "AL"):
                rtl += 1
            else:
                ltr += 1
    return rtl > ltr
