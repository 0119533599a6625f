"""Calendars and month names for date parsing: Gregorian, Solar Hijri (Jalali) and Islamic (Hijri).

Persian and Arabic pages spell the same letters several ways (Arabic ي/ك versus Persian ی/ک, hamza
forms, tatweel, diacritics, ZWNJ), and write digits in three scripts. `normalize_text` folds all of
that, so the tables below are written in natural spelling and normalized once at import.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

import jdatetime
from hijridate import Hijri

Calendar = Literal["gregorian", "jalali", "hijri"]

# A numeric date whose year falls here is Solar Hijri (1300 AP = 1921 AD, 1500 AP = 2121 AD).
JALALI_YEARS = range(1300, 1501)

_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)} | {
    chr(0x0660 + i): str(i) for i in range(10)
}
_LETTERS = {
    "ي": "ی",  # Arabic yeh -> Persian yeh
    "ى": "ی",  # alef maksura
    "ئ": "ی",
    "ك": "ک",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ة": "ه",
    "ۀ": "ه",
    "،": ",",
    "٫": ".",
    "٬": ",",
    "\u200c": " ",  # ZWNJ: "آبان‌ماه" -> "ابان ماه"
    "\u200b": " ",
}
_DROPPED = [0x0640, 0x0670, 0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF]  # tatweel, marks, bidi
_DROPPED += [*range(0x064B, 0x0660), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TRANSLATION = str.maketrans({**_DIGITS, **_LETTERS, **{chr(code): None for code in _DROPPED}})


def normalize_text(raw: str) -> str:
    """Fold scripts, digits, letter variants and case; collapse whitespace to single spaces."""
    text = unicodedata.normalize("NFKC", raw).translate(_TRANSLATION).casefold()
    return " ".join(text.split())


_GREGORIAN_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "يناير", "كانون الثاني", "كانون ثاني", "جانفي", "ژانویه"),
    2: ("february", "feb", "فبراير", "شباط", "فيفري", "فوریه"),
    3: ("march", "mar", "مارس", "آذار"),
    4: ("april", "apr", "أبريل", "إبريل", "نيسان", "أفريل", "آوریل"),
    5: ("may", "مايو", "أيار", "ماي", "مه", "می"),
    6: ("june", "jun", "يونيو", "يونيه", "حزيران", "جوان", "ژوئن"),
    7: ("july", "jul", "يوليو", "يوليه", "تموز", "جويلية", "يوليوز", "ژوئیه", "جولای"),
    8: ("august", "aug", "أغسطس", "آب", "أوت", "غشت", "آگوست"),
    9: ("september", "sep", "sept", "سبتمبر", "أيلول", "شتنبر", "سپتامبر"),
    10: ("october", "oct", "أكتوبر", "تشرين الأول", "تشرين أول", "اکتبر"),
    11: ("november", "nov", "نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "نوامبر"),
    12: ("december", "dec", "ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "دسامبر"),
}
# Iranian names, then the Dari (Afghan) names of the same solar months.
_JALALI_NAMES: dict[int, tuple[str, ...]] = {
    1: ("فروردین", "حمل"),
    2: ("اردیبهشت", "اردی بهشت", "ثور"),
    3: ("خرداد", "جوزا"),
    4: ("تیر", "سرطان"),
    5: ("مرداد", "امرداد", "اسد"),
    6: ("شهریور", "سنبله"),
    7: ("مهر", "میزان"),
    8: ("آبان", "عقرب"),
    9: ("آذر", "قوس"),
    10: ("دی", "جدی"),
    11: ("بهمن", "دلو"),
    12: ("اسفند", "حوت"),
}
_HIJRI_NAMES: dict[int, tuple[str, ...]] = {
    1: ("محرم", "محرم الحرام"),
    2: ("صفر", "صفر الخير"),
    3: ("ربيع الأول", "ربيع أول"),
    4: ("ربيع الثاني", "ربيع الآخر", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادى أول"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الثاني", "جمادى ثاني"),
    7: ("رجب", "رجب المرجب"),
    8: ("شعبان", "شعبان المعظم"),
    9: ("رمضان", "رمضان المبارك"),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة"),
    12: ("ذو الحجة", "ذي الحجة"),
}


def _month_spellings() -> dict[str, tuple[Calendar, int]]:
    """Map each normalized spelling to its calendar and month; refuse a name with two meanings."""
    spellings: dict[str, tuple[Calendar, int]] = {}
    sources: list[tuple[Calendar, dict[int, tuple[str, ...]]]] = [
        ("gregorian", _GREGORIAN_NAMES),
        ("jalali", _JALALI_NAMES),
        ("hijri", _HIJRI_NAMES),
    ]
    for calendar, names in sources:
        for month, variants in names.items():
            for variant in variants:
                key = normalize_text(variant)
                if spellings.setdefault(key, (calendar, month)) != (calendar, month):
                    raise ValueError(f"month name {variant!r} is ambiguous")
    return spellings


_SPELLINGS = _month_spellings()
# Keyed without spaces: pages write "ذوالحجه", "ذو الحجه" and "ذی‌الحجه" alike.
_MONTHS = {name.replace(" ", ""): value for name, value in _SPELLINGS.items()}

# Longest names first, so "ربیع الاول" wins over a shorter prefix; an inner space is optional.
MONTH_NAME_PATTERN = "|".join(
    re.escape(name).replace(r"\ ", r"\s?") for name in sorted(_SPELLINGS, key=len, reverse=True)
)


def month_of(name: str) -> tuple[Calendar, int] | None:
    """The calendar and number of a month name as matched by MONTH_NAME_PATTERN."""
    return _MONTHS.get("".join(name.split()))


def to_gregorian(calendar: Calendar, year: int, month: int, day: int) -> date | None:
    """Convert a calendar date; None if it does not exist or is out of the calendar's range."""
    try:
        if calendar == "jalali":
            converted: date = jdatetime.date(year, month, day).togregorian()
        elif calendar == "hijri":
            converted = Hijri(year, month, day).to_gregorian()  # Umm al-Qura, AH 1343-1500
        else:
            converted = date(year, month, day)
    except (ValueError, OverflowError):
        return None
    return date(converted.year, converted.month, converted.day)
