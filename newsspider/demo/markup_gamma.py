"""Markup "gamma": a modern HTML5 news theme rich in page metadata.

The ID is in the URL path, metadata is a `<dl>`, the head carries Open Graph,
`article:published_time`, a canonical link and JSON-LD, and some bodies hold
an inline "Read more" box between paragraphs.
"""

from __future__ import annotations

import json

from newsspider.demo.layout import CATEGORIES, SectionView, esc, share_param, summary
from newsspider.demo.truth import ArticleTruth

SITE_NAME = "Gamma Press"
TEHRAN_OFFSET = "+03:30"


def listing_path(page: int) -> str:
    return "/gamma/news" if page == 1 else f"/gamma/news?page={page}"


def static_pages() -> dict[str, str]:
    pages = {f"/gamma/section/{name.lower()}": name for name in CATEGORIES}
    pages["/gamma/about"] = "About Gamma Press"
    return pages


def _head(view: SectionView, title: str, extra: str) -> str:
    return f"""<head>
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)} - {SITE_NAME}</title>
<meta property="og:site_name" content="{SITE_NAME}">
{extra}
<link rel="icon" href="/gamma/static/favicon.ico">
<link rel="stylesheet" href="/gamma/static/css/main.8c1f2e.css">
</head>"""


def _page(
    view: SectionView, title: str, main: str, head: str = "", current: ArticleTruth | None = None
) -> str:
    menu = "\n".join(
        f'<a class="menu-link" href="{path}">{esc(name)}</a>'
        for path, name in static_pages().items()
    )
    popular = "\n".join(
        f'<li class="popular-item"><a href="{a.url_path}"><span>{esc(a.title)}</span></a></li>'
        for a in view.most_read(current)
    )
    return f"""<!DOCTYPE html>
<html lang="en-US" prefix="og: https://ogp.me/ns#">
{_head(view, title, head)}
<body class="layout-news">
<div id="wrapper">
<div class="topbar"><span class="today">Tehran</span>
<a href="/fa/news" hreflang="fa">فارسی</a> <a href="/gamma/about">About</a></div>
<header class="masthead">
<a class="brand" href="/gamma/news"><img src="/gamma/static/img/logo.svg" alt="{SITE_NAME}"></a>
<nav id="menu" aria-label="Main menu"><a class="menu-link" href="/gamma/news">Latest</a>
{menu}
</nav>
</header>
<div class="content-wrap">
<section class="main-col">
{main}
</section>
<aside class="side-col">
<div class="box box-popular"><h3 class="box-title">Most Read</h3>
<ul class="popular">
{popular}
</ul></div>
</aside>
</div>
<footer id="footer">
<p class="footer-links"><a href="/gamma/about">About</a> &middot;
<a href="mailto:desk@gamma-press.example">desk@gamma-press.example</a></p>
<p class="footer-contact">Gamma Press, 5th floor, 41 Enghelab Square, Tehran. Phone (021) 6640
2211.</p>
<p class="copyright">Reproduction of content is permitted with a link to the source.</p>
</footer>
</div>
<script src="/gamma/static/js/app.3f9d1a.js" defer></script>
</body>
</html>
"""


def _article_head(article: ArticleTruth, view: SectionView) -> str:
    url = view.absolute(article.url_path)
    published = article.published.isoformat() + TEHRAN_OFFSET
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": published,
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    return f"""<meta name="description" content="{esc(summary(article, 30))}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:url" content="{esc(url)}">
<meta property="og:image" content="{view.absolute("/gamma/static/img/share.jpg")}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{esc(url)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>"""


def _body(article: ArticleTruth, view: SectionView) -> str:
    parts = [f"<p>{esc(p)}</p>" for p in article.paragraphs]
    related = view.most_read(article)
    if int(article.news_id) % 3 == 0 and len(parts) > 3 and related:
        box = (
            '<div class="inline-related"><span class="label">Read more:</span>'
            f' <a href="{related[0].url_path}">{esc(related[0].title)}</a></div>'
        )
        parts.insert(2, box)
    return "\n".join(parts)


def article_page(article: ArticleTruth, view: SectionView) -> str:
    source = (
        f'<div class="news-source"><span>{esc(article.source)}</span></div>'
        if article.source
        else ""
    )
    main = f"""<div class="news-head">
<dl class="news-meta">
<dt>News ID :</dt><dd>{article.news_id}</dd>
<dt>Publish Date :</dt><dd><time>{esc(article.published_raw)}</time></dd>
</dl>
<h1 class="headline">{esc(article.title)}</h1>
<p class="lead">{esc(article.title)}</p>
</div>
<div class="news-body">
{_body(article, view)}
</div>
{source}
<div class="tools"><a href="/gamma/print/{article.news_id}" rel="nofollow">Print</a>
<a href="https://www.linkedin.com/shareArticle?url={share_param(view.absolute(article.url_path))}">
Share</a>
</div>
<section class="comments" id="comments">
<h2>Comments</h2>
<form method="post" action="/gamma/comments/{article.news_id}">
<input name="author" placeholder="first name &amp; last name"
 aria-label="first name &amp; last name">
<input name="email" placeholder="email" aria-label="email">
<textarea name="body" placeholder="comment" aria-label="comment"></textarea>
<button>Send</button>
</form>
</section>"""
    return _page(view, article.title, main, _article_head(article, view), article)


def listing_page(page: int, view: SectionView) -> str:
    items = "\n".join(
        f'<li><a href="{a.url_path}">{esc(a.title)}</a>'
        f' <small class="meta">{esc(a.published_raw)}</small></li>'
        for a in view.page_articles(page)
    )
    nav = []
    head = []
    if page > 1:
        nav.append(f'<a class="newer" href="{listing_path(page - 1)}">Newer news</a>')
    if page < view.pages:
        nav.append(f'<a class="older" href="{listing_path(page + 1)}">Next</a>')
        head.append(f'<link rel="next" href="{view.absolute(listing_path(page + 1))}">')
    main = f"""<h1 class="page-title">Latest news</h1>
<ul class="archive-list">
{items}
</ul>
<nav class="pager">{" ".join(nav)} <span class="count">page {page} / {view.pages}</span></nav>"""
    return _page(view, "Latest news", main, "\n".join(head))


def message_page(title: str, message: str, view: SectionView, action: str) -> str:
    del action
    main = f'<h1 class="page-title">{esc(title)}</h1>\n<p>{esc(message)}</p>'
    return _page(view, title, main)
