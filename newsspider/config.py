"""Site definitions and global options, read from TOML and validated up front.

Every problem is reported as a `ConfigError` naming the file, the site and the
key, before any request is sent.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from newsspider.errors import ConfigError

if TYPE_CHECKING:
    from newsspider.cluster.config import ClusterOptions

DEFAULT_CONFIG = Path(__file__).with_name("sites.toml")
SITE_KINDS = ("portal", "generic")
FAMILY_KINDS = ("category", "tag", "language", "source", "search")
# The combined feed's name: no feed family may take it (export rejects such a site).
COMBINED_FEED_NAME = "all"
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
    max_depth: int = 20
    max_page_bytes: int = 8 * 1024 * 1024
    max_url_length: int = 2048
    max_query_params: int = 12
    retries: int = 2
    max_retry_delay: float = 60.0
    # Addresses allowed despite the default deny-list (private, loopback, link-local).
    allow_addresses: tuple[str, ...] = ()
    # Incremental crawling (docs/operations.md): articles first seen or published within
    # `refresh_hours` are re-fetched with a conditional GET; listing pages stop after
    # `stop_after_known_pages` pages in a row with nothing new (0: never stop early).
    refresh_hours: float = 48.0
    stop_after_known_pages: int = 1
    # How often `run` crawls the site: "10m", "1h", "1d" (None: every run).
    schedule: str | None = None

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


@dataclass(frozen=True)
class Config:
    path: str
    sites: dict[str, SiteConfig]
    feeds: FeedOptions = FeedOptions()
    user_agent: str | None = None
    cluster: ClusterOptions | None = None  # the `[cluster]` table (docs/cluster.md)
    health: HealthOptions = HealthOptions()

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


_SITE_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "start_urls": (list,),
    "timezone": (str,),
    "language": (str,),
    "title": (str,),
    "allowed_domains": (list,),
    "article_url_pattern": (str,),
    "id_pattern": (str,),
    "max_pages": (int,),
    "sitemaps": (list,),
    "feeds": (list,),
    "selectors": (dict,),
    "obey_robots": (bool,),
    "download_delay": (int, float),
    "concurrency": (int,),
    "timeout": (int, float),
    "dayfirst": (bool,),
    "max_requests": (int,),
    "max_depth": (int,),
    "max_page_bytes": (int,),
    "max_url_length": (int,),
    "max_query_params": (int,),
    "retries": (int,),
    "max_retry_delay": (int, float),
    "allow_addresses": (list,),
    "refresh_hours": (int, float),
    "stop_after_known_pages": (int,),
    "schedule": (str,),
}
_FEED_TYPES: dict[str, tuple[type, ...]] = {
    "base_url": (str,),
    "title": (str,),
    "limit": (int,),
    "websub_hub": (str,),
    "max_age": (int,),
    "families": (dict,),
}
_FAMILY_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "value": (str,),
    "query": (str,),
    "sites": (list,),
    "language": (str,),
    "title": (str,),
}
_CRAWL_TYPES: dict[str, tuple[type, ...]] = {"allow_addresses": (list,)}
_HEALTH_TYPES: dict[str, tuple[type, ...]] = {
    "empty_runs": (int,),
    "missing_share_jump": (int, float),
    "min_articles": (int,),
}
_TOP_LEVEL = ("sites", "feeds", "user_agent", "crawl", "health", "cluster")
_AT_LEAST_ONE = ("max_pages", "concurrency", "max_requests", "max_page_bytes", "max_url_length")
_NOT_NEGATIVE = (
    "download_delay",
    "timeout",
    "max_depth",
    "max_query_params",
    "retries",
    "max_retry_delay",
    "refresh_hours",
    "stop_after_known_pages",
)
_DURATION = re.compile(r"(?P<count>\d+)\s*(?P<unit>[smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in a duration such as `15m`, `1h30m`, `90s` or `1d`; ValueError otherwise."""
    compact = text.strip().lower()
    parts = list(_DURATION.finditer(compact))
    if not parts or "".join(p.group(0) for p in parts).replace(" ", "") != compact.replace(" ", ""):
        raise ValueError(f"{text!r} is not a duration such as 15m, 1h or 1d")
    seconds = sum(int(p.group("count")) * _UNIT_SECONDS[p.group("unit")] for p in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return seconds


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a TOML configuration file."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(where, "file not found (pass --config PATH)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(where, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, f"invalid TOML: {exc}") from None
    return parse_config(raw, where)


def parse_config(raw: dict[str, Any], where: str) -> Config:
    from newsspider.cluster.config import parse_cluster

    for key in raw:
        if key not in _TOP_LEVEL:
            raise ConfigError(
                where, f"unknown top-level key (known: {', '.join(_TOP_LEVEL)})", key=key
            )
    sites_raw = raw.get("sites", {})
    if not isinstance(sites_raw, dict) or not sites_raw:
        raise ConfigError(where, "no [sites.NAME] table defined", key="sites")
    allowed = _parse_crawl(where, raw.get("crawl", {}))
    sites = {name: _parse_site(where, name, table, allowed) for name, table in sites_raw.items()}
    user_agent = raw.get("user_agent")
    if user_agent is not None and not isinstance(user_agent, str):
        raise ConfigError(where, "must be a string", key="user_agent")
    return Config(
        path=where,
        sites=sites,
        feeds=_parse_feeds(where, raw.get("feeds", {}), tuple(sites)),
        user_agent=user_agent,
        cluster=parse_cluster(where, raw.get("cluster")),
        health=_parse_health(where, raw.get("health", {})),
    )


def _parse_health(where: str, table: Any) -> HealthOptions:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="health")
    _check_types(where, None, table, _HEALTH_TYPES, prefix="health.")
    for key in ("empty_runs", "min_articles"):
        if table.get(key, 1) < 1:
            raise ConfigError(where, "must be at least 1", key=f"health.{key}")
    if not 0 < table.get("missing_share_jump", 0.3) <= 1:
        raise ConfigError(where, "must be above 0 and at most 1", key="health.missing_share_jump")
    return HealthOptions(**table)


