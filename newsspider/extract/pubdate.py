"""Publication date: the day the page states, decided by agreement between its signals.

Signals: the structured metadata date (JSON-LD datePublished, article:published_time, ...), a
date in the URL, and htmldate (fast heuristics, then its extensive search). A metadata time
with its own non-zero offset is the publisher's local time and is never overruled. Otherwise
the day most signals agree on wins, ties going to metadata, then the URL, then htmldate;
htmldate runs only when the others leave the day open. No signal at all gives None.

Two older rules remain switchable for measurement (DateRule), off by default because they
lost under cross-validation (bench/extraction.py): expressing a UTC timestamp in a zone
guessed from the language tag, and letting the URL's day beat a UTC timestamp.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
import htmldate
from dateutil import parser as dateutil_parser
from trafilatura.utils import load_html

from newsspider.extract.metadata import extract_metadata

URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?=[/_.-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)"
)
HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
EARLIEST_YEAR = 1990
# The zone of a country's main newsrooms, for regions whose offset moves the day noticeably.
REGION_ZONES = {
    "us": "America/New_York",
    "ca": "America/Toronto",
    "mx": "America/Mexico_City",
    "br": "America/Sao_Paulo",
    "ar": "America/Argentina/Buenos_Aires",
    "cl": "America/Santiago",
    "co": "America/Bogota",
    "pe": "America/Lima",
    "ve": "America/Caracas",
    "au": "Australia/Sydney",
    "nz": "Pacific/Auckland",
    "jp": "Asia/Tokyo",
    "kr": "Asia/Seoul",
    "cn": "Asia/Shanghai",
    "tw": "Asia/Taipei",
    "hk": "Asia/Hong_Kong",
    "sg": "Asia/Singapore",
    "my": "Asia/Kuala_Lumpur",
    "ph": "Asia/Manila",
    "id": "Asia/Jakarta",
    "th": "Asia/Bangkok",
    "vn": "Asia/Ho_Chi_Minh",
    "in": "Asia/Kolkata",
    "pk": "Asia/Karachi",
    "ir": "Asia/Tehran",
    "ae": "Asia/Dubai",
    "sa": "Asia/Riyadh",
    "ru": "Europe/Moscow",
    "tr": "Europe/Istanbul",
}
# Languages spoken essentially in one time zone.
LANGUAGE_ZONES = {
    "fa": "Asia/Tehran",
    "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul",
    "th": "Asia/Bangkok",
    "vi": "Asia/Ho_Chi_Minh",
}
LOCAL_SHIFT_HOURS = 10  # the widest time-zone offset we assume between UTC and a newsroom


@dataclass(frozen=True)
class DateRule:
    """How the signals are combined; the defaults won under cross-validation."""

    zone_from_language: bool = False  # express UTC in a zone guessed from the language tag
    url_day_over_utc: bool = False  # the URL's day beats a UTC timestamp a few hours off
    vote: bool = True  # majority of metadata, URL and htmldate; else first signal found
    keep_utc: bool = False  # a UTC timestamp counts as the page's own offset: never outvoted


DEFAULT_RULE = DateRule()
Stated = datetime | date | None


def find_published(
    html: str,
    url: str | None = None,
    *,
    tree: Any = None,
    metadata: dict[str, Any] | None = None,
    rule: DateRule = DEFAULT_RULE,
) -> str | None:
    """Return the publication date as an ISO date or datetime string, or None when unknown."""
    if metadata is None and tree is None:
        tree = load_html(html)
    if metadata is None and tree is not None:
        metadata = extract_metadata(tree, url or "")
    metadata = metadata or {}
    stated, in_url = parse_date(metadata.get("published")), url_date(url)
    # htmldate without the URL when the URL already votes: its answer must be a separate signal
    html_url = None if in_url else url
    return decide(
        stated, metadata.get("language"), in_url, lambda: htmldate_day(html, html_url), rule
    )


def decide(
    stated: Stated,
    language: str | None,
    in_url: date | None,
    from_html: Callable[[], str | None],
    rule: DateRule = DEFAULT_RULE,
) -> str | None:
    """The publication date from the signals (htmldate called only when needed), as ISO."""
    if isinstance(stated, datetime) and rule.zone_from_language:
        stated = localize_utc(stated, language)
    if isinstance(stated, datetime) and (stated.utcoffset() or _kept_utc(stated, rule)):
        return stated.isoformat()
    if stated and in_url and not _same_day(stated, in_url) and rule.url_day_over_utc:
        return _reconcile(stated, in_url)
    if stated and (not rule.vote or not in_url or _same_day(stated, in_url)):
        return stated.isoformat()
    if in_url and not stated:
        return in_url.isoformat()
    found = from_html()
    if not stated and not in_url:
        return found
    return _majority(stated, in_url, found)


def _majority(stated: Stated, in_url: date | None, found: str | None) -> str | None:
    """The day most signals give; ties go to metadata, then the URL, then htmldate."""
    days = [_day(stated), in_url, date.fromisoformat(found[:10]) if found else None]
    counts = Counter(day for day in days if day)
    best = max(counts.values())
    winner = next(day for day in days if day and counts[day] == best)
    if stated and winner == _day(stated):
        return stated.isoformat()
    return winner.isoformat() if winner == in_url else found


def _kept_utc(stated: datetime, rule: DateRule) -> bool:
    return rule.keep_utc and stated.tzinfo is not None and not rule.url_day_over_utc


def _day(stated: Stated) -> date | None:
    return stated.date() if isinstance(stated, datetime) else stated


def parse_date(raw: str | None) -> datetime | date | None:
    """Parse a date string as sites give it (ISO, RFC 822, or local-language text)."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    parsed = _parse_iso(raw) or _parse_dateutil(raw) or _parse_dateparser(raw)
    if parsed is None or not _plausible(parsed):
        return None
    return parsed if HAS_TIME.search(raw) else parsed.date()


