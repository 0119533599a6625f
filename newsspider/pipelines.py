"""Item pipelines: thin Scrapy adapters over the article path (`newsspider.articles`).

One step each: normalize, validate, store. Each returns the item or raises
`DropItem(reason)`; every drop, warning and outcome is counted in the crawl stats
(names in `newsspider.stats`) and ends up in `crawl_runs`.
"""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from newsspider import articles, stats
from newsspider.config import SiteConfig
from newsspider.db import Database


class _CrawlerPipeline:
    """Keeps the crawler: the site definition is its spider's, the counters its stats."""

    def __init__(self, crawler: Crawler):
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def site(self) -> SiteConfig | None:
        return getattr(self.crawler.spider, "site", None)

    def warn(self, warnings: list[str]) -> None:
        for warning in warnings:
            stats.inc(self.stats, stats.key(stats.Group.WARNINGS, warning))


class NormalizePipeline(_CrawlerPipeline):
    """Clean text, and turn the date as shown into UTC in the site's time zone."""

    def process_item(self, item: Any) -> Any:
        self.warn(articles.normalize(ItemAdapter(item), self.site))
        return item


class ValidatePipeline(_CrawlerPipeline):
    """Drop what cannot be an article: no news ID, no title, mis-decoded text."""

    def process_item(self, item: Any) -> Any:
        try:
            self.warn(articles.validate(ItemAdapter(item)))
        except articles.ArticleDropped as exc:
            stats.inc(self.stats, stats.key(stats.Group.DROPPED, exc.reason))
            raise DropItem(str(exc)) from None
        return item


class StorePipeline(_CrawlerPipeline):
    """Upsert articles into SQLite, in batches committed by count or time."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.db_path = settings.get("NEWSSPIDER_DB")
        if not self.db_path:
            raise NotConfigured("NEWSSPIDER_DB is empty: set it to the SQLite database path")
        self.commit_items = settings.getint("NEWSSPIDER_COMMIT_ITEMS", 100)
        self.commit_seconds = settings.getfloat("NEWSSPIDER_COMMIT_SECONDS", 2.0)
        self.db: Database | None = None
        self.committer: LoopingCall | None = None

    def open_spider(self) -> None:
        self.db = Database.shared(self.db_path)
        self.db.batch_writes(self.commit_items, self.commit_seconds)
        self.committer = LoopingCall(self.db.commit_if_due)
        self.committer.start(self.commit_seconds, now=False)

    def process_item(self, item: Any) -> Any:
        assert self.db is not None
        outcome = articles.store(self.db, ItemAdapter(item))
        stats.inc(self.stats, stats.key(stats.Group.STORED, outcome))
        return item

    def close_spider(self) -> None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        if self.db is not None:
            self.db.commit()
            self.db.release()
