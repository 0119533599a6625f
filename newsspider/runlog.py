"""Records every site's crawl in `crawl_runs`: the Scrapy extension over `newsspider.runs`."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider import stats
from newsspider.db import Database
from newsspider.db.crawlstate import iso
from newsspider.progress import log_site_summary
from newsspider.runs import run_summary


class RunLog:
    """Scrapy extension: one `crawl_runs` row per site spider, opened and closed with it."""

    def __init__(self, crawler: Crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.run_id: int | None = None
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        db_path = crawler.settings.get("NEWSSPIDER_DB")
        if not db_path:
            raise NotConfigured("NEWSSPIDER_DB is empty: set it to the SQLite database path")
        extension = cls(crawler, db_path)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        db = Database.shared(self.db_path)
        try:
            db.close_stale_runs(spider.name, "stale")  # left by a killed run of this site
            self.run_id = db.start_run(spider.name, iso(datetime.now(UTC)))
            db.commit()
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(stats.RUN_ID, self.run_id)
        finally:
            db.release()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        summary = run_summary(
            self.crawler.stats.get_stats(), reason, time.monotonic() - self.started
        )
        self.crawler.stats.set_value(stats.STATUS, summary["status"])
        counters = self.crawler.stats.get_stats()
        log_site_summary(spider.name, summary["status"], counters, summary["requests_by_purpose"])
        if self.run_id is None:
            return
        db = Database.shared(self.db_path)
        try:
            db.finish_run(self.run_id, summary)
            db.commit()
        finally:
            db.release()
