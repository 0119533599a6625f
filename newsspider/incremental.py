"""Incremental crawling: a run costs little when little changed.

- An article link whose news ID (read from the URL by the site's `id_pattern`) or
  URL is already stored is not requested again.
- A stored article is re-checked for corrections on the site's `recheck` schedule
  (newsspider/recheck.py), with a conditional GET (`If-None-Match` /
  `If-Modified-Since` from the stored validators): a 304 is `unchanged`, a 200 goes
  through the pipelines (revisions). Each re-check is recorded on the article.
- A listing's first page, feeds and sitemaps are fetched with a conditional GET when
  their last answer had validators; a 304 ends that start URL's run. Without
  validators, a first page whose set of article links is the one stored last time
  ends it too (its unknown links, say a page that failed last time, are still
  fetched). Paging stops after `stop_after_known_pages` pages in a row that offered
  nothing new.
- Every shortcut above applies only when the site's previous run finished with no
  failed request: after a run that was killed, failed or lost a page, the listings
  are fetched in full and paged through to catch up.

"Known" means committed: the articles are read once per crawl through a separate
connection, so a batch lost to a kill is fetched again by the next run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urldefrag

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsspider import stats
from newsspider.config import SiteConfig
from newsspider.db import Database, read
from newsspider.db.crawlstate import ListingState, mark_checked, parse_iso, save_listing
from newsspider.errors import DatabaseError
from newsspider.extract.ids import news_id_from_url
from newsspider.extract.metadata import strip_tracking
from newsspider.politeness import link_fingerprint
from newsspider.recheck import is_due
from newsspider.runs import STATUS_OK

logger = logging.getLogger(__name__)
QUIET_PAGES = "newsspider_quiet_pages"  # request meta: listing pages in a row with nothing new
REFRESH = "newsspider_refresh"  # request meta: a conditional re-fetch of a stored article
ENTRY_CALLBACKS = ("parse_feed", "parse_sitemap")  # with a listing's first page: conditional


@dataclass(frozen=True)
class RefreshTarget:
    news_id: str
    url: str
    etag: str | None
    last_modified: str | None


@dataclass
class KnownArticles:
    """What a site's stored state says before its crawl: IDs, URLs, what to re-check."""

    ids: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    refresh: list[RefreshTarget] = field(default_factory=list)
    listings: dict[str, ListingState] = field(default_factory=dict)
    caught_up: bool = False  # the previous run finished cleanly: shortcuts allowed
    shortcuts: bool = False  # caught up, and the site may stop early (stop_after_known_pages)

    @classmethod
    def load(
        cls, db_path: str, site: SiteConfig, now: datetime, run_id: int | None
    ) -> KnownArticles:
        """Read the committed state of `site`; a missing database knows nothing.

        `run_id` is this crawl's own `crawl_runs` row, so the previous run is the one before.
        """
        try:
            with read.reading(db_path) as conn:
                rows = read.known_articles(conn, site.name)
                refresh = due_rechecks(conn, site, now)
                previous = read.previous_run(conn, site.name, run_id)
                listings = {
                    url: ListingState(url, *validators)
                    for url, *validators in read.listing_states(conn, site.name)
                }
        except DatabaseError:  # no database or no schema yet
            return cls()
        caught_up = previous is not None and previous[0] == STATUS_OK and not previous[1]
        known = cls(refresh=refresh, listings=listings, caught_up=caught_up)
        known.shortcuts = caught_up and site.stop_after_known_pages > 0
        for news_id, url, canonical in rows:
            known.ids.add(news_id)
            known.urls.update(url_key(u) for u in (url, canonical) if u)
        return known

    def knows(self, url: str, id_pattern: str | None) -> bool:
        news_id = news_id_from_url(url, id_pattern)
        return (news_id is not None and news_id in self.ids) or url_key(url) in self.urls


def due_rechecks(conn: sqlite3.Connection, site: SiteConfig, now: datetime) -> list[RefreshTarget]:
    """The site's stored articles whose re-check is due now (`run` at a crawl's start,
    `enqueue` at a round's)."""
    if not site.recheck:
        return []
    return [
        RefreshTarget(news_id, url, etag, modified)
        for news_id, url, etag, modified, published, first, checked in read.recheck_candidates(
            conn, site.name, max(site.recheck), now
        )
        if url
        and (first_seen := parse_iso(first))
        and is_due(parse_iso(published), first_seen, parse_iso(checked), now, site.recheck)
    ]


def url_key(url: str) -> str:
    """An article URL as compared: without fragment and tracking parameters. A plain
    http(s) URL without query or fragment is its own key (a run computes the key of every
    stored article, and parsing each one again is most of that cost)."""
    if "?" not in url and "#" not in url and url.startswith(("http://", "https://")):
        return url
    return strip_tracking(urldefrag(url)[0])


def refresh_request(spider: Any, target: RefreshTarget) -> Request:
    """The conditional re-fetch of a stored article whose re-check is due (a 304 is
    `unchanged`; a 200 goes through the pipelines, so a correction becomes a revision)."""
    return Request(
        target.url,
        headers=conditional_headers(target),
        callback=spider.parse_article,
        errback=spider.count_error,
        meta={REFRESH: True, "handle_httpstatus_list": [304]},
        priority=-1,
    )


