"""How a config key is declared: its type and default (the dataclass field), a check and a doc.

`key(default, doc=..., check=...)` is a dataclass field whose metadata holds the one-line
doc (the key tables of docs/sites.md and docs/cluster.md are generated from it, see
`key_table`) and the checks: functions from the value to an error message, or None when
the value is fine. Every table is declared so: sites, `[crawl]`, `[feeds]` and its
families, `[health]`, `[cluster]`.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsspider.config.durations import parse_duration

Check = Callable[[Any], str | None]
_TOML_TYPES: dict[type, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (int, float),
    bool: (bool,),
    tuple: (list,),
    dict: (dict,),
}


def key(
    default: Any = dataclasses.MISSING,
    *,
    doc: str,
    check: tuple[Check, ...] = (),
    shown: str | None = None,
) -> Any:
    """A config key: `shown` is how the docs' key table states a default that is not a plain
    value."""
    metadata = {"doc": doc, "check": check, "shown": shown}
    if isinstance(default, dict):
        return dataclasses.field(default_factory=dict, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def declared(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields of `cls` declared with `key`, in order."""
    return [f for f in dataclasses.fields(cls) if "doc" in f.metadata]


def toml_types(cls: type) -> dict[str, tuple[type, ...]]:
    """Per key, the TOML value types its annotation accepts (a tuple is a TOML array)."""
    hints = typing.get_type_hints(cls)
    result = {}
    for field in declared(cls):
        hint = hints[field.name]
        if isinstance(hint, types.UnionType):  # X | None: None is a missing key
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        result[field.name] = _TOML_TYPES[typing.get_origin(hint) or hint]
    return result


def required(cls: type) -> list[str]:
    return [
        f.name
        for f in declared(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def key_table(cls: type) -> str:
    """The Markdown table of every key of `cls`: key, required, default, meaning."""
    lines = ["| key | required | default | meaning |", "| --- | --- | --- | --- |"]
    needed = set(required(cls))
    for field in declared(cls):
        shown = field.metadata["shown"]
        if shown is None and field.name not in needed:
            shown = _shown(field.default if field.default_factory is dataclasses.MISSING else {})
        cells = [f"`{field.name}`", "yes" if field.name in needed else "", shown or ""]
        cells.append(field.metadata["doc"])
        lines.append("|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if value is None or value == {} or value == ():
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f"{value:g}" if isinstance(value, float) else str(value)


# Checks -----------------------------------------------------------------------------


def one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def at_least_one(value: Any) -> str | None:
    return "must be at least 1" if value < 1 else None


def at_most(limit: int) -> Check:
    return lambda value: f"must be at most {limit}" if value > limit else None


def not_negative(value: Any) -> str | None:
    return "must not be negative" if value < 0 else None


def above_zero(value: Any) -> str | None:
    return "must be above 0" if value <= 0 else None


def http_urls(urls: list[Any]) -> str | None:
    for url in urls:
        parts = urlparse(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            return f"{url!r} is not an http(s) URL"
    return None


def http_url(url: str) -> str | None:
    return None if urlparse(url).scheme in ("http", "https") else "must be an http(s) URL"


def share(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be above 0 and at most 1"


def not_empty(urls: list[Any]) -> str | None:
    return "needs at least one URL" if not urls else None


def regex(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    return None


def id_group(pattern: str) -> str | None:
    return None if "id" in re.compile(pattern).groupindex else "needs a named group (?P<id>...)"


def time_zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r} (use an IANA name such as 'Asia/Tehran')"
    return None


def networks(values: list[Any]) -> str | None:
    """IP addresses or networks (CIDR) the address guard may let through."""
    from newsspider.guard import parse_networks

    if not all(isinstance(v, str) for v in values):
        return "must be a list of strings"
    try:
        parse_networks(values)
    except ValueError as exc:
        return str(exc)
    return None


def durations(values: list[Any]) -> str | None:
    """A list of durations such as `["1h", "1d"]`."""
    if not all(isinstance(v, str) for v in values):
        return 'must be a list of durations such as "1h"'
    for text in values:
        if (problem := duration(text)) is not None:
            return problem
    return None


def duration(text: str) -> str | None:
    try:
        parse_duration(text)
    except ValueError as exc:
        return str(exc)
    return None