def _parse_feeds(where: str, table: Any, site_names: tuple[str, ...]) -> FeedOptions:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="feeds")
    _check_types(where, None, table, _FEED_TYPES, prefix="feeds.")
    families = tuple(
        _parse_family(where, name, family, site_names)
        for name, family in table.get("families", {}).items()
    )
    options = FeedOptions(**{**table, "families": families})
    for key in ("base_url", "websub_hub"):
        value = getattr(options, key)
        if value is not None and urlparse(value).scheme not in ("http", "https"):
            raise ConfigError(where, "must be an http(s) URL", key=f"feeds.{key}")
    if options.limit < 1:
        raise ConfigError(where, "must be at least 1", key="feeds.limit")
    if options.max_age < 0:
        raise ConfigError(where, "must not be negative", key="feeds.max_age")
    return options


def _parse_family(where: str, name: str, table: Any, site_names: tuple[str, ...]) -> FeedFamily:
    prefix = f"feeds.families.{name}"
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        raise ConfigError(where, "feed names use letters, digits, '_', '-' and '.'", key=prefix)
    if name in site_names or name == COMBINED_FEED_NAME:
        raise ConfigError(where, "clashes with a site or the combined feed's name", key=prefix)
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key=prefix)
    _check_types(where, None, table, _FAMILY_TYPES, prefix=prefix + ".")
    kind = table.get("kind")
    if kind not in FAMILY_KINDS:
        raise ConfigError(where, f"must be one of {', '.join(FAMILY_KINDS)}", key=prefix + ".kind")
    needed, unwanted = ("query", "value") if kind == "search" else ("value", "query")
    if not str(table.get(needed, "")).strip():
        raise ConfigError(where, f"is required for kind {kind!r}", key=f"{prefix}.{needed}")
    if unwanted in table:
        raise ConfigError(where, f"is not used by kind {kind!r}", key=f"{prefix}.{unwanted}")
    for site in table.get("sites", []):
        if site not in site_names:
            raise ConfigError(where, f"unknown site {site!r}", key=prefix + ".sites")
    return FeedFamily(name=name, **{**table, "sites": tuple(table.get("sites", []))})


def _parse_crawl(where: str, table: Any) -> tuple[str, ...]:
    """The `[crawl]` table: `allow_addresses` applies to every site."""
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="crawl")
    _check_types(where, None, table, _CRAWL_TYPES, prefix="crawl.")
    return _check_networks(where, None, "crawl.allow_addresses", table.get("allow_addresses", []))


def _check_networks(where: str, site: str | None, key: str, values: list[Any]) -> tuple[str, ...]:
    from newsspider.guard import parse_networks

    if not all(isinstance(v, str) for v in values):
        raise ConfigError(where, "must be a list of strings", site=site, key=key)
    try:
        parse_networks(values)
    except ValueError as exc:
        raise ConfigError(where, str(exc), site=site, key=key) from None
    return tuple(values)


