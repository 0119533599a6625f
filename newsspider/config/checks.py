"""Checks shared by every table of the configuration; each failure names file, site and key."""

from __future__ import annotations

import math
from typing import Any

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from newsspider.config.durations import parse_duration
from newsspider.config.model import (
    SELECTOR_FIELDS,
    CrawlOptions,
    FeedFamily,
    FeedOptions,
    HealthOptions,
    SiteConfig,
)
from newsspider.config.rules import declared, toml_types
from newsspider.errors import ConfigError

SITE_TYPES = toml_types(SiteConfig)  # from the declarations (newsspider.config.model)
FEED_TYPES = toml_types(FeedOptions) | {"families": (dict,)}
FAMILY_TYPES = toml_types(FeedFamily)
CRAWL_TYPES = toml_types(CrawlOptions)
HEALTH_TYPES = toml_types(HealthOptions)
TOP_LEVEL = ("sites", "feeds", "user_agent", "crawl", "health", "cluster")
# Site keys that no longer do anything: a config still holding one loads, with a warning
# saying what replaced it (docs/sites.md), so a scheduled crawl survives the upgrade.
DEPRECATED_SITE_KEYS = {
    "refresh_hours": "re-checks follow `recheck` now, a list of durations after publication"
    ' such as ["1h", "6h", "1d", "3d"] (docs/sites.md)',
}


def as_seconds(durations: list[str]) -> tuple[int, ...]:
    """Checked durations (`["1h", "1d"]`, see `rules.durations`) as seconds, ascending, distinct."""
    return tuple(sorted({parse_duration(v) for v in durations}))


def check_types(
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
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(where, "must be a finite number", site=site, key=prefix + key)


def check_declared(
    where: str, site: str | None, table: dict[str, Any], cls: type, prefix: str = ""
) -> None:
    """The declared checks of `cls`'s keys (config/model.py) on the table's values."""
    for field in declared(cls):
        if field.name in table:
            for check in field.metadata["check"]:
                if (problem := check(table[field.name])) is not None:
                    raise ConfigError(where, problem, site=site, key=prefix + field.name)


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


def check_render(where: str, site: str, table: dict[str, Any]) -> None:
    """The browser keys of a site table (docs/browser.md) beyond their declared checks."""
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
