"""Publication dates as printed on news pages -> aware UTC datetimes.

Hand-written paths cover the common forms quickly (the portal's `10/27/2025 7:52:21 AM`, ISO 8601,
RFC 822, named months in English, Arabic and Persian, Jalali and Hijri dates, relative dates);
dateparser is only the slow fallback. Rules (time zones, DST, plausibility) are in docs/dates.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as fixed_offset
from email.utils import parsedate_to_datetime
from itertools import chain
from zoneinfo import ZoneInfo

import dateparser

from newsspider.extract.calendars import (
    JALALI_YEARS,
    MONTH_NAME_PATTERN,
    Calendar,
    month_of,
    normalize_text,
    to_gregorian,
)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MAX_INPUT_CHARS = 500  # a date field longer than this is page text, not a date
FALLBACK_MAX_CHARS = 80  # dateparser only sees short texts: it is slow and eager
FALLBACK_LANGUAGES = ["en", "fa", "ar", "ur", "tr", "fr", "de", "es", "it", "pt", "ru"]

Candidate = tuple[datetime | None, str]  # (aware UTC moment or None if impossible, format name)

# ---- time of day ----------------------------------------------------------------------------

_ERA = r"ه\.?\s?[قش]\.?|هجری|قمری|شمسی|میلادی|ه|م"  # year markers: هـ, ه.ش, م, ...
_GAP = rf"(?:[\s,|@/t\-–—]|at|ساعت|الساعه|ساعه|فی|{_ERA})*"
_CLOCK = (
    r"(?<![0-9])(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
)
_MERIDIEM = (
    r"(?:\s?(?P<meridiem>a\.?m\.?|p\.?m\.?|ق\.?\s?ظ\.?|ب\.?\s?ظ\.?|قبل از ظهر|بعد از ظهر|بعدازظهر"
    r"|صبح|عصر|صباحا|مساء|مساءا|ص|م)(?!\w))?"
)
_ZONE = (
    r"(?:\s?(?P<zone>z|utc|gmt|ut|est|edt|cst|cdt|mst|mdt|pst|pdt)(?!\w))?"
    r"(?:\s?(?P<sign>[+-])(?P<offset_hours>[0-9]{2}):?(?P<offset_minutes>[0-9]{2})(?![0-9]))?"
)
_TIME_AFTER = re.compile(_GAP + _CLOCK + _MERIDIEM + _ZONE)
_TIME_BEFORE = re.compile(_CLOCK + _MERIDIEM + _ZONE + r"\s?(?:[-–—,|@/]\s?)*$")
_PM_WORDS = frozenset(["pm", "بظ", "بعدازظهر", "عصر", "مساء", "مساءا", "م"])
_ZONE_HOURS = {"z": 0, "utc": 0, "gmt": 0, "ut": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5}
_ZONE_HOURS |= {"mst": -7, "mdt": -6, "pst": -8, "pdt": -7}
_MAX_OFFSET = timedelta(hours=14)


def _time_near(text: str, start: int, end: int) -> re.Match[str] | None:
    """The time of day printed right after the date, or else right before it."""
    after = _TIME_AFTER.match(text, end)
    if after:
        return after
    return _TIME_BEFORE.search(text, max(0, start - 40), start)


def _clock(time: re.Match[str] | None) -> tuple[int, int, int]:
    """Hour, minute and second of a time match (midnight if none), 12-hour clock resolved."""
    if time is None:
        return 0, 0, 0
    hour, minute = int(time["hour"]), int(time["minute"])
    second = int(time["second"] or 0)
    meridiem = time["meridiem"]
    if meridiem is not None and hour <= 12:
        is_pm = meridiem.replace(".", "").replace(" ", "") in _PM_WORDS
        hour = hour % 12 + (12 if is_pm else 0)
    return hour, minute, second


def _explicit_zone(time: re.Match[str] | None) -> tzinfo | None:
    """A fixed offset printed after the time (`+03:30`, `Z`, `GMT`, `EST`), else None.

    Raises ValueError for an offset no place on earth uses."""
    if time is None:
        return None
    if time["sign"]:
        offset = timedelta(hours=int(time["offset_hours"]), minutes=int(time["offset_minutes"]))
        if offset > _MAX_OFFSET:
            raise ValueError(f"offset {offset} out of range")
        return fixed_offset(-offset if time["sign"] == "-" else offset)
    if time["zone"]:
        return fixed_offset(timedelta(hours=_ZONE_HOURS[time["zone"]]))
    return None


def _moment(day: date | None, time: re.Match[str] | None, zone: ZoneInfo) -> datetime | None:
    """Combine a calendar day and a time into UTC; naive times are wall-clock time in `zone`.

    fold=0 (PEP 495): an ambiguous hour is read as the first (summer-time) one, a non-existent hour
    in the spring gap as if the clock had not been moved yet, i.e. one hour later in summer time.
    """
    if day is None:
        return None
    hour, minute, second = _clock(time)
    try:
        where = _explicit_zone(time) or zone
        local = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=where)
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# ---- numeric dates: 10/27/2025, 27.10.2025, 2025-10-27, 1404/08/05 ----------------------------

_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<year_first>[0-9]{4})(?P<sep1>[-/.])(?P<month>[0-9]{1,2})(?P=sep1)(?P<day>[0-9]{1,2})"
    r"|(?P<first>[0-9]{1,2})(?P<sep2>[-/.])(?P<second>[0-9]{1,2})(?P=sep2)(?P<year_last>[0-9]{4})"
    r")(?![0-9])"
)


def _numeric_fields(found: re.Match[str], dayfirst: bool) -> tuple[Calendar, int, int, int, str]:
    """Calendar, year, month, day and format name of a numeric date."""
    if found["year_first"]:
        year, month, day = int(found["year_first"]), int(found["month"]), int(found["day"])
        if year in JALALI_YEARS:
            return "jalali", year, month, day, "jalali"
        return "gregorian", year, month, day, "iso" if found["sep1"] == "-" else "ymd"
    year, first, second = int(found["year_last"]), int(found["first"]), int(found["second"])
    if year in JALALI_YEARS:  # Persian pages that put the year last write day/month/year
        day, month = (first, second) if second <= 12 else (second, first)
        return "jalali", year, month, day, "jalali"
    # Dotted dates (27.10.2025) are day-first in every locale that writes them.
    preferred = dayfirst or found["sep2"] == "."
    day_is_first = preferred if first <= 12 and second <= 12 else first > 12
    day, month = (first, second) if day_is_first else (second, first)
    return "gregorian", year, month, day, "dmy" if day_is_first else "us"


def _numeric_candidates(text: str, zone: ZoneInfo, dayfirst: bool) -> Iterator[Candidate]:
    for found in _NUMERIC_DATE.finditer(text):
        calendar, year, month, day, form = _numeric_fields(found, dayfirst)
        time = _time_near(text, found.start(), found.end())
        if form in ("us", "dmy") and time is not None and time["meridiem"]:
            form += "-12h"
        yield _moment(to_gregorian(calendar, year, month, day), time, zone), form


# ---- named months: 27 October 2025, October 27, 2025, ۵ آبان ۱۴۰۴, ٤ جمادى الأولى ١٤٤٧ ----------

_NAMED_DATE = re.compile(
    r"(?<![0-9])(?P<day>[0-9]{1,2})(?:st|nd|rd|th|ام|م)?(?:\s?of)?[\s\-/.,]*"
    rf"(?P<month>{MONTH_NAME_PATTERN})(?:\s?ماه)?(?!\w)\.?[\s\-/.,]*(?P<year>[0-9]{{4}})(?![0-9])"
    rf"|(?<!\w)(?P<month_first>{MONTH_NAME_PATTERN})(?!\w)\.?\s?(?P<day_second>[0-9]{{1,2}})"
    r"(?:st|nd|rd|th)?(?![0-9])[\s,]+(?P<year_last>[0-9]{4})(?![0-9])"
)


def _named_candidates(text: str, zone: ZoneInfo) -> Iterator[Candidate]:
    """Dates with a month name; an Islamic date is used only when the text gives no other."""
    hijri: list[Candidate] = []
    for found in _NAMED_DATE.finditer(text):
        calendar_month = month_of(found["month"] or found["month_first"])
        if calendar_month is None:
            continue
        calendar, month = calendar_month
        year = int(found["year"] or found["year_last"])
        day = to_gregorian(calendar, year, month, int(found["day"] or found["day_second"]))
        time = _time_near(text, found.start(), found.end())
        candidate = _moment(day, time, zone), _named_form(calendar, time)
        if calendar == "hijri":
            hijri.append(candidate)
        else:
            yield candidate
    yield from hijri


def _named_form(calendar: Calendar, time: re.Match[str] | None) -> str:
    if calendar != "gregorian":
        return calendar
    if time is not None and (time["zone"] or time["sign"]):
        return "rfc822"
    return "named"


# ---- relative dates: 2 hours ago, ۳ ساعت پیش, منذ 3 ساعات, yesterday 10:30 --------------------

_UNIT_SPELLINGS: dict[timedelta, str] = {
    timedelta(seconds=1): "second seconds sec secs ثانیه ثانية ثوان ثواني ثانيتين",
    timedelta(minutes=1): "minute minutes min mins دقیقه دقيقة دقائق دقيقتين",
    timedelta(hours=1): "hour hours hr hrs ساعت ساعة ساعات ساعتين",
    timedelta(days=1): "day days روز يوم أيام يومين",
    timedelta(weeks=1): "week weeks هفته أسبوع أسابيع أسبوعين",
    timedelta(days=30): "month months ماه شهر أشهر شهور شهرين",
    timedelta(days=365): "year years سال سنة سنوات سنين سنتين عام أعوام عامين",
}
_UNITS = {
    normalize_text(word): unit for unit, words in _UNIT_SPELLINGS.items() for word in words.split()
}
_DUAL_SPELLINGS = ("ثانيتين", "دقيقتين", "ساعتين", "يومين", "أسبوعين", "شهرين", "سنتين", "عامين")
_DUALS = frozenset(map(normalize_text, _DUAL_SPELLINGS))
_UNIT_PATTERN = "|".join(sorted(_UNITS, key=len, reverse=True))
_COUNT = r"(?:(?P<count>[0-9]{1,6}|an?|one|یک)\s?)?"
_AGO = re.compile(rf"(?<!\w){_COUNT}(?P<unit>{_UNIT_PATTERN})\s?(?:ago|پیش|قبل)(?!\w)")
_SINCE = re.compile(rf"(?<!\w)منذ\s?{_COUNT}(?P<unit>{_UNIT_PATTERN})(?!\w)")

_DAY_SPELLINGS = {"today": 0, "امروز": 0, "اليوم": 0, "yesterday": 1, "دیروز": 1, "أمس": 1}
_DAY_SPELLINGS |= {"البارحة": 1, "پریروز": 2, "أول أمس": 2, "day before yesterday": 2}
_DAYS_BACK = {normalize_text(word): days for word, days in _DAY_SPELLINGS.items()}
_DAY_WORD = re.compile("(?P<word>{})".format("|".join(sorted(_DAYS_BACK, key=len, reverse=True))))
_NOW_SPELLINGS = "just now|moments ago|a moment ago|now|لحظاتی پیش|همین الان|اکنون|الآن|منذ لحظات"
_NOW_WORDS = frozenset(map(normalize_text, _NOW_SPELLINGS.split("|")))
_LABEL = re.compile(r"^[^\d:]{1,40}:\s*")


def _strip_label(text: str) -> str:
    """Drop a leading `Publish Date :`-style label."""
    return _LABEL.sub("", text, count=1)


def _relative_candidates(text: str, zone: ZoneInfo, now: datetime) -> Iterator[Candidate]:
    found = _AGO.search(text) or _SINCE.search(text)
    try:
        if found:
            unit_word = found["unit"]
            count = found["count"]
            times = int(count) if count and count.isdigit() else (2 if unit_word in _DUALS else 1)
            yield now.astimezone(UTC) - times * _UNITS[unit_word], "relative"
            return
        bare = _strip_label(text).strip(" .,")
        if bare in _NOW_WORDS:
            yield now.astimezone(UTC), "relative"
            return
        day_word = _DAY_WORD.match(bare)
        if day_word:
            yield _day_word_moment(bare, day_word, zone, now), "relative"
    except OverflowError:
        yield None, "relative"


def _day_word_moment(
    text: str, day_word: re.Match[str], zone: ZoneInfo, now: datetime
) -> datetime | None:
    """`yesterday` alone is 24 hours before `now`; `yesterday 10:30` is that wall-clock time."""
    days = timedelta(days=_DAYS_BACK[day_word["word"]])
    time = _TIME_AFTER.match(text, day_word.end())
    if time is None:
        return now.astimezone(UTC) - days if day_word.end() == len(text) else None
    if text[time.end() :].strip(" .,"):
        return None
    return _moment(now.astimezone(zone).date() - days, time, zone)


# ---- fallback, plausibility and the public functions --------------------------------------------


def _fallback_candidates(
    raw: str, timezone: str, zone: ZoneInfo, now: datetime
) -> Iterator[Candidate]:
    """dateparser on the original spelling (it knows Arabic letters that normalization folds)."""
    text = _strip_label(" ".join(raw[:MAX_INPUT_CHARS].split()))
    if len(text) > FALLBACK_MAX_CHARS or not any(char.isalnum() for char in text):
        return
    settings = {
        "TIMEZONE": timezone,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
        "REQUIRE_PARTS": ["day", "month"],
        "PARSERS": ["relative-time", "absolute-time"],
    }
    try:
        parsed = dateparser.parse(text, languages=FALLBACK_LANGUAGES, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd text; a fallback must not
        return
    if parsed is not None:
        yield parsed.astimezone(UTC), "dateparser"


# ISO 8601 basic format (20200924T150434Z), as some JSON-LD writes it.
_BASIC_ISO = re.compile(
    r"(?<![0-9])[0-9]{8}t[0-9]{2}:?[0-9]{2}(?::?[0-9]{2}(?:[.,][0-9]{1,6})?)?"
    r"(?:z|[+-][0-9]{2}:?[0-9]{2})?(?![0-9])"
)


def _basic_iso_candidates(text: str, zone: ZoneInfo) -> Iterator[Candidate]:
    found = _BASIC_ISO.search(text)
    if found is None:
        return
    try:
        moment = datetime.fromisoformat(found[0].upper())
    except ValueError:
        yield None, "iso"
        return
    local = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    yield local.astimezone(UTC), "iso"


def _hand_candidates(
    text: str, zone: ZoneInfo, now: datetime, dayfirst: bool
) -> Iterator[Candidate]:
    yield from _basic_iso_candidates(text, zone)
    yield from _numeric_candidates(text, zone, dayfirst)
    yield from _named_candidates(text, zone)
    yield from _relative_candidates(text, zone, now)


def _implausibility(moment: datetime, now: datetime) -> str | None:
    if moment > now + FUTURE_SLACK:
        return "future"
    if moment < EARLIEST:
        return "too-old"
    return None


def explain_date(
    raw: str | None, *, timezone: str, now: datetime, dayfirst: bool = False
) -> tuple[datetime | None, str]:
    """Like parse_date, with the format used ("us-12h", "iso", "jalali", ...) or why it failed
    ("empty", "unparsed", "future", "too-old"); the pipeline counts warnings by this reason."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    text = normalize_text(raw[:MAX_INPUT_CHARS]) if raw else ""
    if not text:
        return None, "empty"
    zone = ZoneInfo(timezone)
    hand = _hand_candidates(text, zone, now, dayfirst)
    first = next(hand, None)
    # dateparser only sees texts the hand paths do not recognize at all: it must not re-read
    # "05/11/2025" month-first after the day-first reading was found implausible.
    if first is None:
        return _first_plausible(_fallback_candidates(raw or "", timezone, zone, now), now)
    return _first_plausible(chain([first], hand), now)