def _check_types(
    where: str,
    site: str | None,
    table: dict[str, Any],
    types: dict[str, tuple[type, ...]],
    prefix: str = "",
) -> None:
    for key, value in table.items():
        if key not in types:
            known = ", ".join(types)
            raise ConfigError(
                where, f"unknown key (known keys: {known})", site=site, key=prefix + key
            )
        expected = types[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            names = " or ".join(t.__name__ for t in expected)
            raise ConfigError(
                where, f"must be {names}, got {type(value).__name__}", site=site, key=prefix + key
            )


def _parse_site(where: str, name: str, table: Any, allowed: tuple[str, ...] = ()) -> SiteConfig:
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        raise ConfigError(where, "site names use letters, digits, '_', '-' and '.'", site=name)
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", site=name)
    _check_types(where, name, table, _SITE_TYPES)
    for key in ("kind", "start_urls", "timezone"):
        if key not in table:
            raise ConfigError(where, "is required", site=name, key=key)
    if table["kind"] not in SITE_KINDS:
        raise ConfigError(where, f"must be one of {', '.join(SITE_KINDS)}", site=name, key="kind")
    for key in ("start_urls", "sitemaps", "feeds"):
        _check_urls(where, name, key, table.get(key, []))
    if not table["start_urls"]:
        raise ConfigError(where, "needs at least one URL", site=name, key="start_urls")
    try:
        ZoneInfo(table["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            where,
            f"unknown time zone {table['timezone']!r} (use an IANA name such as 'Asia/Tehran')",
            site=name,
            key="timezone",
        ) from None
    for key in ("article_url_pattern", "id_pattern"):
        if key in table:
            _check_regex(where, name, key, table[key])
    if "id_pattern" in table and "id" not in re.compile(table["id_pattern"]).groupindex:
        raise ConfigError(where, "needs a named group (?P<id>...)", site=name, key="id_pattern")
    for key in _AT_LEAST_ONE:
        if key in table and table[key] < 1:
            raise ConfigError(where, "must be at least 1", site=name, key=key)
    for key in _NOT_NEGATIVE:
        if key in table and table[key] < 0:
            raise ConfigError(where, "must not be negative", site=name, key=key)
    if "schedule" in table:
        try:
            parse_duration(table["schedule"])
        except ValueError as exc:
            raise ConfigError(where, str(exc), site=name, key="schedule") from None
    selectors = table.get("selectors", {})
    for field_name, selector in selectors.items():
        _check_selector(where, name, field_name, selector)
    domains = table.get("allowed_domains") or [urlparse(u).hostname for u in table["start_urls"]]
    values = {
        k: v
        for k, v in table.items()
        if k not in ("start_urls", "allowed_domains", "sitemaps", "feeds", "allow_addresses")
    }
    site_allowed = _check_networks(where, name, "allow_addresses", table.get("allow_addresses", []))
    return SiteConfig(
        name=name,
        start_urls=tuple(table["start_urls"]),
        allowed_domains=tuple(sorted({d for d in domains if d})),
        sitemaps=tuple(table.get("sitemaps", [])),
        feeds=tuple(table.get("feeds", [])),
        allow_addresses=tuple(dict.fromkeys(allowed + site_allowed)),
        **values,
    )


def _check_urls(where: str, site: str, key: str, urls: list[Any]) -> None:
    for url in urls:
        parts = urlparse(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(where, f"{url!r} is not an http(s) URL", site=site, key=key)


def _check_regex(where: str, site: str, key: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(where, f"invalid regular expression: {exc}", site=site, key=key) from None


def _check_selector(where: str, site: str, field_name: str, selector: Any) -> None:
    key = f"selectors.{field_name}"
    if field_name not in SELECTOR_FIELDS:
        raise ConfigError(
            where, f"unknown field (known: {', '.join(SELECTOR_FIELDS)})", site=site, key=key
        )
    if not isinstance(selector, str) or not selector.strip():
        raise ConfigError(where, "must be a non-empty CSS or XPath string", site=site, key=key)
    try:
        if is_xpath(selector):
            etree.XPath(selector.removeprefix("xpath:"))
        else:
            GenericTranslator().css_to_xpath(selector.removeprefix("css:"))
    except (etree.XPathSyntaxError, SelectorError, SyntaxError) as exc:
        raise ConfigError(
            where, f"invalid selector {selector!r}: {exc}", site=site, key=key
        ) from None


def is_xpath(selector: str) -> bool:
    """Selectors are CSS unless prefixed `xpath:` or starting with `/` or `(`."""
    return selector.startswith(("xpath:", "/", "(")) and not selector.startswith("css:")
