"""The `[feeds]` table and its `[feeds.families.NAME]` feeds."""

from __future__ import annotations

import re
from typing import Any

from newsspider.config.checks import FAMILY_TYPES, FEED_TYPES, check_declared, check_types
from newsspider.config.model import (
    ALARM_FEED_NAME,
    COMBINED_FEED_NAME,
    FAMILY_KINDS,
    FeedFamily,
    FeedOptions,
)
from newsspider.errors import ConfigError


def parse_feeds(where: str, table: Any, site_names: tuple[str, ...]) -> FeedOptions:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="feeds")
    check_types(where, None, table, FEED_TYPES, prefix="feeds.")
    check_declared(where, None, table, FeedOptions, prefix="feeds.")
    families = tuple(
        _parse_family(where, name, family, site_names)
        for name, family in table.get("families", {}).items()
    )
    return FeedOptions(**{**table, "families": families})


def _parse_family(where: str, name: str, table: Any, site_names: tuple[str, ...]) -> FeedFamily:
    prefix = f"feeds.families.{name}"
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
        raise ConfigError(where, "feed names use letters, digits, '_', '-' and '.'", key=prefix)
    if name in site_names or name in (COMBINED_FEED_NAME, ALARM_FEED_NAME):
        raise ConfigError(where, "clashes with a site or the combined feed's name", key=prefix)
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key=prefix)
    check_types(where, None, table, FAMILY_TYPES, prefix=prefix + ".")
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
