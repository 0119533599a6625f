"""Markup "beta": a Bootstrap-era custom CMS built from divs.

Metadata is an `<ul>` of labelled items, the site logo is the page's only
`<h1>` (the headline is an `<h2>`), links are absolute, article URLs carry a
slug but no ID, and bodies come either as `<br>`-separated text or as `<p>`s.
"""

from __future__ import annotations

from newsspider.demo.layout import CATEGORIES, SectionView, esc, share_param, summary
from newsspider.demo.truth import ArticleTruth

SITE_NAME = "Beta News Agency"


def listing_path(page: int) -> str:
    return "/beta/news" if page == 1 else f"/beta/news/page/{page}/"


def static_pages() -> dict[str, str]:
    pages = {f"/beta/category/{name.lower()}/": name for name in CATEGORIES}
    pages["/beta/about-us/"] = "About Us"
    pages["/beta/contact/"] = "Contact"
    return pages


def _page(view: SectionView, title: str, main: str, current: ArticleTruth | None = None) -> str:
    link = view.absolute
    menu = "\n".join(
        f'<li class="nav-item"><a class="nav-link" href="{link(path)}">{esc(name)}</a></li>'
        for path, name in static_pages().items()
    )
    most_read = "\n".join(
        f'<li><span class="num">{n}</span><a href="{link(a.url_path)}">{esc(a.title)}</a></li>'
        for n, a in enumerate(view.most_read(current), 1)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | {SITE_NAME}</title>
<link rel="stylesheet" href="{link("/beta/assets/css/bootstrap.min.css")}">
<link rel="stylesheet" href="{link("/beta/assets/css/theme.css?v=3.2")}">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{link("/beta/rss")}">
</head>
<body class="page-news">
<header class="site-header">
<div class="container">
<h1 class="logo"><a href="{link("/beta/news")}">{SITE_NAME}</a></h1>
<form class="search-form" action="{link("/beta/search")}"><input type="search" name="q"
 placeholder="Search..."></form>
</div>
<nav class="navbar main-nav"><ul class="navbar-nav">
<li class="nav-item active"><a class="nav-link" href="{link("/beta/news")}">Home</a></li>
{menu}
</ul></nav>
</header>
<div class="container main-container">
<div class="row">
<div class="col-md-8 main-col">
{main}
</div>
<aside class="col-md-4 sidebar">
<div class="widget widget-popular"><div class="widget-title">Most Read</div>
<ol class="popular-list">
{most_read}
</ol></div>
<div class="widget widget-newsletter"><div class="widget-title">Newsletter</div>
<p>Get the day's top stories in your inbox.</p></div>
</aside>
</div>
</div>
<footer class="site-footer">
<div class="container">
<div class="footer-about">{SITE_NAME} is an independent news service covering politics, economy,
society and culture.</div>
<div class="footer-contact">Contact us: newsroom@beta-news.example | +98 21 6655 4433 |
Vali-e Asr Ave., Tehran</div>
<div class="copyright">&copy; 2025 {SITE_NAME}. All rights reserved.</div>
</div>
</footer>
<script src="{link("/beta/assets/js/jquery.min.js")}"></script>
<script src="{link("/beta/assets/js/bootstrap.bundle.min.js")}"></script>
</body>
</html>
"""


def _body(article: ArticleTruth) -> str:
    if int(article.news_id) % 2:
        return "<br /><br />\n".join(esc(p) for p in article.paragraphs)
    return "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)


def _source(article: ArticleTruth) -> str:
    if article.source is None:
        return ""
    return f'<div class="news-source">Source: <strong>{esc(article.source)}</strong></div>'


def article_page(article: ArticleTruth, view: SectionView) -> str:
    url = share_param(view.absolute(article.url_path))
    main = f"""<div class="news-item">
<ol class="breadcrumb"><li><a href="{view.absolute("/beta/news")}">News</a></li></ol>
<ul class="news-details list-inline">
<li class="list-inline-item code"><i class="icon-hash"></i> News ID : {article.news_id}</li>
<li class="list-inline-item date"><i class="icon-calendar"></i>
 Publish Date : {esc(article.published_raw)}</li>
</ul>
<h2 class="news-title">{esc(article.title)}</h2>
<div class="news-lead">{esc(article.title)}</div>
<div class="news-text">
{_body(article)}
</div>
{_source(article)}
<div class="share-bar">
<a class="btn-print" href="javascript:window.print()">Print</a>
<a class="btn-share" href="https://twitter.com/share?url={url}">Share on X</a>
<a class="btn-share" href="https://wa.me/?text={url}">WhatsApp</a>
<a class="btn-share" href="https://telegram.me/share/url?url={url}">Telegram</a>
</div>
<div class="comments">
<h4>Send your comment</h4>
<form class="comment-form" method="post" action="{view.absolute("/beta/comment")}">
<div class="form-group"><label for="c-name">first name &amp; last name</label>
<input id="c-name" name="name" class="form-control"></div>
<div class="form-group"><label for="c-email">email</label>
<input id="c-email" name="email" type="email" class="form-control"></div>
<div class="form-group"><label for="c-text">comment</label>
<textarea id="c-text" name="comment" class="form-control" rows="4"></textarea></div>
<button type="submit" class="btn btn-primary">Submit</button>
</form>
</div>
</div>"""
    return _page(view, article.title, main, article)


def listing_page(page: int, view: SectionView) -> str:
    cards = "\n".join(
        f"""<div class="news-card">
<h3 class="card-title"><a href="{view.absolute(a.url_path)}">{esc(a.title)}</a></h3>
<p class="card-summary">{esc(summary(a))}</p>
</div>"""
        for a in view.page_articles(page)
    )
    items = []
    if page > 1:
        items.append(f'<li><a href="{view.absolute(listing_path(page - 1))}">&laquo; Prev</a></li>')
    for number in range(1, view.pages + 1):
        active = ' class="active"' if number == page else ""
        items.append(
            f'<li{active}><a href="{view.absolute(listing_path(number))}">{number}</a></li>'
        )
    if page < view.pages:
        following = view.absolute(listing_path(page + 1))
        items.append(f'<li><a rel="next" href="{following}">Next &raquo;</a></li>')
    main = f"""<h2 class="section-title">Latest News</h2>
<div class="news-list">
{cards}
</div>
<ul class="pagination">{"".join(items)}</ul>"""
    return _page(view, "Latest News", main)


def message_page(title: str, message: str, view: SectionView, action: str) -> str:
    del action
    return _page(view, title, f'<h2 class="section-title">{esc(title)}</h2>\n<p>{esc(message)}</p>')
