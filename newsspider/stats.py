"""The one registry of newsspider's stat names and reasons (Scrapy-free).

Every counter a crawl keeps is named `newsspider/<group>/<name>` in Scrapy's stats;
`crawl_runs` stores them grouped (`dropped_reasons`, `warnings`, ...). Code counts
`group/name` through `inc` and reads back through `value` and `grouped`, so the
prefix is spelled here only and every group is one of `Group`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Protocol

PREFIX = "newsspider/"


class Group(StrEnum):
    PAGES = "pages"  # listing, article, sitemap, feed, not_modified
    LINKS = "links"  # articles: article links found on listings
    STORED = "stored"  # an article's Outcome: new, updated, unchanged, suspect
    DROPPED = "dropped"  # a DropReason: the article was not stored
    WARNINGS = "warnings"  # stored, but something was missing or repaired
    ERRORS = "errors"  # requests that failed for good (`requests` is their total)
    SKIPPED = "skipped"  # branches ended on purpose (limits, known articles)
    CLUSTER = "cluster"  # cluster workers: articles_pushed, reclaimed
    REQUESTS = "requests"  # requests sent, by purpose (newsspider.politeness.PURPOSES)


class Outcome(StrEnum):
    """What the article path did with one article (`stored/<outcome>`, or dropped)."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SUSPECT = "suspect"  # a collapsed body, kept as a revision; the stored article stays
    DROPPED = "dropped"  # not stored: see its DropReason


class DropReason(StrEnum):
    """Why an article was not stored: counted as `dropped/<reason>`."""

    NO_NEWS_ID = "no_news_id"
    NO_TITLE = "no_title"
    MOJIBAKE = "mojibake"


class WarningReason(StrEnum):
    """Stored anyway: counted as `warnings/<name>` (dates add `date_<how>`, see explain_date)."""

    DATE_MISSING = "date_missing"
    BODY_MISSING = "body_missing"
    CHARSET_REPAIRED = "charset_repaired"
    RETRY_AFTER_TOO_LONG = "retry_after_too_long"


STATUS = f"{PREFIX}status"  # the site's verdict, set when its spider closes
RUN_ID = f"{PREFIX}run_id"  # this crawl's `crawl_runs` row


class Counter(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


def key(group: Group, name: str) -> str:
    """`group/name`, the form callers count and `crawl_runs` groups by."""
    return f"{group}/{name}"


def full_name(key: str) -> str:
    """The stat name of `group/name` in Scrapy's stats; an unknown group is a bug."""
    Group(key.partition("/")[0])
    return PREFIX + key


def inc(stats: Counter | None, key: str, count: int = 1) -> None:
    """Count `group/name` (a missing collector counts nothing)."""
    if stats is not None:
        stats.inc_value(full_name(key), count)


def value(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(full_name(key), 0))


def grouped(stats: Mapping[str, Any], group: Group) -> dict[str, int]:
    """Every counter of `group`, by name, sorted."""
    head = f"{PREFIX}{group}/"
    return {k.removeprefix(head): int(v) for k, v in sorted(stats.items()) if k.startswith(head)}
