"""Site definitions and global options, read from TOML and validated up front.

Every problem is reported as a `ConfigError` naming the file, the site and the
key, before any request is sent. The objects are in `model`, the shared checks
in `checks`, the `[feeds]` table in `feeds`.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from newsspider.config.checks import (
    CRAWL_TYPES,
    DEPRECATED_SITE_KEYS,
    HEALTH_TYPES,
    SITE_TYPES,
    TOP_LEVEL,
    as_seconds,
    check_declared,
    check_render,
    check_selector,
    check_types,
    is_xpath,
)
from newsspider.config.durations import parse_duration
from newsspider.config.feeds import parse_feeds
from newsspider.config.model import (
    ALARM_FEED_NAME,
    COMBINED_FEED_NAME,
    DEFAULT_CONFIG,
    FAMILY_KINDS,
    LOCAL_CONFIG,
    SELECTOR_FIELDS,
    SITE_KINDS,
    Config,
    CrawlOptions,
    FeedFamily,
    FeedOptions,
    HealthOptions,
    SiteConfig,
)
from newsspider.config.rules import required
from newsspider.errors import ConfigError

logger = logging.getLogger(__name__)
_WARNED: set[str] = set()  # deprecated keys already warned about in this process

__all__ = [
    "ALARM_FEED_NAME",
    "COMBINED_FEED_NAME",
    "DEFAULT_CONFIG",
    "FAMILY_KINDS",
    "LOCAL_CONFIG",
    "SELECTOR_FIELDS",
    "SITE_KINDS",
    "Config",
    "CrawlOptions",
    "FeedFamily",
    "FeedOptions",
    "HealthOptions",
    "SiteConfig",
    "is_xpath",
    "load_config",
    "parse_config",
    "parse_duration",
]


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a TOML configuration file."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    where = str(path)
    try:
        raw = tomllib.loads(_read_text(path))
    except FileNotFoundError:
        raise ConfigError(where, "file not found") from None
    except UnicodeDecodeError as exc:
        problem = f"byte {exc.object[exc.start]:#04x} at offset {exc.start}"
        raise ConfigError(where, f"not UTF-8 text ({problem}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(where, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, f"invalid TOML: {exc}") from None
    return parse_config(raw, where)


def _read_text(path: Path) -> str:
    """The bundled file is read as package data: under Scrapyd it sits inside a zipped egg."""
    if path == DEFAULT_CONFIG:
        bundled = importlib.resources.files("newsspider").joinpath(DEFAULT_CONFIG.name)
        return bundled.read_text(encoding="utf-8")
    return path.read_text(encoding="utf-8-sig")  # a byte-order mark (Windows editors) is no error


def parse_config(raw: dict[str, Any], where: str) -> Config:
    from newsspider.cluster.config import parse_cluster

    for key in raw:
        if key not in TOP_LEVEL:
            raise ConfigError(
                where, f"unknown top-level key (known: {', '.join(TOP_LEVEL)})", key=key
            )
    sites_raw = raw.get("sites", {})
    if not isinstance(sites_raw, dict) or not sites_raw:
        raise ConfigError(where, "no [sites.NAME] table defined", key="sites")
    crawl = _parse_crawl(where, raw.get("crawl", {}))
    sites = {name: _parse_site(where, name, table, crawl) for name, table in sites_raw.items()}
    user_agent = raw.get("user_agent")
    if user_agent is not None and not isinstance(user_agent, str):
        raise ConfigError(where, "must be a string", key="user_agent")
    return Config(
        path=where,
        sites=sites,
        feeds=parse_feeds(where, raw.get("feeds", {}), tuple(sites)),
        user_agent=user_agent,
        cluster=parse_cluster(where, raw.get("cluster")),
        health=_parse_health(where, raw.get("health", {})),
        extract_processes=crawl.extract_processes,
    )


def _parse_health(where: str, table: Any) -> HealthOptions:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="health")
    check_types(where, None, table, HEALTH_TYPES, prefix="health.")
    check_declared(where, None, table, HealthOptions, prefix="health.")
    return HealthOptions(**table)


def _parse_crawl(where: str, table: Any) -> CrawlOptions:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="crawl")
    check_types(where, None, table, CRAWL_TYPES, prefix="crawl.")
    check_declared(where, None, table, CrawlOptions, prefix="crawl.")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    if "recheck" in table:
        values["recheck"] = as_seconds(table["recheck"])
    return CrawlOptions(**values)


def _parse_site(where: str, name: str, table: Any, crawl: CrawlOptions) -> SiteConfig:
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        raise ConfigError(where, "site names use letters, digits, '_', '-' and '.'", site=name)
    if name in (COMBINED_FEED_NAME, ALARM_FEED_NAME):
        raise ConfigError(where, f"the name is reserved for the {name!r} feed", site=name)
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", site=name)
    table = _without_deprecated(where, table)
    check_types(where, name, table, SITE_TYPES)
    for key in required(SiteConfig):
        if key not in table:
            raise ConfigError(where, "is required", site=name, key=key)
    check_declared(where, name, table, SiteConfig)
    check_render(where, name, table)
    selectors = table.get("selectors", {})
    for field_name, selector in selectors.items():
        check_selector(where, name, field_name, selector)
    domains = table.get("allowed_domains") or [urlparse(u).hostname for u in table["start_urls"]]
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    values.update(
        allowed_domains=tuple(sorted({d for d in domains if d})),
        allow_addresses=tuple(
            dict.fromkeys(crawl.allow_addresses + tuple(table.get("allow_addresses", ())))
        ),
        recheck=as_seconds(table["recheck"]) if "recheck" in table else crawl.recheck,
    )
    return SiteConfig(name=name, **values)


def _without_deprecated(where: str, table: dict[str, Any]) -> dict[str, Any]:
    """The site table without the keys that no longer do anything, each warned about once."""
    for key in DEPRECATED_SITE_KEYS.keys() & table.keys():
        _warn_deprecated(key, where)
    return {k: v for k, v in table.items() if k not in DEPRECATED_SITE_KEYS}


def _warn_deprecated(key: str, where: str) -> None:
    """One line on stderr per key and process, however many sites hold it or however often
    the file is read (a crawl's spider loader reads it again)."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    logger.warning(
        "newsspider: warning: %s: %s is deprecated and ignored; %s",
        where,
        key,
        DEPRECATED_SITE_KEYS[key],
    )
