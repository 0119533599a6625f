"""The validated configuration: site definitions and global options as frozen objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
    """One `[sites.NAME]` table."""

    name: str
    kind: str
    start_urls: tuple[str, ...]
    timezone: str
    language: str | None = None
    title: str | None = None
    allowed_domains: tuple[str, ...] = ()
    article_url_pattern: str | None = None
    id_pattern: str | None = None
    max_pages: int = 5
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    obey_robots: bool = True
    download_delay: float = 0.25
    concurrency: int = 4
    timeout: float = 30.0
    dayfirst: bool = False
    # Limits against traps and bombs (see docs/robustness.md); each ends a branch, not the run.
    max_requests: int = 2000
    max_depth: int | None = None  # None: max_pages + DEPTH_BEYOND_PAGES (see depth_limit)
    max_page_bytes: int = 8 * 1024 * 1024
    max_url_length: int = 2048
    max_query_params: int = 12
    retries: int = 2
    max_retry_delay: float = 60.0
    # Addresses allowed despite the default deny-list (private, loopback, link-local).
    allow_addresses: tuple[str, ...] = ()
    # Incremental crawling (docs/operations.md): a stored article is re-fetched (with a
    # conditional GET) at these steps after its publication, each at most once (seconds,
    # ascending; empty: never); listing pages stop after `stop_after_known_pages` pages
    # in a row with nothing new (0: never stop early).
    recheck: tuple[int, ...] = DEFAULT_RECHECK_SECONDS
    stop_after_known_pages: int = 1
    # How often `run` crawls the site: "10m", "1h", "1d" (None: every run).
    schedule: str | None = None
    # Rendering in headless Chromium (docs/browser.md): "http" (never), "listings" (listing
    # pages only) or "browser" (listing and article pages).
    render: str = "http"
    browser_path: str = "/usr/bin/chromium"
    wait_for: str | None = None  # CSS selector a rendered page waits for (else network idle)
    render_timeout: float = 30.0  # seconds to load a page, and to find `wait_for`
    idle_timeout: float = 5.0  # at most this long waiting for network idle
    max_open_pages: int = 4
    block_resources: tuple[str, ...] = ("image", "font", "media")

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
class FeedFamily:
    """One `[feeds.families.NAME]` table: a feed of articles sharing a label, or a saved search.

    `value` is the category, tag, language or source agency (`kind`); `query` the full-text
    query of a `search` family. `sites` and `language` narrow any family.
    """

    name: str
    kind: str
    value: str | None = None
    query: str | None = None
    sites: tuple[str, ...] = ()
    language: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class FeedOptions:
    """The `[feeds]` table: how `export` writes feeds and `serve` serves them."""

    base_url: str = "http://127.0.0.1:8080/"
    title: str = "newsspider"
    limit: int = 50
    websub_hub: str | None = None
    max_age: int = 900
    families: tuple[FeedFamily, ...] = ()


@dataclass(frozen=True)
class HealthOptions:
    """The `[health]` table: when `status` and `run` call a site unhealthy."""

    empty_runs: int = 3  # this many runs in a row without a single article link
    missing_share_jump: float = 0.3  # rise in the share of articles missing date/body/title
    min_articles: int = 3  # articles a run must have parsed for its share to count
    feed: bool = False  # publish the alarms as their own feed (`alarms.*`) on export


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
