"""Publication date: structured metadata first, reconciled with the URL's date, then htmldate.

A site's own datePublished/article:published_time is the most reliable signal; a date in the URL
is the publisher's local day, so it wins over a UTC timestamp that is one day off (a UTC
rendering of a late-evening local time). Without either, htmldate's fast heuristics run before its
extensive search, which guesses more and is wrong more often. No signal at all gives None.
"""

from __future__ import annotations

import re
import warnings
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


def find_published(
    html: str,
    url: str | None = None,
    *,
    tree: Any = None,
    metadata: dict[str, Any] | None = None,
) -> str | None:
    """Return the publication date as an ISO date or datetime string, or None when unknown."""
    if metadata is None and tree is None:
        tree = load_html(html)
    if metadata is None and tree is not None:
        metadata = extract_metadata(tree, url or "")
    stated = parse_date((metadata or {}).get("published"))
    if isinstance(stated, datetime):
        stated = localize_utc(stated, (metadata or {}).get("language"))
    in_url = url_date(url)
    if stated and in_url:
        return stated.isoformat() if _same_day(stated, in_url) else _reconcile(stated, in_url)
    if stated:
        return stated.isoformat()
    if in_url:
        return in_url.isoformat()
    return _htmldate(html, url)


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


def _htmldate(html: str, url: str | None) -> str | None:
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
