"""Markup "fa": the Persian service, right-to-left, with Persian labels and digits.

The ID is printed in Persian digits after «کد خبر :», the Jalali date after
«تاریخ انتشار :»; article URLs carry the ID and a percent-encoded Persian slug.
"""

from __future__ import annotations

from newsspider.demo.layout import SectionView, esc, share_param
from newsspider.demo.persian import persian_digits
from newsspider.demo.truth import ArticleTruth

SITE_NAME = "پایگاه خبری نمونه"
CATEGORIES = {
    "politics": "سیاسی",
    "economy": "اقتصادی",
    "society": "اجتماعی",
    "culture": "فرهنگی",
    "sports": "ورزشی",
    "world": "بین\u200cالملل",
    "provinces": "استان\u200cها",
    "photo": "عکس",
}


def listing_path(page: int) -> str:
    return "/fa/news" if page == 1 else f"/fa/news?pi={page}"


def static_pages() -> dict[str, str]:
    pages = {f"/fa/service/{key}": name for key, name in CATEGORIES.items()}
    pages["/fa/page/about"] = "درباره ما"
    return pages


def _page(view: SectionView, title: str, main: str, current: ArticleTruth | None = None) -> str:
    menu = "\n".join(
        f'<li><a href="{path}">{esc(name)}</a></li>' for path, name in static_pages().items()
    )
    popular = "\n".join(
        f'<li><a href="{a.url_path}" title="{esc(a.title)}">{esc(a.title)}</a></li>'
        for a in view.most_read(current)
    )
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<title>{esc(title)} - {SITE_NAME}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:locale" content="fa_IR">
<link rel="stylesheet" href="/fa/content/css/rtl.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/fa/news">{SITE_NAME}</a></div>
<div class="lang"><a href="/alpha/news">English</a></div></div>
<ul class="mainmenu"><li><a href="/fa/news">صفحه نخست</a></li>
{menu}
</ul>
<div class="wrapper">
<div class="content">
{main}
</div>
<div class="sidebar">
<div class="block"><div class="block-title">پربازدیدترین\u200cها</div>
<ul class="most-visited">
{popular}
</ul></div>
</div>
</div>
<div class="footer">
<p>نشانی: تهران، خیابان آزادی، پلاک ۱۲ - تلفن: ۸۸۰۰۱۲۳۴-۰۲۱</p>
<p>استفاده از مطالب این پایگاه با ذکر منبع آزاد است.</p>
</div>
</body>
</html>
"""


def _source(article: ArticleTruth) -> str:
    if article.source is None:
        return ""
    return f'<div class="source">منبع: {esc(article.source)}</div>'


def article_page(article: ArticleTruth, view: SectionView) -> str:
    body = "\n".join(f'<p dir="rtl">{esc(p)}</p>' for p in article.paragraphs)
    main = f"""<div class="news-info">
<span class="code">کد خبر : {persian_digits(article.news_id)}</span>
<span class="sep">|</span>
<span class="date">تاریخ انتشار : {esc(article.published_raw)}</span>
</div>
<h1 class="title">{esc(article.title)}</h1>
<div class="lead">{esc(article.title)}</div>
<div class="body">
{body}
</div>
{_source(article)}
<div class="share"><a href="/fa/print/{article.news_id}">نسخه چاپی</a>
<a href="https://t.me/share/url?url={share_param(view.absolute(article.url_path))}">تلگرام</a></div>
<div class="comment-form"><div class="comment-title">نظرات</div>
<form method="post" action="/fa/comment">
<label>نام و نام خانوادگی</label><input name="name">
<label>ایمیل</label><input name="email">
<label>نظر</label><textarea name="text"></textarea>
<input type="submit" value="ارسال">
</form></div>"""
    return _page(view, article.title, main, article)


def listing_page(page: int, view: SectionView) -> str:
    items = "\n".join(
        f'<div class="item"><a class="item-title" href="{a.url_path}">{esc(a.title)}</a>'
        f'<div class="item-date">{esc(a.published_raw)}</div></div>'
        for a in view.page_articles(page)
    )
    links = [
        f'<a href="{listing_path(n)}">{persian_digits(n)}</a>'
        if n != page
        else f'<span class="current">{persian_digits(n)}</span>'
        for n in range(1, view.pages + 1)
    ]
    if page < view.pages:
        links.append(f'<a class="next" href="{listing_path(page + 1)}">صفحه بعد</a>')
    main = f"""<div class="archive">
{items}
</div>
<div class="paging">{" ".join(links)}</div>"""
    return _page(view, "آخرین اخبار", main)


def message_page(title: str, message: str, view: SectionView, action: str) -> str:
    del action
    return _page(view, title, f'<h1 class="title">{esc(title)}</h1>\n<p>{esc(message)}</p>')
