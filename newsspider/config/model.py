"""The validated configuration: site definitions and global options as frozen objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsspider.config.rules import (
    above_zero,
    at_least_one,
    at_most,
    duration,
    durations,
    http_url,
    http_urls,
    id_group,
    key,
    networks,
    not_empty,
    not_negative,
    one_of,
    regex,
    share,
    time_zone,
)

if TYPE_CHECKING:
    from newsspider.cluster.config import ClusterOptions

DEFAULT_CONFIG = Path(__file__).parents[1] / "sites.toml"
LOCAL_CONFIG = Path("newsspider.toml")  # used instead of the bundled file when present
SITE_KINDS = ("portal", "generic")
RENDER_MODES = ("http", "listings", "browser")
DEFAULT_MAX_DEPTH = 20
# Hops past the last listing page: its articles, and sitemap or feed indexes.
DEPTH_BEYOND_PAGES = 3
FAMILY_KINDS = ("category", "tag", "language", "source", "search")
# The combined feed's name: no feed family may take it (export rejects such a site).
COMBINED_FEED_NAME = "all"
# The health alarms feed's name (`[health] feed = true`).
ALARM_FEED_NAME = "alarms"
# Re-checks of a stored article for corrections, after its publication (newsspider/recheck.py).
DEFAULT_RECHECK = ("1h", "6h", "1d", "3d")
DEFAULT_RECHECK_SECONDS = (3600, 6 * 3600, 86400, 3 * 86400)
A_DAY = 86400  # the longest delay or timeout a site may set: more is a typo, and never ends
MAX_RETRIES = 100
SELECTOR_FIELDS = (
    "title",
    "body",
    "published",
    "news_id",
    "source",
    "summary",
    "authors",
    "categories",
    "tags",
    "images",
)


@dataclass(frozen=True)
class SiteConfig:
    """One `[sites.NAME]` table: each key declared once, with its type, default, checks and
    the one-line doc of docs/sites.md's key table (see `newsspider.config.rules`)."""

    name: str
    kind: str = key(doc='`"portal"` or `"generic"`', check=(one_of(*SITE_KINDS),))
    start_urls: tuple[str, ...] = key(
        doc="listing pages (a site's home page is fine); at least one http(s) URL",
        check=(http_urls, not_empty),
    )
    timezone: str = key(
        doc='IANA zone of the newsroom, e.g. `"Asia/Tehran"`; dates without an offset are read'
        " in it",
        check=(time_zone,),
    )
    title: str | None = key(None, doc="shown in feeds", shown="the site name")
    language: str | None = key(
        None, doc="language code; used when a page does not declare its own language"
    )
    allowed_domains: tuple[str, ...] = key(
        (),
        doc="links elsewhere are not followed (subdomains are allowed)",
        shown="hosts of `start_urls`",
    )
    article_url_pattern: str | None = key(
        None,
        doc="regex searched in absolute URLs: which links, sitemap and feed entries are articles",
        check=(regex,),
    )
    id_pattern: str | None = key(
        None,
        doc="regex with a named group `(?P<id>...)`: the news ID taken from the article's URL",
        check=(regex, id_group),
    )
    max_pages: int = key(
        5, doc="listing pages followed per start URL and run", check=(at_least_one,)
    )
    sitemaps: tuple[str, ...] = key(
        (),
        doc="sitemap (or sitemap index) URLs (generic sites)",
        check=(http_urls,),
        shown="from robots.txt",
    )
    feeds: tuple[str, ...] = key(
        (),
        doc="RSS/Atom/JSON Feed URLs (generic sites)",
        check=(http_urls,),
        shown='`<link rel="alternate">`',
    )
    selectors: dict[str, str] = key(
        {}, doc="per field, a CSS selector or an XPath (`xpath:...`, or starting with `/` or `(`)"
    )
    obey_robots: bool = key(True, doc="obey the site's robots.txt")
    download_delay: float = key(
        0.25, doc="seconds between requests to the site", check=(not_negative, at_most(A_DAY))
    )
    concurrency: int = key(4, doc="parallel requests to the site", check=(at_least_one,))
    timeout: float = key(
        30.0, doc="seconds per request", check=(not_negative, above_zero, at_most(A_DAY))
    )
    dayfirst: bool = key(False, doc="read `05/06/2025` as 5 June")
    schedule: str | None = key(
        None,
        doc='crawl at most this often within `run` (`"10m"`, `"1h"`, `"1d"`); see'
        " docs/operations.md",
        check=(duration,),
        shown="every run",
    )
    # Incremental crawling (docs/operations.md).
    recheck: tuple[int, ...] = key(  # seconds, ascending (the TOML holds durations)
        DEFAULT_RECHECK_SECONDS,
        doc="re-check a stored article for corrections this long after its publication (first"
        " seen when undated), each step once, with conditional GETs; `[]`: never. Default from"
        " `[crawl] recheck`; see docs/operations.md",
        check=(durations,),
        shown="`[" + ", ".join(f'"{step}"' for step in DEFAULT_RECHECK) + "]`",
    )
    stop_after_known_pages: int = key(
        1,
        doc="stop paging after this many listing pages with nothing new (0: page through all)",
        check=(not_negative,),
    )
    # Limits against traps and bombs (docs/robustness.md); each ends a branch, not the run.
    allow_addresses: tuple[str, ...] = key(
        (),
        doc='networks the address guard lets this site reach (e.g. `["127.0.0.1/32"]`); also'
        " global in `[crawl]`",
        check=(networks,),
    )
    max_requests: int = key(2000, doc="requests per run", check=(at_least_one,))
    max_depth: int | None = key(
        None,
        doc="link hops from a start URL, pagination included",
        check=(not_negative,),
        shown="20, or `max_pages` + 3",
    )
    max_page_bytes: int = key(
        8 * 1024 * 1024,
        doc="largest response (decompressed)",
        check=(at_least_one,),
        shown="8 MiB",
    )
    max_url_length: int = key(2048, doc="longer URLs are not followed", check=(at_least_one,))
    max_query_params: int = key(
        12, doc="URLs with more query parameters are not followed", check=(not_negative,)
    )
    retries: int = key(
        2,
        doc="retries of a failed request (5xx, 429, resets), with backoff",
        check=(not_negative, at_most(MAX_RETRIES)),
    )
    max_retry_delay: float = key(
        60.0,
        doc="longest `Retry-After` honoured, in seconds",
        check=(not_negative, at_most(A_DAY)),
    )
    # Rendering in headless Chromium (docs/browser.md).
    render: str = key(
        "http",
        doc='`"browser"`: render listing and article pages in headless Chromium; `"listings"`:'
        " listing pages only (docs/browser.md)",
        check=(one_of(*RENDER_MODES),),
    )
    browser_path: str = key(
        "/usr/bin/chromium",
        doc="the Chromium executable of a rendering site (missing: exit 2 naming this key)",
        shown="`/usr/bin/chromium`",
    )
    wait_for: str | None = key(
        None,
        doc="CSS selector a rendered page waits for; without it, network idle (at most"
        " `idle_timeout`)",
    )
    render_timeout: float = key(
        30.0,
        doc="seconds to load a rendered page, and to find `wait_for`; over it: one"
        " `render_timeout` error",
        check=(above_zero, at_most(A_DAY)),
    )
    idle_timeout: float = key(
        5.0,
        doc="at most this many seconds waiting for network idle; then the page is taken as it is",
        check=(not_negative, at_most(A_DAY)),
    )
    max_open_pages: int = key(
        4, doc="browser pages (tabs) open at once for the site", check=(at_least_one,)
    )
    block_resources: tuple[str, ...] = key(
        ("image", "font", "media"), doc="Playwright resource types a rendered page may not load"
    )

    @property
    def depth_limit(self) -> int:
        """Link hops from a start URL; pagination counts, so by default it follows max_pages."""
        if self.max_depth is not None:
            return self.max_depth
        return max(DEFAULT_MAX_DEPTH, self.max_pages + DEPTH_BEYOND_PAGES)

    @property
    def display_title(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class CrawlOptions:
    """The `[crawl]` table: what applies to every site unless it says otherwise."""

    allow_addresses: tuple[str, ...] = key(
        (),
        doc="networks the address guard lets every site reach, added to each site's own"
        " `allow_addresses`",
        check=(networks,),
    )
    extract_processes: int = key(
        0,
        doc="worker processes extracting articles off the crawling process (0: inline; at most"
        " 256, as `extract --jobs`)",
        check=(not_negative, at_most(256)),
    )
    recheck: tuple[int, ...] = key(  # seconds, ascending (the TOML holds durations)
        DEFAULT_RECHECK_SECONDS,
        doc="every site's default `recheck` (docs/operations.md)",
        check=(durations,),
        shown=SiteConfig.__dataclass_fields__["recheck"].metadata["shown"],
    )


@dataclass(frozen=True)
class FeedFamily:
    """One `[feeds.families.NAME]` table: a feed of articles sharing a label, or a saved search.

    `value` is the category, tag, language or source agency (`kind`); `query` the full-text
    query of a `search` family. `sites` and `language` narrow any family.
    """

    name: str
    kind: str = key(doc="`category`, `tag`, `language`, `source` or `search`")
    value: str | None = key(None, doc="the category, tag, language or source (not for search)")
    query: str | None = key(None, doc="the full-text query of a `search` family")
    sites: tuple[str, ...] = key((), doc="only these sites", shown="every site")
    language: str | None = key(None, doc="only articles in this language")
    title: str | None = key(None, doc="the feed's title", shown="from the family")


@dataclass(frozen=True)
class FeedOptions:
    """The `[feeds]` table: how `export` writes feeds and `serve` serves them."""

    base_url: str = key(
        "http://127.0.0.1:8080/",
        doc="where the feed files are published (self links, ids)",
        check=(http_url,),
    )
    title: str = key("newsspider", doc="the combined feed's title")
    limit: int = key(50, doc="articles per feed", check=(at_least_one,))
    websub_hub: str | None = key(
        None, doc="announce feeds and ping this hub on change", check=(http_url,)
    )
    max_age: int = key(900, doc="Cache-Control max-age of `serve`, seconds", check=(not_negative,))
    families: tuple[FeedFamily, ...] = ()  # the [feeds.families.NAME] tables (FeedFamily)


@dataclass(frozen=True)
class HealthOptions:
    """The `[health]` table: when `status` and `run` call a site unhealthy."""

    empty_runs: int = key(
        3, doc="this many runs in a row without a single article link", check=(at_least_one,)
    )
    missing_share_jump: float = key(
        0.3,
        doc="rise in the share of articles missing date/body/title",
        check=(share,),
    )
    min_articles: int = key(
        3, doc="articles a run must have parsed for its share to count", check=(at_least_one,)
    )
    feed: bool = key(False, doc="publish the alarms as their own feed (`alarms.*`) on export")


@dataclass(frozen=True)
class Config:
    path: str
    sites: dict[str, SiteConfig]
    feeds: FeedOptions = FeedOptions()
    user_agent: str | None = None
    cluster: ClusterOptions | None = None  # the `[cluster]` table (docs/cluster.md)
    health: HealthOptions = HealthOptions()
    extract_processes: int = 0  # `[crawl] extract_processes`: extraction off the crawl's core

    def select(self, names: list[str] | tuple[str, ...] = ()) -> list[SiteConfig]:
        """The named sites (all when none are named); an unknown name is an error."""
        from newsspider.errors import UnknownSiteError

        if not names:
            return list(self.sites.values())
        unknown = [n for n in names if n not in self.sites]
        if unknown:
            known = ", ".join(sorted(self.sites)) or "none"
            raise UnknownSiteError(
                f"unknown site {', '.join(unknown)!s} in {self.path} (defined: {known})"
            )
        return [self.sites[n] for n in names]
