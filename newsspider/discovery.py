"""Finding a site's articles without Scrapy: `discover`, `check-site` and news-ID derivation.

`discover` and `check-site` fetch a handful of pages with a plain, polite HTTP
client (the project's user agent, timeouts, a delay between requests, robots.txt
obeyed), so a user can try a site in seconds. What a page says is still read by
`newsspider.extract`, exactly as a crawl reads it.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from newsspider.errors import NewsspiderError
from newsspider.extract.encoding import decode_html
from newsspider.extract.labels import find_labelled
from newsspider.extract.links import article_links, in_domains
from newsspider.extract.metadata import strip_tracking
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import parse_feed, parse_sitemap
from newsspider.settings import USER_AGENT

MAX_BYTES = 8 * 1024 * 1024
MAX_SITEMAPS = 5  # sitemaps read by `discover`, indexes included
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_COMMENTS_FEED = re.compile(r"(?i)comments?\b")
_GZIP_MAGIC = b"\x1f\x8b"


class FetchError(NewsspiderError):
    """A page could not be fetched (network error, HTTP error or robots.txt)."""


# ---- identity --------------------------------------------------------------------------------


# ---- fetching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        charset = re.search(r"charset=([\w.:-]+)", self.content_type)
        return decode_html(self.body, charset.group(1) if charset else None)

    @property
    def unzipped(self) -> bytes:
        """The body, gunzipped (at most MAX_BYTES) when it is gzip, as sitemap.xml.gz is."""
        if self.body[:2] != _GZIP_MAGIC:
            return self.body
        try:
            return zlib.decompressobj(wbits=31).decompress(self.body, MAX_BYTES)
        except zlib.error:
            return b""


class Fetcher:
    """GET with a user agent, a timeout, a delay between requests and robots.txt rules."""

    def __init__(
        self,
        user_agent: str = USER_AGENT,
        *,
        timeout: float = 15.0,
        delay: float = 0.5,
        obey_robots: bool = True,
    ):
        self.user_agent = user_agent
        self.timeout = timeout
        self.delay = delay
        self.obey_robots = obey_robots
        self._robots: dict[str, RobotFileParser] = {}
        self._last = 0.0

    def get(self, url: str) -> Page:
        if self.obey_robots and not self.robots_for(url).can_fetch(self.user_agent, url):
            raise FetchError(f"{url}: disallowed by robots.txt")
        return self._get(url)

    def robots_for(self, url: str) -> RobotFileParser:
        """The robots.txt rules of the URL's host (all allowed when it has none)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser = RobotFileParser(origin + "/robots.txt")
            try:
                parser.parse(self._get(origin + "/robots.txt").text.splitlines())
            except FetchError:
                parser.parse([])
            self._robots[origin] = parser
        return self._robots[origin]

    def _get(self, url: str) -> Page:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)
                page = Page(response.geturl(), response.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: {reason}") from None
        finally:
            self._last = time.monotonic()
        if len(page.body) > MAX_BYTES:
            raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
        return page


# ---- finding articles ------------------------------------------------------------------------


@dataclass
class Found:
    """Article candidates of a site and where they came from (`notes` say why)."""

    sitemaps: list[str] = field(default_factory=list)
    news_sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)  # article URL -> where it was seen
    notes: list[str] = field(default_factory=list)

    def add(self, urls: list[str], origin: str, domains: tuple[str, ...]) -> None:
        for url in urls:
            if in_domains(url, domains):
                self.urls.setdefault(strip_tracking(url.split("#")[0]), origin)


def feed_links(tree: Any, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate">`, comment feeds left out."""
    feeds: dict[str, None] = {}
    for link in tree.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' alternate ')]"):
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = link.get("href").strip()
        if kind in FEED_TYPES and not _COMMENTS_FEED.search(f"{link.get('title')} {href}"):
            feeds.setdefault(urljoin(base_url, href))
    return list(feeds)


