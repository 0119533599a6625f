"""Timestamps from the database as aware UTC datetimes, or None when unusable.

Feeds take every date from the data, never from the clock, so that re-exporting
unchanged data produces identical bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime

# An empty feed has no data to date it: it gets this fixed instant (documented).
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO-8601 string as an aware UTC datetime (naive means UTC, as the db stores it)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        return None
