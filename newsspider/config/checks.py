"""Checks shared by every table of the configuration; each failure names file, site and key."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlparse

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from newsspider.config.model import SELECTOR_FIELDS
from newsspider.errors import ConfigError

SITE_TYPES: dict[str, tuple[type, ...]] = {
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
    "recheck": (list,),
    "stop_after_known_pages": (int,),
    "schedule": (str,),
    "render": (str,),
    "browser_path": (str,),
    "wait_for": (str,),
    "render_timeout": (int, float),
    "idle_timeout": (int, float),
    "max_open_pages": (int,),
    "block_resources": (list,),
}
FEED_TYPES: dict[str, tuple[type, ...]] = {
    "base_url": (str,),
    "title": (str,),
    "limit": (int,),
    "websub_hub": (str,),
    "max_age": (int,),
    "families": (dict,),
}
FAMILY_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "value": (str,),
    "query": (str,),
    "sites": (list,),
    "language": (str,),
    "title": (str,),
}
CRAWL_TYPES: dict[str, tuple[type, ...]] = {
    "allow_addresses": (list,),
    "extract_processes": (int,),
    "recheck": (list,),
}
# Keys that were replaced: a config still using one gets told what to write instead.
REPLACED_SITE_KEYS = {
    "refresh_hours": "replaced by recheck, a list of durations after publication such as "
    '["1h", "6h", "1d", "3d"] ([] for none)',
}
HEALTH_TYPES: dict[str, tuple[type, ...]] = {
    "empty_runs": (int,),
    "missing_share_jump": (int, float),
    "min_articles": (int,),
    "feed": (bool,),
}
TOP_LEVEL = ("sites", "feeds", "user_agent", "crawl", "health", "cluster")
AT_LEAST_ONE = (
    "max_pages",
    "concurrency",
    "max_requests",
    "max_page_bytes",
    "max_url_length",
    "max_open_pages",
)
NOT_NEGATIVE = (
    "download_delay",
    "timeout",
    "max_depth",
    "max_query_params",
    "retries",
    "max_retry_delay",
    "stop_after_known_pages",
    "idle_timeout",
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


def check_durations(where: str, site: str | None, key: str, values: list[Any]) -> tuple[int, ...]:
    """A list of durations (`["1h", "1d"]`) as seconds, ascending and distinct."""
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(where, 'must be a list of durations such as "1h"', site=site, key=key)
    try:
        return tuple(sorted({parse_duration(v) for v in values}))
    except ValueError as exc:
        raise ConfigError(where, str(exc), site=site, key=key) from None


def check_networks(where: str, site: str | None, key: str, values: list[Any]) -> tuple[str, ...]:
    from newsspider.guard import parse_networks

    if not all(isinstance(v, str) for v in values):
        raise ConfigError(where, "must be a list of strings", site=site, key=key)
    try:
        parse_networks(values)
    except ValueError as exc:
        raise ConfigError(where, str(exc), site=site, key=key) from None
    return tuple(values)


def check_types(
    where: str,
    site: str | None,
    table: dict[str, Any],
    types: dict[str, tuple[type, ...]],
    prefix: str = "",
) -> None:
    for key, value in table.items():
        if key in REPLACED_SITE_KEYS and site is not None:
            raise ConfigError(where, REPLACED_SITE_KEYS[key], site=site, key=key)
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
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(where, "must be a finite number", site=site, key=prefix + key)


def check_urls(where: str, site: str, key: str, urls: list[Any]) -> None:
    for url in urls:
        parts = urlparse(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(where, f"{url!r} is not an http(s) URL", site=site, key=key)


def check_regex(where: str, site: str, key: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(where, f"invalid regular expression: {exc}", site=site, key=key) from None


def check_selector(where: str, site: str, field_name: str, selector: Any) -> None:
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


# Playwright's resource types a rendered page may be refused (`block_resources`).
RESOURCE_TYPES = (
    "document", "stylesheet", "image", "media", "font", "script", "texttrack", "xhr",
    "fetch", "eventsource", "websocket", "manifest", "other",
)  # fmt: skip


def check_render(where: str, site: str, table: dict[str, Any], modes: tuple[str, ...]) -> None:
    """The browser keys of a site table (docs/browser.md); types are checked already."""
    if table.get("render", "http") not in modes:
        raise ConfigError(where, f"must be one of {', '.join(modes)}", site=site, key="render")
    if table.get("render_timeout", 1) <= 0:
        raise ConfigError(where, "must be above 0", site=site, key="render_timeout")
    if not table.get("browser_path", "x").strip():
        raise ConfigError(where, "must be a path to Chromium", site=site, key="browser_path")
    selector = table.get("wait_for")
    if selector is not None:
        try:
            GenericTranslator().css_to_xpath(selector)
        except (SelectorError, SyntaxError) as exc:
            raise ConfigError(
                where, f"invalid CSS selector {selector!r}: {exc}", site=site, key="wait_for"
            ) from None
    for kind in table.get("block_resources", []):
        if kind not in RESOURCE_TYPES:
            raise ConfigError(
                where,
                f"{kind!r} is not a resource type (known: {', '.join(RESOURCE_TYPES)})",
                site=site,
                key="block_resources",
            )
