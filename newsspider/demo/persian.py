"""The Persian section's corpus: Jalali dates, Persian digits, ZWNJ and Arabic letter variants.

The text keeps what real Persian portals print, including the Arabic ي/ك that
some editors type, so the ground truth is the raw text, not a normalized one.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from urllib.parse import quote

from newsspider.demo.truth import ArticleTruth

ZWNJ = "\u200c"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_VARIANTS = str.maketrans({"ی": "ي", "ک": "ك"})
JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
FIRST_PUBLISHED = datetime(2025, 10, 27, 7, 52)
FIRST_NEWS_ID = 6123450
SOURCES = ("ایرنا", "ایسنا", "مهر", "تسنیم", None)

OFFICIALS = (
    "معاون وزیر امور خارجه",
    "سخنگوی وزارت امور خارجه",
    "وزیر اقتصاد",
    "وزیر نیرو",
    "رئیس سازمان هواشناسی",
    "سخنگوی دولت",
    "وزیر راه و شهرسازی",
    "رئیس مجلس",
)
COUNTRIES = (
    "ویتنام",
    "مالزی",
    "برزیل",
    "قزاقستان",
    "عمان",
    "ارمنستان",
    "اندونزی",
    "قطر",
    "پاکستان",
    "تاجیکستان",
    "کنیا",
)
CITIES = ("هانوی", "کوالالامپور", "ژنو", "وین", "دوحه", "مسقط", "ایروان", "باکو", "اسلام‌آباد")
PROVINCES = (
    "اصفهان",
    "فارس",
    "خراسان رضوی",
    "گیلان",
    "کرمان",
    "هرمزگان",
    "یزد",
    "مازندران",
    "خوزستان",
    "اردبیل",
)
TOPICS = (
    "تجارت",
    "همکاری\u200cهای انرژی",
    "مدیریت منابع آب",
    "ترانزیت",
    "امنیت غذایی",
    "گردشگری",
    "انرژی\u200cهای تجدیدپذیر",
    "سلامت عمومی",
    "مبارزه با جرائم سایبری",
)
PRODUCTS = ("زعفران", "پسته", "محصولات پتروشیمی", "فولاد", "فرش دستباف", "خرما", "سیمان")
TEAMS = ("پرسپولیس", "استقلال", "سپاهان", "تراکتور", "فولاد خوزستان", "ذوب\u200cآهن", "ملوان")
WEATHER = ("بارش\u200cهای سیل\u200cآسا", "گرد و خاک", "وزش باد شدید", "موج گرما", "بارش برف")
WEEKDAYS = ("شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه")

TITLES = (
    "{official} در دیدار با مقامات {country}: گسترش همکاری\u200cها در دستور کار است",
    "افزایش {pct} درصدی صادرات {product} در شش ماه نخست سال",
    "{number} طرح عمرانی در استان {province} افتتاح شد",
    "{official}: {topic} اولویت دولت است",
    "مجلس کلیات طرح {topic} را تصویب کرد",
    "هشدار هواشناسی درباره {weather} در استان {province}",
    "{team} با نتیجه {score} از سد {team2} گذشت",
    "هیئتی از {country} برای گفت\u200cوگو درباره {topic} وارد تهران شد",
    "برگزاری نمایشگاه بین\u200cالمللی {topic} در {province}",
    "پرواز مستقیم تهران - {city} از آذرماه برقرار می\u200cشود",
)
LEADS = (
    "به گزارش خبرگزاری، {official} روز {weekday} در دیدار با مقامات {country} بر گسترش"
    " همکاری\u200cها در زمینه {topic} تأکید کرد.",
    "مسئولان استان {province} از بهره\u200cبرداری {number} طرح عمرانی در سال جاری خبر دادند.",
    "آمار منتشرشده نشان می\u200cدهد صادرات {product} {pct} درصد افزایش یافته است.",
    "سازمان هواشناسی از احتمال {weather} در بخش\u200cهایی از استان {province} تا پایان هفته"
    " خبر داد.",
)
SENTENCES = (
    "{official} در این دیدار گفت: روابط دو کشور در مسیر رو به رشدی قرار دارد.",
    "دو طرف بر ضرورت اجرای توافق\u200cهای گذشته و رفع موانع {topic} تأکید کردند.",
    "بر اساس آمار منتشرشده، حجم مبادلات تجاری به {number} میلیون دلار رسیده است.",
    "این طرح با اعتباری بالغ بر {number} میلیارد ریال اجرا شده و برای {number2} نفر"
    " اشتغال ایجاد می\u200cکند.",
    "کارشناسان معتقدند این اقدام می\u200cتواند به توسعه مناطق کمتر برخوردار استان {province}"
    " کمک کند.",
    "جزئیات بیشتر در هفته\u200cهای آینده اعلام خواهد شد.",
    "مدیریت بحران استان از شهروندان خواست از سفرهای غیرضروری خودداری کنند.",
    "تیم\u200cهای امدادی در {number2} شهر استان در حالت آماده\u200cباش قرار گرفته\u200cاند.",
    "این دیدار با حضور {number} هزار تماشاگر برگزار شد.",
    "سرمربی تیم پس از بازی گفت بازیکنانش در نیمه دوم عملکرد خوبی داشتند.",
    "در این نمایشگاه {number} شرکت از {number2} کشور حضور دارند.",
    "دور بعدی گفت\u200cوگوها قرار است در {city} برگزار شود.",
    "نمایندگان بخش خصوصی نیز در این نشست حضور داشتند.",
    "کارگروه مشترکی برای پیگیری اجرای توافق\u200cها تشکیل خواهد شد.",
    "{country} از خریداران اصلی {product} به شمار می\u200cرود.",
    "ناظران این اقدام را نشانه افزایش توجه به همکاری\u200cهای منطقه\u200cای می\u200cدانند.",
)


def persian_digits(text: str | int) -> str:
    return str(text).translate(PERSIAN_DIGITS)


def gregorian_to_jalali(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The Solar Hijri date of a Gregorian date (the usual 33-year-cycle arithmetic)."""
    month_starts = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    year2 = year + 1 if month > 2 else year
    days = (
        355666
        + 365 * year
        + (year2 + 3) // 4
        - (year2 + 99) // 100
        + (year2 + 399) // 400
        + day
        + month_starts[month - 1]
    )
    jyear = -1595 + 33 * (days // 12053)
    days %= 12053
    jyear += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jyear += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jyear, 1 + days // 31, 1 + days % 31
    return jyear, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def format_jalali(when: datetime, style: int) -> str:
    """Three forms seen on Persian portals: long Persian-digit, numeric ASCII, numeric Persian."""
    jyear, jmonth, jday = gregorian_to_jalali(when.year, when.month, when.day)
    clock = f"{when:%H:%M}"
    if style == 1:
        return f"{jyear}/{jmonth:02d}/{jday:02d} {clock}"
    if style == 2:
        return persian_digits(f"{jyear}/{jmonth:02d}/{jday:02d} - {clock}")
    return persian_digits(f"{jday} {JALALI_MONTHS[jmonth - 1]} {jyear} - {clock}")


def persian_slug(title: str) -> str:
    words = re.findall(r"\w+", title.replace(ZWNJ, " "))
    return "-".join(words[:8])


def _fill(template: str, rng: random.Random) -> str:
    country = rng.choice(COUNTRIES)
    team, team2 = rng.sample(TEAMS, 2)
    values = {
        "official": rng.choice(OFFICIALS),
        "country": country,
        "city": rng.choice(CITIES),
        "province": rng.choice(PROVINCES),
        "topic": rng.choice(TOPICS),
        "product": rng.choice(PRODUCTS),
        "team": team,
        "team2": team2,
        "weather": rng.choice(WEATHER),
        "weekday": rng.choice(WEEKDAYS),
        "number": persian_digits(rng.randint(3, 480)),
        "number2": persian_digits(rng.randint(2, 60)),
        "pct": persian_digits(rng.randint(4, 38)),
        "score": persian_digits(f"{rng.randint(1, 4)} بر {rng.randint(0, 2)}"),
    }
    return template.format(**values)


def _paragraphs(rng: random.Random) -> list[str]:
    """A lead, then three to nine paragraphs of sentences never repeated within the article."""
    unused = list(SENTENCES)
    rng.shuffle(unused)
    paragraphs = [_fill(rng.choice(LEADS), rng)]
    for _ in range(rng.randint(3, 9)):
        chosen = [unused.pop() for _ in range(min(len(unused), rng.randint(1, 2)))]
        if chosen:
            paragraphs.append(" ".join(_fill(s, rng) for s in chosen))
    return paragraphs


def _article(index: int, news_id: int, when: datetime, rng: random.Random, taken: set[str]):
    title = _fill(rng.choice(TITLES), rng)
    while persian_slug(title) in taken:
        title = _fill(rng.choice(TITLES), rng)
    taken.add(persian_slug(title))
    paragraphs = _paragraphs(rng)
    variant = rng.random()
    if variant < 0.2:
        title = title.translate(ARABIC_VARIANTS)
    elif variant < 0.4:
        paragraphs = [p.translate(ARABIC_VARIANTS) for p in paragraphs]
    return ArticleTruth(
        section="fa",
        news_id=str(news_id),
        url_path=f"/fa/news/{news_id}/{quote(persian_slug(title))}",
        title=title,
        published_raw=format_jalali(when, style=index % 5 - 2 if index % 5 > 2 else 0),
        paragraphs=paragraphs,
        source=rng.choice(SOURCES),
        published=when,
    )


def build_persian(count: int, seed: int) -> list[ArticleTruth]:
    """`count` Persian articles, newest first, with decreasing IDs and dates."""
    rng = random.Random(f"fa-{seed}")
    when, news_id = FIRST_PUBLISHED, FIRST_NEWS_ID
    taken: set[str] = set()
    articles = []
    for index in range(count):
        articles.append(_article(index, news_id, when, rng, taken))
        when -= timedelta(minutes=rng.randint(35, 300))
        news_id -= rng.randint(2, 30)
    return articles