def read_sitemaps(
    fetcher: Fetcher, urls: list[str], found: Found, domains: tuple[str, ...]
) -> None:
    """Follow sitemaps (indexes included, up to MAX_SITEMAPS) and collect their page URLs.

    `found.sitemaps` gets the given URLs that could be read, the ones a definition lists.
    """
    queue, read = [(url, url) for url in urls], 0
    while queue and read < MAX_SITEMAPS:
        url, root = queue.pop(0)
        read += 1
        try:
            sitemap = parse_sitemap(fetcher.get(url).unzipped)
        except FetchError as exc:
            found.notes.append(f"sitemap not read: {exc}")
            continue
        if sitemap.links and root not in found.sitemaps:
            found.sitemaps.append(root)
        if sitemap.is_index:
            # News and post sitemaps first: they hold the articles.
            children = sorted((link.url for link in sitemap.links), key=_sitemap_rank)
            queue.extend((child, root) for child in children)
            continue
        if any(link.title for link in sitemap.links):
            found.news_sitemaps.append(url)
        found.add([link.url for link in sitemap.links], f"sitemap {url}", domains)


def _sitemap_rank(url: str) -> int:
    name = url.lower().rsplit("/", 1)[-1]
    return 0 if "news" in name else 1 if "post" in name or "article" in name else 2


def read_feeds(fetcher: Fetcher, urls: list[str], found: Found, domains: tuple[str, ...]) -> None:
    for url in urls:
        try:
            page = fetcher.get(url)
        except FetchError as exc:
            found.notes.append(f"feed not read: {exc}")
            continue
        entries = parse_feed(page.body, page.content_type)
        if entries:
            found.feeds.append(url)
        found.add([urljoin(page.url, e.url) for e in entries], f"feed {url}", domains)


# ---- URL shapes ------------------------------------------------------------------------------

_SLUG = re.compile(r"[^/]*-[^/]*|[^/]{25,}")


def url_shape(url: str) -> tuple[str, ...]:
    """A path as segment classes: literal words, `\\d{n}` digits, or `[^/]+` slugs."""
    path = urlsplit(url).path
    shape = []
    for segment in path.strip("/").split("/"):
        if segment.isdigit():
            shape.append(rf"\d{{{len(segment)}}}" if len(segment) <= 2 else r"\d+")
            if len(segment) == 4 and segment[:2] in ("19", "20"):
                shape[-1] = r"\d{4}"
        elif _SLUG.fullmatch(segment) or re.search(r"\d", segment):
            shape.append("[^/]+")
        elif segment:
            shape.append(re.escape(segment))
    if path.endswith("/") and shape:
        shape.append("")
    id_param = _numeric_query_param(url)
    if id_param is not None and shape and _is_literal(shape[-1]) and shape[-1]:
        shape[-1] += id_param  # portals: `newsview.aspx?NewsID=253326`
    return tuple(shape)


def _numeric_query_param(url: str) -> str | None:
    """`\\?NewsID=\\d+` for the first query parameter holding a number of 3+ digits."""
    params = [p.partition("=") for p in urlsplit(url).query.split("&")]
    for index, (name, _, value) in enumerate(params):
        if re.fullmatch(r"\w+", name) and value.isdigit() and len(value) >= 3:
            return (r"\?" if index == 0 else r"\?(?:[^#]*&)?") + name + r"=\d+"
    return None


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def guess_article_pattern(urls: list[str]) -> tuple[str | None, int]:
    """The path regex most article URLs share, and how many of `urls` it matches."""
    shapes = Counter(url_shape(url) for url in urls)
    shapes = Counter({s: n for s, n in shapes.items() if any(not _is_literal(p) for p in s)})
    if not shapes:
        return None, 0
    shape, _ = shapes.most_common(1)[0]
    pattern = "/" + "/".join(shape)
    matched = sum(1 for url in urls if re.search(pattern, _path_and_query(url)))
    return pattern, matched


def guess_id_pattern(article_pattern: str | None) -> str | None:
    """An `id_pattern` when article paths carry a long number after a word (`/news/253326`)."""
    if not article_pattern:
        return None
    in_query = re.search(r"(\w+)=\\d\+$", article_pattern)
    if in_query:
        return f"[?&]{in_query.group(1)}=(?P<id>\\d+)"
    found = re.search(r"/((?:[\w-]+/)*?[A-Za-z][\w-]*)/\\d\+", article_pattern)
    return f"/{found.group(1)}/(?P<id>\\d+)" if found else None


