"""Any news site: articles found through sitemaps, feeds and listing pages.

Sitemaps come from the definition or robots.txt (indexes followed, Google News
titles and dates kept as hints); feeds from the definition or `<link
rel="alternate">` in listing pages; listing links by `article_url_pattern`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlparse

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newsspider.extract.links import in_domains
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import Link, parse_feed, parse_sitemap
from newsspider.items import Article
from newsspider.spiders.base import SiteSpider

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_SITEMAPS = 50
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
)


class GenericSpider(SiteSpider):
    sitemaps_followed = 0

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
        yield from super().parse_listing(response, page)
        if page == 1 and isinstance(response, TextResponse) and not self.site.feeds:
            tree = parse_html(response.text)
            for link in tree.xpath("//link[@rel='alternate'][@href]"):
                if (link.get("type") or "").lower() in _FEED_TYPES:
                    url = urljoin(response.url, link.get("href"))
                    yield Request(url, callback=self.parse_feed, errback=self.count_error)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in sitemap_urls_from_robots(
            response.text if isinstance(response, TextResponse) else ""
        ):
            yield self.sitemap_request(url)

    def sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.count_error)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = self._sitemap_body(response)
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
            elif self._is_article(link.url):
                yield self.article_request(link)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        self.count("pages/feed")
        for link in parse_feed(response.body, content_type):
            url = urljoin(response.url, link.url)
            if in_domains(url, self.site.allowed_domains) and self._is_article(url):
                yield self.article_request(Link(url, link.title, link.published, link.summary))

    def article_request(self, link: Link) -> Request:
        return Request(
            link.url,
            callback=self.parse_article,
            errback=self.count_error,
            cb_kwargs={"hint": link},
        )

    def build_article(self, response: TextResponse, hint: Link | None = None) -> Article:
        fields = self.extract_fields(response)
        steps = fields["extracted_by"]
        if hint is not None:
            for field, value in (("title", hint.title), ("published_raw", hint.published)):
                if value and not fields.get(field):
                    fields[field], steps[field] = value, "sitemap-or-feed"
        if not fields.get("news_id"):
            canonical = fields.get("canonical_url") or response.url
            fields["news_id"], steps["news_id"] = url_hash_id(canonical), "url-hash"
        return Article(**self.base_article(response), **fields)

    def _is_article(self, url: str) -> bool:
        pattern = self.article_pattern
        return pattern is None or bool(pattern.search(url))

    def _sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                return gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except (OSError, ValueError):
                return None
        return body

    def ignore_error(self, failure: Any) -> None:
        """robots.txt is optional: a failure to fetch it is no error of the site."""


def url_hash_id(url: str) -> str:
    """A stable news ID from a URL: its scheme-less, fragment-less form, hashed."""
    parts = urlparse(url)
    key = f"{parts.netloc.lower()}{parts.path}{'?' + parts.query if parts.query else ''}"
    return "u" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
