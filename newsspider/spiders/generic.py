"""Any news site: articles found through sitemaps, feeds and listing pages.

Sitemaps come from the definition or robots.txt (indexes followed, Google News
titles and dates kept as hints); feeds from the definition or `<link
rel="alternate">` in listing pages; listing links by `article_url_pattern`. An
article reached several ways (sitemap, feed, listing, with tracking parameters)
is fetched once; its news ID follows `newsspider.extract.chain.extract_page`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

from scrapy import Request
from scrapy.http import Response, TextResponse

from newsspider.discovery import feed_links
from newsspider.extract.links import in_domains
from newsspider.extract.metadata import strip_tracking
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import (
    Link,
    parse_feed,
    parse_sitemap,
    sitemap_body,
    sitemaps_in_robots,
)
from newsspider.items import Article
from newsspider.spiders.base import SiteSpider

MAX_SITEMAPS = 50
# Without an article_url_pattern, a sitemap page is an article when its path carries a
# number or a long slug (as listing links must; see extract.links), so /about/ is not.
_ARTICLE_PATH = re.compile(r"\d{3,}|/[^/]*-[^/]*-[^/]*-[^/]*/?$")
# Dates a page gives less reliably than a sitemap or feed does: a guess from its text or URL.
_WEAK_DATE_STEPS = (None, "htmldate")


class GenericSpider(SiteSpider):
    sitemaps_followed = 0

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.seen_articles: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        async for request in super().start():
            yield request
        for url in self.site.feeds:
            yield Request(url, callback=self.parse_feed, errback=self.count_error)
        if self.site.sitemaps:
            for url in self.site.sitemaps:
                yield self.sitemap_request(url)
        else:
            for url in self.site.start_urls:
                robots = urljoin(url, "/robots.txt")
                yield Request(robots, callback=self.parse_robots, errback=self.ignore_error)

    def parse_listing(self, response: Response, page: int) -> Iterator[Request]:
        for request in super().parse_listing(response, page):
            if request.callback != self.parse_article or self.first_visit(request.url):
                yield request
        if page == 1 and isinstance(response, TextResponse) and not self.site.feeds:
            for url in feed_links(parse_html(response.text), response.url):
                yield Request(url, callback=self.parse_feed, errback=self.count_error)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in sitemaps_in_robots(response.body, response.url):
            yield self.sitemap_request(url)

    def sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.count_error)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self.not_modified(response, "sitemap"):
            return
        body = sitemap_body(response.body)
        if body is None:
            self.count("skipped/sitemap_unreadable")
            return
        sitemap = parse_sitemap(body)
        self.count("pages/sitemap")
        for link in sitemap.links:
            if not in_domains(link.url, self.site.allowed_domains):
                continue
            if sitemap.is_index:
                if self.sitemaps_followed < MAX_SITEMAPS:
                    self.sitemaps_followed += 1
                    yield self.sitemap_request(link.url)
            elif self._is_article(link.url, sitemap=not link.title):
                yield from self.article_request(link)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self.not_modified(response, "feed"):
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        self.count("pages/feed")
        for link in parse_feed(response.body, content_type):
            url = urljoin(response.url, link.url)
            if in_domains(url, self.site.allowed_domains) and self._is_article(url):
                yield from self.article_request(Link(url, link.title, link.published, link.summary))

    def article_request(self, link: Link) -> Iterator[Request]:
        """The article's request with what the sitemap or feed said, unless already requested."""
        if self.first_visit(link.url):
            yield Request(
                link.url,
                callback=self.parse_article,
                errback=self.count_error,
                cb_kwargs={"hint": link},
            )

    def first_visit(self, url: str) -> bool:
        """True the first time an article URL is seen, tracking parameters and fragment aside."""
        key = strip_tracking(urldefrag(url)[0])
        if key in self.seen_articles:
            self.count("skipped/duplicate_url")
            return False
        self.seen_articles.add(key)
        return True

    def build_article(
        self, response: TextResponse, fields: dict[str, Any], hint: Link | None = None
    ) -> Article:
        if hint is not None:
            apply_hint(fields, hint)
        return Article(**self.base_article(response), **fields)

    def _is_article(self, url: str, *, sitemap: bool = False) -> bool:
        """By `article_url_pattern`; without one, feed and Google News entries are articles."""
        pattern = self.article_pattern
        if pattern is not None:
            return bool(pattern.search(url))
        return not sitemap or bool(_ARTICLE_PATH.search(urlparse(url).path))

    def ignore_error(self, failure: Any) -> None:
        """robots.txt is optional: a failure to fetch it is no error of the site."""


def apply_hint(fields: dict[str, Any], hint: Link) -> None:
    """What a sitemap or feed said fills the gaps of the page.

    A Google News or feed date beats a date guessed from the page's text or URL;
    the page's own metadata and selectors beat both.
    """
    steps = fields["extracted_by"]
    if hint.title and not fields.get("title"):
        fields["title"], steps["title"] = hint.title, "sitemap-or-feed"
    if hint.published and steps.get("published_raw") in _WEAK_DATE_STEPS:
        fields["published_raw"], steps["published_raw"] = hint.published, "sitemap-or-feed"