def _is_literal(part: str) -> bool:
    return part == "" or not (part.startswith(("[", "\\d")) or part.endswith("=\\d+"))


# ---- time zones ------------------------------------------------------------------------------


def zone_for_language(tag: str | None) -> str | None:
    """An IANA zone when a language tag names it unambiguously (`fa-IR`, `de-AT`, `fa`)."""
    from newsspider.extract.pubdate import LANGUAGE_ZONES

    if not tag:
        return None
    parts = re.split(r"[-_]", tag.strip())
    if len(parts) > 1 and len(parts[-1]) == 2:
        zones = _country_zones().get(parts[-1].upper(), [])
        if len(zones) == 1:
            return zones[0]
    return LANGUAGE_ZONES.get(parts[0].lower())


def _country_zones() -> dict[str, list[str]]:
    """Country code -> IANA zones, from tzdata's zone.tab (empty when unavailable)."""
    try:
        import importlib.resources

        text = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        columns = line.split("\t")
        if len(columns) >= 3 and not line.startswith("#"):
            zones.setdefault(columns[0], []).append(columns[2])
    return zones


# ---- discover --------------------------------------------------------------------------------


@dataclass
class SiteGuess:
    """What `discover` learnt about a site, ready to be written as a definition."""

    url: str
    name: str
    title: str | None
    language: str | None
    timezone: str | None
    kind: str
    kind_reason: str
    found: Found
    article_pattern: str | None
    pattern_matches: int
    id_pattern: str | None
    robots_sitemaps: bool


def discover(url: str, fetcher: Fetcher) -> SiteGuess:
    """Fetch the home page, robots.txt, sitemaps, feeds and one article page; guess a definition."""
    home = fetcher.get(url)
    tree = parse_html(home.text)
    host = urlsplit(home.url).hostname or ""
    domains = (host.removeprefix("www."),)
    found = Found()
    found.add(article_links(tree, home.url, pattern=None, allowed_domains=domains), "home", domains)
    sitemaps = fetcher.robots_for(home.url).site_maps() or []
    if not sitemaps:
        found.notes.append("robots.txt names no sitemap; tried /sitemap.xml")
    read_sitemaps(fetcher, sitemaps or [urljoin(home.url, "/sitemap.xml")], found, domains)
    read_feeds(fetcher, feed_links(tree, home.url), found, domains)
    pattern, matched = guess_article_pattern(list(found.urls))
    articles = [u for u in found.urls if pattern and re.search(pattern, _path_and_query(u))]
    kind, reason = _guess_kind(fetcher, tree, articles[:1])
    language = _first_text(tree, "/html/@lang", "//meta[@property='og:locale']/@content")
    return SiteGuess(
        url=home.url,
        name=re.sub(r"[^A-Za-z0-9_]+", "_", host.removeprefix("www.")).strip("_") or "site",
        title=_first_text(tree, "//meta[@property='og:site_name']/@content", "//title/text()"),
        language=language.split("-")[0].split("_")[0].lower() if language else None,
        timezone=zone_for_language(language),
        kind=kind,
        kind_reason=reason,
        found=found,
        article_pattern=pattern,
        pattern_matches=matched,
        id_pattern=guess_id_pattern(pattern),
        robots_sitemaps=bool(sitemaps),
    )


def _guess_kind(fetcher: Fetcher, home: Any, articles: list[str]) -> tuple[str, str]:
    """ "portal" when a page shows a `News ID` label, else "generic"."""
    if find_labelled(home).news_id:
        return "portal", "the home page shows a 'News ID' label"
    for url in articles:
        try:
            page = fetcher.get(url)
        except FetchError:
            continue
        if find_labelled(parse_html(page.text)).news_id:
            return "portal", f"{url} shows a 'News ID' label"
        return "generic", f"{url} shows no 'News ID' label"
    return "generic", "no article page was checked for portal labels"


def _first_text(tree: Any, *xpaths: str) -> str | None:
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            text = " ".join(str(value).split())
            if text:
                return text
    return None
