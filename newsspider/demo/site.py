"""The demo site as a map from request path to page, rendered on first request and cached.

Pages are keyed by their percent-decoded path and query, so a crawler that
re-encodes a Persian URL differently still reaches the same page.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache, partial
from types import ModuleType
from urllib.parse import unquote

from newsspider.demo import markup_alpha, markup_beta, markup_fa, markup_gamma, markup_js
from newsspider.demo.editions import Edition
from newsspider.demo.layout import SectionView, esc
from newsspider.demo.truth import ArticleTruth

MARKUPS: dict[str, ModuleType] = {
    "alpha": markup_alpha,
    "beta": markup_beta,
    "gamma": markup_gamma,
    "fa": markup_fa,
    "js": markup_js,
}
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CONTENT_TYPES = {".txt": TEXT, ".js": "text/javascript; charset=utf-8"}
TEHRAN_UTC_OFFSET = timedelta(hours=3, minutes=30)
SITE_LAUNCH = datetime(2025, 1, 1)
ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /beta/search\n"
CACHE_PAGES = 4096


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    etag: str
    last_modified: str


# How to render a page, when it last changed, and (for articles) what its weak ETag hashes.
Route = tuple[Callable[[], str], datetime, str | None]
ERROR_MESSAGE = "An error occurred while processing your request. Please try again later."


def route_key(path: str) -> str:
    """The lookup key of a request target: decoded, without fragment."""
    return unquote(path.split("#", 1)[0])


class DemoSite:
    """All pages of one edition served at one base URL."""

    def __init__(self, edition: Edition, base_url: str):
        self.edition = edition
        self.base_url = base_url
        self._routes: dict[str, Route] = {
            "/": (self._home, SITE_LAUNCH, None),
            "/robots.txt": (partial(str, ROBOTS_TXT), SITE_LAUNCH, None),
        }
        for section, articles in edition.sections.items():
            self._add_section(SectionView(section, base_url, articles))
        self.page = lru_cache(maxsize=CACHE_PAGES)(self._render)

    def paths(self) -> list[str]:
        return list(self._routes)

    def _render(self, key: str) -> Page | None:
        route = self._routes.get(key)
        if route is None:
            return None
        render, modified, content = route
        body = render().encode("utf-8")
        if content is None:
            etag = '"' + _digest(body) + '"'
        else:
            etag = 'W/"' + _digest(content.encode("utf-8")) + '"'
        return Page(
            body=body,
            content_type=CONTENT_TYPES.get(posixpath.splitext(key)[1], HTML),
            etag=etag,
            last_modified=http_date(modified),
        )

    def _add_section(self, view: SectionView) -> None:
        markup = MARKUPS[view.section]
        newest = view.articles[0].published if view.articles else SITE_LAUNCH
        for page in range(1, view.pages + 1):
            self._add(markup.listing_path(page), partial(markup.listing_page, page, view), newest)
        for article in view.articles:
            self._add_article(markup, view, article)
        for path, text in getattr(markup, "ASSETS", {}).items():
            self._add(path, partial(str, text))
        for path, title in markup.static_pages().items():
            message = f"{title}: this page is part of the newsspider demo site."
            self._add(path, partial(markup.message_page, title, message, view, path))

    def _add_article(self, markup: ModuleType, view: SectionView, article: ArticleTruth) -> None:
        path, edition = article.url_path, self.edition
        revised = edition.revised_at or article.published
        if path in edition.error_paths:
            render = partial(markup.message_page, "Error", ERROR_MESSAGE, view, path)
            self._add(path, render, revised, content=ERROR_MESSAGE)
        else:
            changed = path in edition.changed_paths
            render = partial(markup.article_page, article, view)
            self._add(path, render, revised if changed else article.published, repr(article))

    def _add(
        self,
        path: str,
        render: Callable[[], str],
        modified: datetime = SITE_LAUNCH,
        content: str | None = None,
    ) -> None:
        """`content`, when given, is what the ETag hashes: an article's ETag follows its text,
        not the sidebars around it, so it survives edition changes elsewhere on the site."""
        self._routes[route_key(path)] = (render, modified, content)

    def _home(self) -> str:
        links = "\n".join(
            f'<li><a href="{MARKUPS[s].listing_path(1)}">{esc(MARKUPS[s].SITE_NAME)}</a></li>'
            for s in self.edition.sections
        )
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsspider demo portals</title></head>
<body><h1>newsspider demo portals</h1>
<p>Four sites of one portal family, each with its own markup.</p>
<ul>
{links}
</ul></body></html>
"""


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:20]


def http_date(local: datetime) -> str:
    """An RFC 7231 date for a naive Tehran wall-clock time."""
    return format_datetime((local - TEHRAN_UTC_OFFSET).replace(tzinfo=UTC), usegmt=True)
