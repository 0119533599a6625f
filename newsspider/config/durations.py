"""Durations as written in a configuration or on the command line: `15m`, `1h30m`, `1d`."""

from __future__ import annotations

import re

_DURATION = re.compile(r"(?P<count>\d+)\s*(?P<unit>[smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


MAX_DURATION = 366 * 86400  # the longest schedule or --every accepted, in seconds


def parse_duration(text: str) -> int:
    """Seconds in a duration such as `15m`, `1h30m`, `90s` or `1d`; ValueError otherwise."""
    compact = text.strip().lower()
    parts = list(_DURATION.finditer(compact))
    if not parts or "".join(p.group(0) for p in parts).replace(" ", "") != compact.replace(" ", ""):
        raise ValueError(f"{text!r} is not a duration such as 15m, 1h or 1d")
    seconds = sum(int(p.group("count")) * _UNIT_SECONDS[p.group("unit")] for p in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    if seconds > MAX_DURATION:
        raise ValueError(f"{text!r} is longer than a year")
    return seconds
