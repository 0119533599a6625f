"""Item pipelines, one concern each: normalize, validate, store.

Each returns the item or raises `DropItem(reason)`; every drop and warning is
counted in the crawl stats under `newsspider/...` and ends up in `crawl_runs`.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from newsspider.config import SiteConfig
from newsspider.db import Database
from newsspider.extract.dates import explain_date, to_iso_local, to_iso_utc
from newsspider.extract.encoding import looks_mojibake
from newsspider.extract.text import clean_body, clean_text

logger = logging.getLogger(__name__)

_LINE_FIELDS = ("title", "summary", "source", "published_raw")
_LIST_FIELDS = ("authors", "categories", "tags")


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

    def count(self, key: str) -> None:
        self.stats.inc_value(f"newsspider/{key}")

    def drop(self, reason: str, detail: str) -> DropItem:
        self.count(f"dropped/{reason}")
        return DropItem(f"{reason}: {detail}")


class NormalizePipeline(_CrawlerPipeline):
    """Clean text, and turn the date as shown into UTC in the site's time zone."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in _LINE_FIELDS:
            if adapter.get(name) is not None:
                adapter[name] = clean_text(adapter[name]) or None
        if adapter.get("body_text") is not None:
            adapter["body_text"] = clean_body(adapter["body_text"]) or None
        for name in _LIST_FIELDS:
            adapter[name] = list(
                dict.fromkeys(v for v in map(clean_text, adapter.get(name) or []) if v)
            )
        if adapter.get("language"):
            # `en-US`, `EN`, `en_GB` are all `en`: one code per language for queries and feeds.
            adapter["language"] = (
                re.split(r"[-_]", clean_text(adapter["language"]))[0].lower() or None
            )
        if adapter.get("news_id") is not None:
            adapter["news_id"] = clean_text(str(adapter["news_id"])) or None
        self._normalize_date(adapter, self.site)
        return item

    def _normalize_date(self, adapter: ItemAdapter, site: SiteConfig | None) -> None:
        raw = adapter.get("published_raw")
        adapter["published_local"] = None
        if not raw:
            adapter["published"] = None
            self.count("warnings/date_missing")
            return
        fetched = adapter.get("fetched_at")
        now = datetime.fromisoformat(fetched) if fetched else datetime.now(UTC)
        zone = site.timezone if site else "UTC"
        moment, how = explain_date(
            raw,
            timezone=zone,
            now=now,
            dayfirst=site.dayfirst if site else False,
        )
        if moment is None:
            adapter["published"] = None
            self.count(f"warnings/date_{how}")
            logger.warning("date %r of %s not stored (%s)", raw, adapter.get("url"), how)
            return
        adapter["published"] = to_iso_utc(moment)
        adapter["published_local"] = to_iso_local(moment, raw, zone)


class ValidatePipeline(_CrawlerPipeline):
    """Drop what cannot be an article: no news ID, no title, mis-decoded text."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not adapter.get("news_id"):
            raise self.drop("no_news_id", f"no news ID found on {url}")
        if not adapter.get("title"):
            raise self.drop("no_title", f"no title found on {url}")
        if looks_mojibake(adapter.get("title")) or looks_mojibake(adapter.get("body_text")):
            raise self.drop("mojibake", f"text of {url} is mis-decoded")
        if not adapter.get("body_text"):
            self.count("warnings/body_missing")
        return item


class StorePipeline(_CrawlerPipeline):
    """Upsert articles into SQLite and record the crawl in `crawl_runs`."""

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
        record = dict(ItemAdapter(item).items())  # shallow: asdict() deep-copies every list
        fetched = record.get("fetched_at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        outcome = self.db.upsert_article(record, now=fetched)
        self.count(f"stored/{outcome}")
        return item

    def close_spider(self) -> None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        if self.db is not None:
            self.db.commit()
            self.db.release()
