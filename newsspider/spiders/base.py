"""Navigation shared by every kind of site: listings, pagination, article requests.

Spiders hold navigation only; what a page says is read by `newsspider.extract`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from newsspider import stats
from newsspider.browser import browser_settings
from newsspider.config import SiteConfig
from newsspider.extract.links import article_links, next_page
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import Link
from newsspider.extractpool import Extractor
from newsspider.items import Article
from newsspider.middlewares import SKIP_REASONS, failure_reason


class SiteSpider(Spider):
    """A spider bound to one site definition (see `for_site`)."""

    site: ClassVar[SiteConfig]
    extractor: Extractor

    @classmethod
    def for_site(cls, site: SiteConfig) -> type[SiteSpider]:
        attributes = {
            "name": site.name,
            "site": site,
            "allowed_domains": list(site.allowed_domains),
            "custom_settings": politeness_settings(site),
        }
        return type(f"{cls.__name__}[{site.name}]", (cls,), attributes)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        processes = crawler.settings.getint("NEWSSPIDER_EXTRACT_PROCESSES", 0)
        spider.extractor = Extractor.shared(processes)
        crawler.signals.connect(spider.extractor.release, signal=signals.spider_closed)
        return spider

    @property
    def article_pattern(self) -> re.Pattern[str] | None:
        pattern = self.site.article_url_pattern
        return re.compile(pattern) if pattern else None

    async def start(self) -> AsyncIterator[Request]:
        for url in self.site.start_urls:
            yield Request(
                url, callback=self.parse_listing, cb_kwargs={"page": 1}, errback=self.count_error
            )

    def parse_listing(self, response: Response, page: int) -> Iterator[Request]:
        if self.not_modified(response, "listing"):
            return
        if not isinstance(response, TextResponse):
            self.count("skipped/listing_not_html")
            return
        tree = parse_html(response.text)
        self.count("pages/listing")
        urls = article_links(
            tree,
            response.url,
            pattern=self.article_pattern,
            allowed_domains=self.site.allowed_domains,
        )
        for url in urls:
            yield Request(url, callback=self.parse_article, errback=self.count_error)
        following = next_page(tree, response.url, page)
        if following and page >= self.site.max_pages:
            self.count("skipped/max_pages")
        elif following:
            yield Request(
                following,
                callback=self.parse_listing,
                cb_kwargs={"page": page + 1},
                errback=self.count_error,
            )

    async def parse_article(
        self, response: Response, hint: Link | None = None
    ) -> AsyncIterator[Article]:
        if response.status == 304:  # a conditional re-fetch (newsspider.incremental): unchanged
            self.count("pages/not_modified")
            self.count("stored/unchanged")
            return
        if not isinstance(response, TextResponse):
            self.count("skipped/article_not_html")
            return
        self.count("pages/article")
        fields = await self.extractor.extract(response.text, response.url, self.site)
        yield self.build_article(response, fields, hint)

    def build_article(
        self, response: TextResponse, fields: dict[str, Any], hint: Link | None = None
    ) -> Article:
        """The article of one page from the chain's `fields` (see `extracted_by`);
        `hint` is what a sitemap or feed said about it."""
        raise NotImplementedError

    def base_article(self, response: TextResponse) -> dict[str, Any]:
        """Fields every article gets from the response itself."""
        headers = response.headers
        etag = headers.get("ETag")
        last_modified = headers.get("Last-Modified")
        return {
            "site": self.site.name,
            "url": response.url,
            "fetched_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "http_etag": etag.decode("latin-1") if etag else None,
            "http_last_modified": last_modified.decode("latin-1") if last_modified else None,
        }

    def not_modified(self, response: Response, kind: str) -> bool:
        """A listing, feed or sitemap answered 304 to a conditional GET: nothing new there."""
        if response.status != 304:
            return False
        self.count(f"pages/{kind}")
        self.count(f"skipped/{kind}_not_modified")
        return True

    def count(self, key: str) -> None:
        stats.inc(self.crawler.stats, key)

    def count_error(self, failure: Any) -> None:
        """Errback: a request that failed for good is counted by reason; the crawl goes on."""
        reason = failure_reason(failure)
        if reason in SKIP_REASONS:
            return
        self.count("errors/requests")
        self.count(f"errors/{reason}")
        self.logger.warning(
            "request failed (%s): %s (%s)", reason, failure.request.url, failure.getErrorMessage()
        )


def politeness_settings(site: SiteConfig) -> dict[str, Any]:
    return {
        "ROBOTSTXT_OBEY": site.obey_robots,
        "DOWNLOAD_DELAY": site.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(site.download_delay, 0.05),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(site.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
        "DOWNLOAD_TIMEOUT": site.timeout,
        **limit_settings(site),
        **browser_settings(site),
    }


def limit_settings(site: SiteConfig) -> dict[str, Any]:
    """The site's defences: size cap, retries, request budget, depth, URL shape, addresses."""
    return {
        "DOWNLOAD_MAXSIZE": site.max_page_bytes,
        "DOWNLOAD_WARNSIZE": min(site.max_page_bytes // 2, 4 * 1024 * 1024),
        "RETRY_TIMES": site.retries,
        "NEWSSPIDER_MAX_RETRY_DELAY": site.max_retry_delay,
        "NEWSSPIDER_MAX_REQUESTS": site.max_requests,
        "NEWSSPIDER_MAX_DEPTH": site.depth_limit,
        "NEWSSPIDER_MAX_URL_LENGTH": site.max_url_length,
        "NEWSSPIDER_MAX_QUERY_PARAMS": site.max_query_params,
        "NEWSSPIDER_ALLOW_ADDRESSES": list(site.allow_addresses),
    }
