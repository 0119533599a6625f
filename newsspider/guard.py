"""Pure checks against a hostile web: where requests may go, which URLs are traps, bad text.

No Scrapy and no I/O here (but `resolve_host`, the one name lookup), so every rule is
testable on plain values; the middlewares in `newsspider.middlewares` apply them to
requests and responses, `newsspider.fetching` to the pages `discover` fetches.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

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

    def denied(self, addresses: Iterable[str]) -> list[str]:
        """The addresses not permitted: a host may be reached only when this is empty."""
        return [address for address in addresses if not self.permits(address)]


def ip_literal(host: str) -> Address | None:
    """The address a URL host names directly (`127.0.0.1`, `[::1]`), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve_host(host: str) -> tuple[str, ...]:
    """Every address a host name resolves to (empty when it resolves to none)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ()
    return tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


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
