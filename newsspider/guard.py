"""Pure checks against a hostile web: where requests may go, which URLs are traps, bad text.

No Scrapy and no I/O here, so every rule is testable on plain values; the
middlewares in `newsspider.middlewares` apply them to requests and responses.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Addresses a public page must never make the crawler fetch: "this host", private,
# carrier-grade NAT, loopback, link-local (cloud metadata), benchmarking, multicast,
# reserved; IPv6 loopback, unique-local, link-local and multicast.
DEFAULT_DENY_NETWORKS = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
    "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
)  # fmt: skip
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


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings (a bare address is a /32 or /128) as networks; ValueError names the bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network (CIDR)") from None
    return tuple(networks)


@dataclass(frozen=True)
class AddressPolicy:
    """Which IP addresses may be connected to: `allow` wins over `deny`."""

    deny: tuple[Network, ...] = parse_networks(DEFAULT_DENY_NETWORKS)
    allow: tuple[Network, ...] = ()

    @classmethod
    def from_strings(cls, deny: Iterable[str], allow: Iterable[str]) -> AddressPolicy:
        return cls(deny=parse_networks(deny), allow=parse_networks(allow))

    def permits(self, address: str | Address) -> bool:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if any(ip in network for network in self.allow):
            return True
        return not any(ip in network for network in self.deny)


def ip_literal(host: str) -> Address | None:
    """The address a URL host names directly (`127.0.0.1`, `[::1]`), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def url_limit_reason(url: str, max_url_length: int, max_query_params: int) -> str | None:
    """Why a URL looks like a trap (`url_too_long`, `too_many_query_params`), or None."""
    if len(url) > max_url_length:
        return "url_too_long"
    query = urlsplit(url).query
    if query and len(parse_qsl(query, keep_blank_values=True)) > max_query_params:
        return "too_many_query_params"
    return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header (seconds, or an HTTP date) as seconds from now; None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff: base, 2*base, 4*base ... never more than `cap`."""
    return float(min(cap, base * (2 ** max(0, attempt - 1))))


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
