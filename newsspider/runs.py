"""What a crawl's stats say about its run: the `crawl_runs` fields and the verdict.

Scrapy-free, so that `run`, cluster ingest (its rounds) and the tests share one summary
without loading Scrapy; the extension that writes them is `newsspider.runlog.RunLog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from newsspider import stats
from newsspider.db import Database
from newsspider.db.crawlstate import iso
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
        "finished": iso(datetime.now(UTC)),
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