def conditional_headers(target: RefreshTarget) -> dict[str, str]:
    return ListingState(target.url, target.etag, target.last_modified).conditional_headers()


def is_entry(request: Request) -> bool:
    """A listing's first page, a feed or a sitemap: fetched conditionally, state kept."""
    callback = getattr(request.callback, "__name__", "")
    if callback == "parse_listing":
        return bool(request.cb_kwargs.get("page") == 1)
    return callback in ENTRY_CALLBACKS


def entry_url(response: Response) -> str:
    """The URL a listing was requested at (its state's key), whatever it redirected to."""
    redirects = response.meta.get("redirect_urls") or [response.url]
    return str(redirects[0])


@dataclass
class _ListingOutput:
    """What one response's output held so far: new article links, and every article link."""

    new: int = 0
    links: set[str] = field(default_factory=set)


class IncrementalMiddleware(BaseSpiderMiddleware):
    """Applies the rules above to every site spider; off when `NEWSSPIDER_INCREMENTAL` is false."""

    def __init__(self, crawler: Crawler, db_path: str):
        super().__init__(crawler)
        self.db_path = db_path
        self.known = KnownArticles()
        self.requested: set[str] = set()  # new article links already requested in this run
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_INCREMENTAL", True) or not settings.get(
            "NEWSSPIDER_DB"
        ):
            raise NotConfigured  # no message: Scrapy then disables it silently
        middleware = cls(crawler, settings.get("NEWSSPIDER_DB"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    @property
    def site(self) -> SiteConfig | None:
        return getattr(self.crawler.spider, "site", None)

    def spider_closed(self) -> None:
        if self.db is not None:
            self.db.release()
            self.db = None

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        site = self.site
        if site is not None:
            collector = self.crawler.stats
            run_id = collector.get_value(stats.RUN_ID) if collector is not None else None
            now = datetime.now(UTC)
            self.known = KnownArticles.load(self.db_path, site, now, run_id)
            self.db = Database.shared(self.db_path)
            logger.info(
                "%s: %d articles known, %d to re-check%s",
                site.name,
                len(self.known.ids),
                len(self.known.refresh),
                "" if self.known.caught_up else ", previous run unfinished: paging through",
            )
            if self.known.refresh:
                mark_checked(self.db, site.name, [t.news_id for t in self.known.refresh], now)
        async for request in start:
            yield self.conditional(request)
        for target in self.known.refresh:
            yield refresh_request(self.crawler.spider, target)

    def conditional(self, request: Any) -> Any:
        """A first listing page, feed or sitemap asks for its last answer's validators."""
        if not isinstance(request, Request) or not self.known.shortcuts or not is_entry(request):
            return request
        state = self.known.listings.get(request.url)
        headers = state.conditional_headers() if state else {}
        if not headers:
            return request
        request.headers.update(headers)
        request.meta["handle_httpstatus_list"] = [304]
        return request

    def process_spider_output(  # type: ignore[override]  # Scrapy's takes a deprecated `spider`
        self, response: Response | None, result: Iterable[Any]
    ) -> Any:
        state = _ListingOutput()
        for output in result:
            yield from self._filter(output, response, state)
        self._remember(response, state)

    async def process_spider_output_async(  # type: ignore[override]
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        state = _ListingOutput()
        async for output in result:
            for kept in self._filter(output, response, state):
                yield kept
        self._remember(response, state)

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
            key = url_key(output.url)
            state.links.add(key)
            if self.known.knows(output.url, site.id_pattern):
                self.count("skipped/known")
                return
            if key not in self.requested:  # a sidebar repeats new links on every page
                state.new += 1
                self.requested.add(key)
        elif callback == "parse_listing" and response is not None:
            if self._unchanged_first_page(response, state):
                self.count("skipped/listing_unchanged")
                return
            quiet = 0 if state.new else response.meta.get(QUIET_PAGES, 0) + 1
            stop = self.known.caught_up and site.stop_after_known_pages
            if stop and quiet >= site.stop_after_known_pages:
                self.count("skipped/nothing_new")
                return
            output.meta[QUIET_PAGES] = quiet
        yield self.conditional(output)

    def _unchanged_first_page(self, response: Response, state: _ListingOutput) -> bool:
        """A first page with the article links it had last time ends its start URL's run."""
        if not self.known.shortcuts or not is_entry(response.request):  # type: ignore[arg-type]
            return False
        stored = self.known.listings.get(entry_url(response))
        return stored is not None and stored.fingerprint == link_fingerprint(state.links)

    def _remember(self, response: Response | None, state: _ListingOutput) -> None:
        """Keep what a first page, feed or sitemap answered, for the next run."""
        site = self.site
        if site is None or self.db is None or response is None or response.request is None:
            return
        if response.status != 200 or not is_entry(response.request):
            return
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        fingerprint = link_fingerprint(state.links) if state.links else None
        listing = ListingState(
            entry_url(response),
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
            fingerprint,
        )
        save_listing(self.db, site.name, listing, datetime.now(UTC))

    def count(self, key: str) -> None:
        stats.inc(self.crawler.stats, key)
