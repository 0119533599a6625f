"""Incremental crawling: a run costs little when little changed.

- An article link whose news ID (read from the URL by the site's `id_pattern`) or
  URL is already stored is not requested again.
- Articles first seen or published within the site's `refresh_hours` are re-fetched
  with a conditional GET (`If-None-Match` / `If-Modified-Since` from the stored
  validators): a 304 is `unchanged`, a 200 goes through the pipelines (revisions).
- Paging through a listing stops after `stop_after_known_pages` pages in a row that
  offered nothing new, but only when the site's previous run finished: after a run
  that was killed or failed, the listings are paged through to catch up.

"Known" means committed: the articles are read once per crawl through a separate
connection, so a batch lost to a kill is fetched again by the next run.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urldefrag

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsspider import stats
from newsspider.config import SiteConfig
from newsspider.db import read
from newsspider.errors import DatabaseError
from newsspider.extract.ids import news_id_from_url
from newsspider.extract.metadata import strip_tracking
from newsspider.runlog import STATUS_OK

logger = logging.getLogger(__name__)
QUIET_PAGES = "newsspider_quiet_pages"  # request meta: listing pages in a row with nothing new
REFRESH = "newsspider_refresh"  # request meta: a conditional re-fetch of a stored article


@dataclass(frozen=True)
class RefreshTarget:
    url: str
    etag: str | None
    last_modified: str | None


@dataclass
class KnownArticles:
    """What a site's stored articles say before its crawl: IDs, URLs, what to re-check."""

    ids: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    refresh: list[RefreshTarget] = field(default_factory=list)
    caught_up: bool = False  # the previous run finished: paging may stop early

    @classmethod
    def load(
        cls, db_path: str, site: str, refresh_hours: float, now: datetime, run_id: int | None
    ) -> KnownArticles:
        """Read the committed articles of `site`; a missing database knows nothing.

        `run_id` is this crawl's own `crawl_runs` row, so the previous run is the one before.
        """
        cutoff = (now - timedelta(hours=refresh_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            with read.reading(db_path) as conn:
                rows = read.known_articles(conn, site, cutoff)
                previous = read.previous_run_status(conn, site, run_id)
        except DatabaseError:  # no database or no schema yet
            return cls()
        known = cls(caught_up=previous == STATUS_OK)
        for news_id, url, canonical, etag, modified, recent in rows:
            known.ids.add(news_id)
            known.urls.update(url_key(u) for u in (url, canonical) if u)
            if recent and refresh_hours > 0 and url:
                known.refresh.append(RefreshTarget(url, etag, modified))
        return known

    def knows(self, url: str, id_pattern: str | None) -> bool:
        news_id = news_id_from_url(url, id_pattern)
        return (news_id is not None and news_id in self.ids) or url_key(url) in self.urls


def url_key(url: str) -> str:
    """An article URL as compared: without fragment and tracking parameters."""
    return strip_tracking(urldefrag(url)[0])


def conditional_headers(target: RefreshTarget) -> dict[str, str]:
    headers = {}
    if target.etag:
        headers["If-None-Match"] = target.etag
    if target.last_modified:
        headers["If-Modified-Since"] = target.last_modified
    return headers


@dataclass
class _ListingOutput:
    """How many new article links one response's output held so far."""

    new: int = 0


class IncrementalMiddleware(BaseSpiderMiddleware):
    """Applies the rules above to every site spider; off when `NEWSSPIDER_INCREMENTAL` is false."""

    def __init__(self, crawler: Crawler, db_path: str):
        super().__init__(crawler)
        self.db_path = db_path
        self.known = KnownArticles()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_INCREMENTAL", True) or not settings.get(
            "NEWSSPIDER_DB"
        ):
            raise NotConfigured  # no message: Scrapy then disables it silently
        return cls(crawler, settings.get("NEWSSPIDER_DB"))

    @property
    def site(self) -> SiteConfig | None:
        return getattr(self.crawler.spider, "site", None)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        site = self.site
        if site is not None:
            collector = self.crawler.stats
            run_id = collector.get_value(stats.RUN_ID) if collector is not None else None
            self.known = KnownArticles.load(
                self.db_path, site.name, site.refresh_hours, datetime.now(UTC), run_id
            )
            logger.info(
                "%s: %d articles known, %d to re-check%s",
                site.name,
                len(self.known.ids),
                len(self.known.refresh),
                "" if self.known.caught_up else ", previous run unfinished: paging through",
            )
        async for request in start:
            yield request
        for target in self.known.refresh:
            yield self.refresh_request(target)

    def refresh_request(self, target: RefreshTarget) -> Request:
        spider = self.crawler.spider
        return Request(
            target.url,
            headers=conditional_headers(target),
            callback=spider.parse_article,  # type: ignore[union-attr]
            errback=spider.count_error,  # type: ignore[union-attr]
            meta={REFRESH: True, "handle_httpstatus_list": [304]},
            priority=-1,
        )

    def process_spider_output(  # type: ignore[override]  # Scrapy's takes a deprecated `spider`
        self, response: Response | None, result: Iterable[Any]
    ) -> Any:
        state = _ListingOutput()
        for output in result:
            yield from self._filter(output, response, state)

    async def process_spider_output_async(  # type: ignore[override]
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        state = _ListingOutput()
        async for output in result:
            for kept in self._filter(output, response, state):
                yield kept

    def _filter(
        self, output: Any, response: Response | None, state: _ListingOutput
    ) -> Iterator[Any]:
        site = self.site
        if site is None or not isinstance(output, Request) or output.meta.get(REFRESH):
            yield output
            return
        callback = getattr(output.callback, "__name__", "")
        if callback == "parse_article":
            self.count("links/articles")
            if self.known.knows(output.url, site.id_pattern):
                self.count("skipped/known")
                return
            state.new += 1
        elif callback == "parse_listing" and response is not None:
            quiet = 0 if state.new else response.meta.get(QUIET_PAGES, 0) + 1
            stop = self.known.caught_up and site.stop_after_known_pages
            if stop and quiet >= site.stop_after_known_pages:
                self.count("skipped/nothing_new")
                return
            output.meta[QUIET_PAGES] = quiet
        yield output

    def count(self, key: str) -> None:
        stats.inc(self.crawler.stats, key)
