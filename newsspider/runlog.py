"""Records every site's crawl in `crawl_runs`: counts, drops by reason, errors, verdict."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider import stats
from newsspider.db import Database
from newsspider.progress import log_site_summary
from newsspider.stats import Group

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_INTERRUPTED = "interrupted"  # stopped by a signal: says nothing about the site's health
# Scrapy's close reason for Ctrl-C/SIGTERM; ours for a run killed before it could close
# (a second Ctrl-C), or one found still `running` by the next run of its site.
INTERRUPTED_REASONS = ("shutdown", "killed", "stale")


def run_summary(figures: Mapping[str, Any], reason: str, duration_s: float) -> dict[str, Any]:
    """The `crawl_runs` fields for one finished crawl, from Scrapy's stats."""

    def grouped(group: Group) -> dict[str, int]:
        return stats.grouped(figures, group)

    def value(key: str) -> int:
        return stats.value(figures, key)

    stored = grouped(Group.STORED)
    dropped = grouped(Group.DROPPED)
    listing_pages = value("pages/listing")
    failed = reason != "finished" or listing_pages == 0
    status = STATUS_FAILED if failed else STATUS_OK
    return {
        "finished": _iso(datetime.now(UTC)),
        "status": STATUS_INTERRUPTED if reason in INTERRUPTED_REASONS else status,
        "finish_reason": reason,
        "requests": int(figures.get("downloader/request_count", 0)),
        "pages": listing_pages + value("pages/article"),
        "new": stored.get("new", 0),
        "updated": stored.get("updated", 0),
        "unchanged": stored.get("unchanged", 0),
        "suspect": stored.get("suspect", 0),
        "dropped": sum(dropped.values()),
        "dropped_reasons": dropped,
        "warnings": grouped(Group.WARNINGS),
        "errors": value("errors/requests") + _spider_exceptions(figures),
        "error_reasons": {k: v for k, v in grouped(Group.ERRORS).items() if k != "requests"},
        "skipped_reasons": _skipped(figures, grouped(Group.SKIPPED)),
        "duration_s": round(duration_s, 3),
        "not_modified": value("pages/not_modified"),
        "article_links": value("links/articles"),
        "requests_by_purpose": grouped(Group.REQUESTS),
    }


def _skipped(stats: Mapping[str, Any], skipped: dict[str, int]) -> dict[str, int]:
    """Our skip reasons plus Scrapy's own offsite filter (links and redirects off the site)."""
    offsite = int(stats.get("offsite/filtered", 0))
    return dict(sorted((skipped | {"offsite": offsite}).items())) if offsite else skipped


def _spider_exceptions(stats: Mapping[str, Any]) -> int:
    return sum(
        int(v)
        for k, v in stats.items()
        if k.startswith("spider_exceptions/") and k != "spider_exceptions/count"
    )


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
            self.run_id = db.start_run(spider.name, _iso(datetime.now(UTC)))
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


def close_unclosed_run(db_path: str, figures: Mapping[str, Any]) -> None:
    """Record a crawl stopped before its spider closed (a second Ctrl-C) as interrupted."""
    run_id = figures.get(stats.RUN_ID)
    if run_id is None or "finish_reason" in figures:
        return
    db = Database(db_path)
    try:
        db.finish_run(int(run_id), run_summary(figures, "killed", 0.0))
    finally:
        db.close()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