def localize_utc(stated: datetime, language: str | None) -> datetime:
    """Express a UTC timestamp in the newsroom's zone, guessed from the page's language tag.

    The publication day is the publisher's local day; a UTC rendering of a late-evening story
    in New York or an early-morning one in Tokyo falls on the neighbouring day. The instant is
    unchanged, only its offset; a tag without a known region or language leaves it in UTC.
    """
    if stated.tzinfo is None or stated.utcoffset() or not language:
        return stated
    parts = re.split(r"[-_]", language.strip().lower())
    zone = REGION_ZONES.get(parts[1]) if len(parts) > 1 else None
    zone = zone or LANGUAGE_ZONES.get(parts[0])
    return stated.astimezone(ZoneInfo(zone)) if zone else stated


def url_date(url: str | None) -> date | None:
    """The full year/month/day date in a URL path, if there is one."""
    match = URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups() if part is not None)
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if _plausible(found) else None


def _reconcile(stated: datetime | date, in_url: date) -> str:
    """Prefer the URL's day when the stated time is UTC and a local evening/morning explains it.

    A UTC timestamp a few hours from midnight falls on the neighbouring day in the publisher's
    time zone; a stated time with its own offset is already local and is trusted as given.
    """
    if isinstance(stated, datetime) and not stated.utcoffset():
        shift = (in_url - stated.date()).days
        if (shift == -1 and stated.hour < LOCAL_SHIFT_HOURS) or (
            shift == 1 and stated.hour >= 24 - LOCAL_SHIFT_HOURS
        ):
            return in_url.isoformat()
    return stated.isoformat()


def _same_day(stated: datetime | date, day: date) -> bool:
    return (stated.date() if isinstance(stated, datetime) else stated) == day


def htmldate_day(html: str, url: str | None) -> str | None:
    """htmldate's fast heuristics, then its extensive search."""
    for extensive in (False, True):
        found = htmldate.find_date(
            html, url=url, extensive_search=extensive, original_date=True, verbose=False
        )
        if found:
            return str(found)
    return None


def _parse_iso(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
    except ValueError:
        return None


def _parse_dateutil(raw: str) -> datetime | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return dateutil_parser.parse(raw, fuzzy=False)
        except (ValueError, OverflowError):
            return None


def _parse_dateparser(raw: str) -> datetime | None:
    return dateparser.parse(raw, settings={"STRICT_PARSING": True})


def _plausible(found: datetime | date) -> bool:
    day = found.date() if isinstance(found, datetime) else found
    return day.year >= EARLIEST_YEAR and day <= date.today() + timedelta(days=2)
