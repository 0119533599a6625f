"""Tests for newsspider.extract.dates: every supported form, DST edges, plausibility, garbage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.extract.calendars import month_of, normalize_text, to_gregorian
from newsspider.extract.dates import (
    EARLIEST,
    FUTURE_SLACK,
    explain_date,
    parse_date,
    to_iso_utc,
)

NOW = datetime(2025, 10, 27, 12, 0, 0, tzinfo=UTC)  # fetch time used by most tests
TEHRAN = "Asia/Tehran"  # +03:30 all year since 2022


def iso(
    raw: str | None, tz: str = TEHRAN, now: datetime = NOW, dayfirst: bool = False
) -> str | None:
    moment = parse_date(raw, timezone=tz, now=now, dayfirst=dayfirst)
    return None if moment is None else to_iso_utc(moment)


@pytest.mark.parametrize(
    ("raw", "expected", "form"),
    [
        ("10/27/2025 7:52:21 AM", "2025-10-27T04:22:21Z", "us-12h"),
        ("10/27/2025 7:52:21 PM", "2025-10-27T16:22:21Z", "us-12h"),
        ("10/27/2025 12:05:00 AM", "2025-10-26T20:35:00Z", "us-12h"),
        ("10/27/2025 12:05:00 PM", "2025-10-27T08:35:00Z", "us-12h"),
        ("Publish Date : 10/27/2025 7:52:21 AM", "2025-10-27T04:22:21Z", "us-12h"),
        ("Published: 10/27/2025 7:52 a.m.", "2025-10-27T04:22:00Z", "us-12h"),
        ("10/27/2025", "2025-10-26T20:30:00Z", "us"),
        ("27 October 2025", "2025-10-26T20:30:00Z", "named"),
        ("27th of October, 2025", "2025-10-26T20:30:00Z", "named"),
        ("October 27, 2025 07:52", "2025-10-27T04:22:00Z", "named"),
        ("Oct. 27, 2025 at 7:52 pm", "2025-10-27T16:22:00Z", "named"),
        ("Posted on Monday, 27-Oct-2025 07:52", "2025-10-27T04:22:00Z", "named"),
        ("2025-10-27", "2025-10-26T20:30:00Z", "iso"),
        ("2025-10-27T07:52:21", "2025-10-27T04:22:21Z", "iso"),
        ("2025-10-27T07:52:21Z", "2025-10-27T07:52:21Z", "iso"),
        ("2025-10-27T07:52:21.123456+03:30", "2025-10-27T04:22:21Z", "iso"),
        ("2025-10-27 07:52:21-0500", "2025-10-27T12:52:21Z", "iso"),
        ("2025/10/27 07:52", "2025-10-27T04:22:00Z", "ymd"),
        ("Mon, 27 Oct 2025 04:22:21 +0000", "2025-10-27T04:22:21Z", "rfc822"),
        ("Mon, 27 Oct 2025 04:22:21 GMT", "2025-10-27T04:22:21Z", "rfc822"),
        ("Mon, 27 Oct 2025 00:22:21 EDT", "2025-10-27T04:22:21Z", "rfc822"),
    ],
)
def test_gregorian_forms(raw: str, expected: str, form: str) -> None:
    moment, reason = explain_date(raw, timezone=TEHRAN, now=NOW)
    assert moment is not None and to_iso_utc(moment) == expected
    assert reason == form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۵ آبان ۱۴۰۴ - ۰۷:۵۲", "2025-10-27T04:22:00Z"),
        ("دوشنبه ۵ آبان ۱۴۰۴ ساعت ۰۷:۵۲", "2025-10-27T04:22:00Z"),
        ("دوشنبه ۵ آبان‌ماه ۱۴۰۴", "2025-10-26T20:30:00Z"),
        ("۰۷:۵۲ - ۵ آبان ۱۴۰۴", "2025-10-27T04:22:00Z"),
        ("۵ آبان ۱۴۰۴ ساعت ۷:۵۲ ب.ظ", "2025-10-27T16:22:00Z"),
        ("5 ابان 1404", "2025-10-26T20:30:00Z"),  # written without the madda
        ("۱۵ اردی‌بهشت ۱۴۰۴", "2025-05-04T20:30:00Z"),
        ("۲۹ اسفند ۱۴۰۳", "2025-03-18T20:30:00Z"),
        ("۵ عقرب ۱۴۰۴", "2025-10-26T20:30:00Z"),  # Dari month name
        ("1404/08/05", "2025-10-26T20:30:00Z"),
        ("۱۴۰۴/۰۸/۰۵ ۰۷:۵۲:۲۱", "2025-10-27T04:22:21Z"),
        ("١٤٠٤/٠٨/٠٥ ٠٧:٥٢", "2025-10-27T04:22:00Z"),  # Arabic-Indic digits
        ("1404-08-05", "2025-10-26T20:30:00Z"),
        ("۰۷:۵۲ - ۱۴۰۴/۰۸/۰۵", "2025-10-27T04:22:00Z"),
        ("تاریخ انتشار: ۰۵/۰۸/۱۴۰۴", "2025-10-26T20:30:00Z"),
    ],
)
def test_jalali_forms(raw: str, expected: str) -> None:
    moment, reason = explain_date(raw, timezone=TEHRAN, now=NOW)
    assert moment is not None and to_iso_utc(moment) == expected
    assert reason == "jalali"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الاثنين ٥ جمادى الأولى ١٤٤٧ هـ", "2025-10-26T21:00:00Z"),
        ("5 جمادى الاولى 1447", "2025-10-26T21:00:00Z"),
        ("۵ جمادی‌الاول ۱۴۴۷", "2025-10-26T21:00:00Z"),
        ("1 رمضان المبارك 1446 هـ 10:30 ص", "2025-03-01T07:30:00Z"),
        ("10 ذو الحجة 1446", "2025-06-05T21:00:00Z"),
        ("10 ذي الحجة 1446", "2025-06-05T21:00:00Z"),
        ("10 ذوالحجه 1446", "2025-06-05T21:00:00Z"),
    ],
)
def test_hijri_forms(raw: str, expected: str) -> None:
    moment, reason = explain_date(raw, timezone="Asia/Riyadh", now=NOW)
    assert moment is not None and to_iso_utc(moment) == expected
    assert reason == "hijri"


def test_hijri_is_used_only_when_nothing_else_is_given() -> None:
    both = "۵ جمادی‌الاول ۱۴۴۷ - دوشنبه ۵ آبان ۱۴۰۴ ساعت ۰۷:۵۲"
    assert explain_date(both, timezone=TEHRAN, now=NOW)[1] == "jalali"
    assert iso(both) == "2025-10-27T04:22:00Z"
    hijri_then_gregorian = "٥ جمادى الأولى ١٤٤٧ هـ الموافق ٢٧ أكتوبر ٢٠٢٥"
    assert explain_date(hijri_then_gregorian, timezone="Asia/Riyadh", now=NOW)[1] == "named"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("٢٧ أكتوبر ٢٠٢٥", "2025-10-26T21:00:00Z"),
        ("27 تشرين الأول 2025 10:30 م", "2025-10-27T19:30:00Z"),
        ("الاثنين 27 اكتوبر 2025 - 07:52 ص", "2025-10-27T04:52:00Z"),
        ("۲۷ اکتبر ۲۰۲۵", "2025-10-26T21:00:00Z"),
        ("27 كانون الأول 2024", "2024-12-26T21:00:00Z"),
    ],
)
def test_arabic_and_persian_gregorian_month_names(raw: str, expected: str) -> None:
    assert iso(raw, tz="Asia/Riyadh") == expected


def test_dayfirst_flips_ambiguous_numeric_dates() -> None:
    later = datetime(2025, 12, 1, tzinfo=UTC)
    assert iso("05/11/2025 10:00", tz="UTC", now=later) == "2025-05-11T10:00:00Z"
    assert iso("05/11/2025 10:00", tz="UTC", now=later, dayfirst=True) == "2025-11-05T10:00:00Z"
    moment, reason = explain_date("05.11.2025 10:00 PM", timezone="UTC", now=later, dayfirst=True)
    assert reason == "dmy-12h" and moment == datetime(2025, 11, 5, 22, tzinfo=UTC)


def test_dotted_dates_are_day_first() -> None:
    moment, reason = explain_date("05.10.2025 10:00", timezone="UTC", now=NOW)
    assert reason == "dmy" and moment == datetime(2025, 10, 5, 10, tzinfo=UTC)


def test_an_offset_no_place_uses_makes_the_date_unusable() -> None:
    assert explain_date("2025-10-27T07:52:21+15:00", timezone="UTC", now=NOW) == (None, "unparsed")


def test_dateparser_does_not_reread_a_recognized_but_implausible_date() -> None:
    assert explain_date("11/05/2025", timezone="UTC", now=NOW) == (None, "future")
    assert explain_date("05/11/2025", timezone="UTC", now=NOW, dayfirst=True) == (None, "future")


def test_impossible_order_is_swapped_whatever_dayfirst_says() -> None:
    assert iso("27/10/2025", tz="UTC") == "2025-10-27T00:00:00Z"
    assert iso("10/27/2025", tz="UTC", dayfirst=True) == "2025-10-27T00:00:00Z"


@pytest.mark.parametrize(
    ("raw", "tz", "expected"),
    [
        # Europe/Berlin, spring forward 2025-03-30 02:00 CET -> 03:00 CEST
        ("2025-03-30 01:30", "Europe/Berlin", "2025-03-30T00:30:00Z"),
        ("2025-03-30 02:30", "Europe/Berlin", "2025-03-30T01:30:00Z"),  # gap: read as CET
        ("2025-03-30 03:30", "Europe/Berlin", "2025-03-30T01:30:00Z"),
        # Europe/Berlin, fall back 2025-10-26 03:00 CEST -> 02:00 CET
        ("2025-10-26 01:30", "Europe/Berlin", "2025-10-25T23:30:00Z"),
        ("2025-10-26 02:30", "Europe/Berlin", "2025-10-26T00:30:00Z"),  # ambiguous: first (CEST)
        ("2025-10-26 03:30", "Europe/Berlin", "2025-10-26T02:30:00Z"),
        # America/New_York, 2025-03-09 and 2025-11-02
        ("03/09/2025 1:30 AM", "America/New_York", "2025-03-09T06:30:00Z"),
        ("03/09/2025 2:30 AM", "America/New_York", "2025-03-09T07:30:00Z"),  # gap: read as EST
        ("03/09/2025 3:30 AM", "America/New_York", "2025-03-09T07:30:00Z"),
        ("11/02/2025 1:30 AM", "America/New_York", "2025-11-02T05:30:00Z"),  # ambiguous: EDT
        ("11/02/2025 3:30 AM", "America/New_York", "2025-11-02T08:30:00Z"),
        # Asia/Tehran still had DST in 2021: +04:30 from 1400/01/02 to 1400/06/30
        ("1400/01/01 12:00", TEHRAN, "2021-03-21T08:30:00Z"),
        ("1400/01/02 12:00", TEHRAN, "2021-03-22T07:30:00Z"),
        ("1400/06/30 12:00", TEHRAN, "2021-09-21T07:30:00Z"),
        ("1400/06/31 12:00", TEHRAN, "2021-09-22T08:30:00Z"),
    ],
)
def test_dst_both_sides(raw: str, tz: str, expected: str) -> None:
    assert iso(raw, tz=tz, now=datetime(2026, 1, 1, tzinfo=UTC)) == expected


def test_explicit_offset_wins_over_the_site_timezone() -> None:
    for tz in ("UTC", TEHRAN, "America/New_York"):
        assert iso("2025-10-27T07:52:21+02:00", tz=tz) == "2025-10-27T05:52:21Z"


@pytest.mark.parametrize(
    ("raw", "back"),
    [
        ("2 hours ago", timedelta(hours=2)),
        ("5 minutes ago", timedelta(minutes=5)),
        ("an hour ago", timedelta(hours=1)),
        ("3 days ago", timedelta(days=3)),
        ("1 week ago", timedelta(weeks=1)),
        ("Updated 30 secs ago", timedelta(seconds=30)),
        ("yesterday", timedelta(days=1)),
        ("just now", timedelta(0)),
        ("۳ ساعت پیش", timedelta(hours=3)),
        ("۲ روز پیش", timedelta(days=2)),
        ("۱۰ دقیقه قبل", timedelta(minutes=10)),
        ("دیروز", timedelta(days=1)),
        ("لحظاتی پیش", timedelta(0)),
        ("منذ 3 ساعات", timedelta(hours=3)),
        ("منذ ٥ دقائق", timedelta(minutes=5)),
        ("منذ ساعتين", timedelta(hours=2)),
        ("منذ ساعة", timedelta(hours=1)),
        ("أمس", timedelta(days=1)),
    ],
)
def test_relative_forms(raw: str, back: timedelta) -> None:
    moment, reason = explain_date(raw, timezone=TEHRAN, now=NOW)
    assert moment == NOW - back
    assert reason == "relative"


def test_relative_day_with_time_is_wall_clock_time_in_the_site_zone() -> None:
    late_evening = datetime(2025, 10, 27, 21, 0, tzinfo=UTC)  # already 28 Oct 00:30 in Tehran
    assert iso("yesterday at 10:30", now=late_evening) == "2025-10-27T07:00:00Z"
    assert iso("دیروز ساعت ۱۰:۳۰", now=late_evening) == "2025-10-27T07:00:00Z"
    assert iso("today 08:00", now=late_evening) == "2025-10-28T04:30:00Z"


def test_day_words_inside_other_text_are_not_dates() -> None:
    assert explain_date("اليوم السابع", timezone=TEHRAN, now=NOW) == (None, "unparsed")
    assert parse_date("yesterday's news, today", timezone="UTC", now=NOW) is None


@pytest.mark.parametrize(
    ("raw", "tz", "expected"),
    [
        ("vor 3 Stunden", "Europe/Berlin", "2025-10-27T09:00:00Z"),
        ("27 de octubre de 2025 10:00", "Europe/Madrid", "2025-10-27T09:00:00Z"),
        ("Publié le : 27 octobre 2025 10:00", "Europe/Paris", "2025-10-27T09:00:00Z"),
        ("27 октября 2025", "Europe/Moscow", "2025-10-26T21:00:00Z"),
    ],
)
def test_dateparser_fallback(raw: str, tz: str, expected: str) -> None:
    moment, reason = explain_date(raw, timezone=tz, now=NOW)
    assert moment is not None and to_iso_utc(moment) == expected
    assert reason == "dateparser"


def test_fallback_refuses_vague_and_long_texts() -> None:
    assert parse_date("Mai", timezone="Europe/Berlin", now=NOW) is None
    assert parse_date("1698391941", timezone="UTC", now=NOW) is None  # not a unix timestamp
    long_text = "Lorem ipsum dolor sit amet " * 4 + "27 de octubre de 2025"
    assert parse_date(long_text, timezone="Europe/Madrid", now=NOW) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty"),
        ("", "empty"),
        ("  \u200c\u200f ", "empty"),
        ("News ID : 253326", "unparsed"),
        ("Comments", "unparsed"),
        ("02/30/2025", "unparsed"),
        ("10/27/2025 25:61", "unparsed"),
        ("10/29/2025 7:52 AM", "future"),
        ("1405/01/01", "future"),
        ("12/31/1989 11:00 PM", "too-old"),
        ("01/01/1985", "too-old"),
        ("999999 years ago", "unparsed"),
    ],
)
def test_failure_reasons(raw: str | None, reason: str) -> None:
    assert explain_date(raw, timezone="UTC", now=NOW) == (None, reason)


def test_plausibility_edges() -> None:
    assert parse_date("2025-10-28T12:00:00Z", timezone="UTC", now=NOW) == NOW + FUTURE_SLACK
    assert parse_date("2025-10-28T12:00:01Z", timezone="UTC", now=NOW) is None
    assert parse_date("1990-01-01T00:00:00Z", timezone="UTC", now=NOW) == EARLIEST
    assert parse_date("1989-12-31T23:59:59Z", timezone="UTC", now=NOW) is None


def test_an_implausible_date_does_not_hide_a_later_plausible_one() -> None:
    text = "Event on 12/30/2025, published 10/27/2025 7:52:21 AM"
    assert iso(text) == "2025-10-27T04:22:21Z"


def test_now_in_another_zone_is_the_same_instant() -> None:
    tehran_now = NOW.astimezone(timezone(timedelta(hours=3, minutes=30)))
    assert parse_date("2 hours ago", timezone="UTC", now=tehran_now) == NOW - timedelta(hours=2)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_date("2025-10-27", timezone="UTC", now=NOW.replace(tzinfo=None))


def test_to_iso_utc() -> None:
    moment = datetime(2025, 10, 27, 7, 52, 21, 999999, tzinfo=timezone(timedelta(hours=3.5)))
    assert to_iso_utc(moment) == "2025-10-27T04:22:21Z"
    assert to_iso_utc(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00Z"
    with pytest.raises(ValueError, match="aware"):
        to_iso_utc(datetime(2025, 10, 27))


def test_normalize_text_folds_scripts_and_letter_variants() -> None:
    assert normalize_text("  ۱۲ ٣٤ \n ") == "12 34"
    assert normalize_text("ذي القعدة") == normalize_text("ذی‌القعده")
    assert normalize_text("جمادى الأولى") == normalize_text("جمادی الاولی")
    assert normalize_text("Publish DATE") == "publish date"


@pytest.mark.parametrize("calendar_spellings", ["gregorian", "jalali", "hijri"])
def test_every_month_of_every_calendar_has_a_name(calendar_spellings: str) -> None:
    names = {
        "gregorian": "jan feb mar apr may jun jul aug sep oct nov dec",
        "jalali": "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند",
        "hijri": "محرم صفر ربيع_الأول ربيع_الآخر جمادى_الأولى جمادى_الآخرة رجب شعبان رمضان "
        "شوال ذو_القعدة ذو_الحجة",
    }[calendar_spellings]
    found = [month_of(normalize_text(name.replace("_", " "))) for name in names.split()]
    assert found == [(calendar_spellings, month) for month in range(1, 13)]


def test_to_gregorian_refuses_impossible_and_out_of_range_dates() -> None:
    assert to_gregorian("jalali", 1403, 12, 30) is not None  # 1403 is a leap year
    assert to_gregorian("jalali", 1404, 12, 30) is None
    assert to_gregorian("hijri", 1200, 1, 1) is None  # before Umm al-Qura tables
    assert to_gregorian("gregorian", 2025, 2, 29) is None


_DATEISH = st.text(
    alphabet="0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩/:-.,+TZ APMamp agohurs آبانمحرپیشدوزساعتمنذ",
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(max_size=60), _DATEISH), dayfirst=st.booleans())
def test_garbage_never_raises_and_results_are_plausible(raw: str, dayfirst: bool) -> None:
    moment = parse_date(raw, timezone=TEHRAN, now=NOW, dayfirst=dayfirst)
    if moment is not None:
        assert moment.tzinfo is UTC
        assert EARLIEST <= moment <= NOW + FUTURE_SLACK


def test_local_iso_uses_the_stated_offset_else_the_zone():
    from newsspider.extract.dates import to_iso_local

    moment = datetime(2020, 5, 2, 2, 54, 29, tzinfo=UTC)
    assert to_iso_local(moment, "2020-05-01T22:54:29-04:00", "UTC") == "2020-05-01T22:54:29-04:00"
    assert to_iso_local(moment, "Sat, 02 May 2020 02:54:29 +0000", "Asia/Tokyo").endswith("+00:00")
    assert to_iso_local(moment, "2020-05-02 11:54", "Asia/Tokyo") == "2020-05-02T11:54:29+09:00"
    assert to_iso_local(moment, None, "America/New_York") == "2020-05-01T22:54:29-04:00"


def test_iso_basic_format_is_read_with_its_offset():
    now = datetime(2021, 1, 1, tzinfo=UTC)
    found = explain_date("20200924T15:04:34Z", timezone="Asia/Tokyo", now=now)
    assert found == (datetime(2020, 9, 24, 15, 4, 34, tzinfo=UTC), "iso")
    naive = parse_date("20200924T150434", timezone="Asia/Tokyo", now=now)
    assert naive == datetime(2020, 9, 24, 6, 4, 34, tzinfo=UTC)
