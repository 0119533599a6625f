"""What a run costs a site, and how to keep it low: pure rules, no Scrapy, no database.

- Every request has a purpose (`PURPOSES`), counted per run in `crawl_runs`.
- A listing page without validators is compared by the fingerprint of its set of
  article links: the same set in the same page means nothing new there.
- robots.txt is kept for its `Cache-Control: max-age` (a day by default), and its
  `Crawl-delay` for our user agent spaces requests when longer than the site's delay.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from protego import Protego

ROBOTS = "robots"
LISTING = "listing"  # listing pages, feeds and sitemaps
ARTICLE = "article"
RECHECK = "recheck"
ASSET = "asset"  # anything else
PURPOSES = (ROBOTS, LISTING, ARTICLE, RECHECK, ASSET)
_CALLBACK_PURPOSES = {
    "parse_listing": LISTING,
    "parse_feed": LISTING,
    "parse_sitemap": LISTING,
    "parse_robots": ROBOTS,
    "parse_article": ARTICLE,
}
ROBOTS_MAX_AGE = 86_400  # seconds robots.txt is kept when the server says nothing
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|[,\s])no-(?:store|cache)\b", re.IGNORECASE)


def request_purpose(url: str, callback: str | None, recheck: bool = False) -> str:
    """Why a request is sent, from its URL and the name of the callback that reads it."""
    if recheck:
        return RECHECK
    if urlsplit(url).path == "/robots.txt":
        return ROBOTS
    return _CALLBACK_PURPOSES.get(callback or "", ASSET)


def requests_per_new(requests: int, new: int) -> float | None:
    """What each new article cost the site in requests (None when nothing was new)."""
    return round(requests / new, 2) if new else None


def link_fingerprint(urls: Iterable[str]) -> str:
    """A short hash of a set of (normalized) article URLs: order and repeats do not count."""
    digest = hashlib.sha256("\n".join(sorted(set(urls))).encode("utf-8"))
    return digest.hexdigest()[:32]


def robots_max_age(cache_control: str | None, default: int = ROBOTS_MAX_AGE) -> int:
    """Seconds a robots.txt answer may be reused: its max-age, 0 for no-store, else `default`."""
    if not cache_control:
        return default
    if _NO_STORE.search(cache_control):
        return 0
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else default


def robots_rules(robots_body: bytes) -> Protego:
    """robots.txt read as the crawl reads it: Scrapy's default parser (Protego) on the body
    decoded as Scrapy decodes it. `discover` asks the same object what may be fetched."""
    return Protego.parse(robots_body.decode("utf-8-sig", errors="ignore"))


def crawl_delay(robots_body: bytes, user_agent: str) -> float | None:
    """The `Crawl-delay` robots.txt sets for `user_agent` (its group, else `*`), if any."""
    try:
        delay = robots_rules(robots_body).crawl_delay(user_agent)
    except (ValueError, TypeError):
        return None
    return float(delay) if delay is not None and delay > 0 else None
