"""robots.txt across runs: fetched once per its max-age, and its Crawl-delay honoured.

`RobotsCacheMiddleware` (a downloader middleware after Scrapy's `RobotsTxtMiddleware`)
answers a request for `/robots.txt` from the database while the copy kept there is fresh
(`Cache-Control: max-age`, a day by default; `no-store` keeps nothing; 5xx answers are
never kept), and stores every answer it lets through. Both Scrapy's robots check and the
generic spider's sitemap discovery read robots.txt through it, so a site's robots.txt
costs one request a day, not one per run.

When robots.txt sets a `Crawl-delay` for our user agent longer than the site's
`download_delay`, requests to that origin are spaced by it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsspider import stats
from newsspider.db import Database
from newsspider.db.crawlstate import cached_robots, save_robots
from newsspider.middlewares import wait_unless_stopping
from newsspider.politeness import crawl_delay, robots_max_age

logger = logging.getLogger(__name__)
CACHED = "cached"  # response flag of an answer served from the database


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


class RobotsCacheMiddleware:
    def __init__(self, crawler: Crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        settings = crawler.settings
        self.user_agent = str(settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT"))
        self.delays: dict[str, float] = {}  # origin -> Crawl-delay longer than the site's
        self.next_start: dict[str, float] = {}  # origin -> monotonic time of its next request
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        db_path = crawler.settings.get("NEWSSPIDER_DB")
        if not db_path:
            raise NotConfigured
        middleware = cls(crawler, db_path)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self.db = Database.shared(self.db_path)

    def spider_closed(self) -> None:
        if self.db is not None:
            self.db.release()
            self.db = None

    async def process_request(self, request: Request) -> Response | None:
        origin = origin_of(request.url)
        if not is_robots(request.url):
            await self._keep_crawl_delay(origin)
            return None
        if self.db is None:
            return None
        cached = cached_robots(self.db, origin, datetime.now(UTC))
        if cached is None:
            return None
        stats.inc(self.crawler.stats, "skipped/robots_cached")
        self._learn(origin, cached.status, cached.body)
        return Response(request.url, status=cached.status, body=cached.body, flags=[CACHED])

    def process_response(self, request: Request, response: Response) -> Response:
        if not is_robots(request.url) or CACHED in response.flags or response.status >= 500:
            return response
        origin = origin_of(request.url)
        self._learn(origin, response.status, response.body)
        header = response.headers.get("Cache-Control")
        max_age = robots_max_age(header.decode("latin-1") if header else None)
        if self.db is not None and max_age > 0:
            now = datetime.now(UTC)
            expires = now + timedelta(seconds=max_age)
            save_robots(self.db, origin, response.status, response.body, now, expires)
        return response

    def _learn(self, origin: str, status: int, body: bytes) -> None:
        site = getattr(self.crawler.spider, "site", None)
        delay = crawl_delay(body, self.user_agent) if status == 200 else None
        own = site.download_delay if site is not None else 0.0
        if delay is not None and delay > own:
            if origin not in self.delays:
                logger.info("%s: robots.txt asks %.1f s between requests", origin, delay)
            self.delays[origin] = delay

    async def _keep_crawl_delay(self, origin: str) -> None:
        delay = self.delays.get(origin)
        if not delay:
            return
        now = time.monotonic()
        start = max(now, self.next_start.get(origin, 0.0))
        self.next_start[origin] = start + delay
        if start > now:
            await wait_unless_stopping(self.crawler, start - now)