def _first_plausible(candidates: Iterable[Candidate], now: datetime) -> tuple[datetime | None, str]:
    """The first plausible candidate, else why the first real one was refused."""
    rejection = None
    for moment, form in candidates:
        if moment is None:
            continue
        reason = _implausibility(moment, now)
        if reason is None:
            return moment, form
        rejection = rejection or reason
    return None, rejection or "unparsed"


def parse_date(
    raw: str | None, *, timezone: str, now: datetime, dayfirst: bool = False
) -> datetime | None:
    """Parse a date as printed on a news page into an aware UTC datetime, or None.

    Naive dates are wall-clock time in `timezone` (IANA name); an explicit offset wins. Relative
    dates count back from `now` (aware, the fetch time). Results more than a day after `now` or
    before 1990 are implausible and give None. Never raises on any text; raises ValueError for a
    naive `now` and ZoneInfoNotFoundError for an unknown `timezone`.
    """
    return explain_date(raw, timezone=timezone, now=now, dayfirst=dayfirst)[0]


def to_iso_utc(moment: datetime) -> str:
    """'YYYY-MM-DDTHH:MM:SSZ' in UTC, to the second; the form stored in the database and feeds."""
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc:%H:%M:%S}Z"


def to_iso_local(moment: datetime, raw: str | None, timezone: str) -> str:
    """ISO 8601 to the second in the offset `raw` states (ISO or RFC 822), else in `timezone`:
    the moment as the publisher wrote it, so its date part is the day the page states."""
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    zone = _stated_zone(raw) or ZoneInfo(timezone)
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _stated_zone(raw: str | None) -> tzinfo | None:
    text = (raw or "").strip()[:MAX_INPUT_CHARS]
    try:
        stated = datetime.fromisoformat(text)
    except ValueError:
        try:
            stated = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return stated.tzinfo if stated.utcoffset() is not None else None
