"""Finding a site's articles without Scrapy: `discover` and news-ID derivation.

`discover` fetches a handful of pages with `newsspider.fetching.Fetcher`, under the
crawl's own rules for a site (user agent, timeout, size limit, address guard,
robots.txt), so a user can try a site in seconds. Sitemaps, feeds and robots.txt's
`Sitemap:` lines are read by `newsspider.extract.sitemaps`, pages by
`newsspider.extract`, exactly as a crawl reads them.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newsspider.extract.labels import find_labelled
from newsspider.extract.links import article_links, in_domains
from newsspider.extract.metadata import strip_tracking
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import MAX_SITEMAP_BYTES, parse_feed, parse_sitemap, sitemap_body
from newsspider.fetching import Fetcher, FetchError
from newsspider.guard import ip_literal, resolve_host

if TYPE_CHECKING:
    from newsspider.config import SiteConfig

SAMPLE_SITEMAPS = 5  # sitemaps `discover` reads, indexes included: a sample, not a limit
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
UNZIP_REFUSED = f"broken gzip, or over {MAX_SITEMAP_BYTES} bytes once unzipped"
_COMMENTS_FEED = re.compile(r"(?i)comments?\b")


def discovery_site(url: str) -> SiteConfig:
    """The definition `discover` fetches under before it knows the site: every default of a
    site key, and the address guard's permission for the URL's host when it is not public
    (the user named it; the definition written says so in `allow_addresses`)."""
    from newsspider.config import SiteConfig

    return SiteConfig(
        name="discover",
        kind="generic",
        start_urls=(url,),
        timezone="UTC",
        allow_addresses=private_addresses(url),
    )


def private_addresses(url: str) -> tuple[str, ...]:
    """`ADDRESS/32` (or `/128`) for each non-public address the URL's host resolves to."""
    host = urlsplit(url).hostname or ""
    literal = ip_literal(host)
    addresses = (str(literal),) if literal is not None else resolve_host(host)
    private = [a for a in addresses if not ipaddress.ip_address(a).is_global]
    return tuple(str(ipaddress.ip_network(a)) for a in private)


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
    """Follow sitemaps (indexes included, up to SAMPLE_SITEMAPS) and collect their page URLs.

    `found.sitemaps` gets the given URLs that could be read, the ones a definition lists.
    As in the crawl, an index's sitemaps on other domains are not followed.
    """
    queue, read = [(url, url) for url in urls], 0
    while queue and read < SAMPLE_SITEMAPS:
        url, root = queue.pop(0)
        read += 1
        try:
            body = sitemap_body(fetcher.get(url).body)
        except FetchError as exc:
            found.notes.append(f"sitemap not read: {exc}")
            continue
        if body is None:
            found.notes.append(f"sitemap not read: {url}: {UNZIP_REFUSED}")
            continue
        sitemap = parse_sitemap(body)
        if sitemap.links and root not in found.sitemaps:
            found.sitemaps.append(root)
        if sitemap.is_index:
            # News and post sitemaps first: they hold the articles.
            children = [link.url for link in sitemap.links if in_domains(link.url, domains)]
            children.sort(key=_sitemap_rank)
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
    sitemaps = fetcher.sitemaps_for(home.url)
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
