"""What a run tells people while it works: a live line on a terminal, log lines elsewhere.

- `install_log_handler` replaces Scrapy's root handler: plain text lines, or one JSON
  object per line (`--log-format json`) for log collectors. Each site's closing
  summary (logger `newsspider.progress`) is shown unless `-q`, even at the default
  WARNING level, so cron mail and journald get one line per site.
- `Progress` (a Scrapy extension, `NEWSSPIDER_PROGRESS = True` when stderr is a
  terminal) redraws one line with every site's pages, articles and errors.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Self, TextIO

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newsspider import stats
from newsspider.politeness import requests_per_new

SUMMARY_LOGGER = "newsspider.progress"
REDRAW_SECONDS = 0.5
logger = logging.getLogger(SUMMARY_LOGGER)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _ShowSummaries(logging.Filter):
    """Pass records at the chosen level, and the per-site summaries unless quiet."""

    def __init__(self, level: int, quiet: bool):
        super().__init__()
        self.level = level
        self.quiet = quiet

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        return record.name == SUMMARY_LOGGER and not self.quiet and record.levelno >= logging.INFO


def install_log_handler(level: str, log_format: str, stream: TextIO | None = None) -> None:
    """One root handler on stderr, text or JSON; the root level lets summaries through."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    numeric = logging.getLevelName(level)
    handler.addFilter(_ShowSummaries(numeric, quiet=level == "ERROR"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "newsspider", False)]:
        root.removeHandler(old)
    handler.newsspider = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(min(numeric, logging.INFO))


def site_counts(figures: dict[str, Any]) -> dict[str, int]:
    """Pages read, articles stored (new, updated, unchanged) and errors so far."""

    def value(key: str) -> int:
        return stats.value(figures, key)

    articles = sum(value(f"stored/{k}") for k in ("new", "updated", "unchanged"))
    pages = value("pages/listing") + value("pages/article") + value("pages/not_modified")
    return {"pages": pages, "articles": articles, "new": value("stored/new"),
            "errors": value("errors/requests")}  # fmt: skip


def log_site_summary(
    site: str, status: str, figures: dict[str, Any], requests_by_purpose: dict[str, int]
) -> None:
    """One line per site; the JSON form also carries the requests by purpose and what each
    new article cost (`requests_per_new`, null when nothing was new)."""
    counts = site_counts(figures)
    requests = int(figures.get("downloader/request_count", 0))
    fields = {"requests": requests, "requests_by_purpose": requests_by_purpose,
              "requests_per_new": requests_per_new(requests, counts["new"])}  # fmt: skip
    logger.info(
        "%s: %s, %d pages, %d articles (%d new), %d errors, %d requests",
        site,
        status,
        counts["pages"],
        counts["articles"],
        counts["new"],
        counts["errors"],
        requests,
        extra={"fields": {"site": site, "status": status, **counts, **fields}},
    )


class Board:
    """The live line shared by every site crawled in this process."""

    crawlers: dict[str, Crawler] = {}  # noqa: RUF012 - one board per process by design
    stream: TextIO = sys.stderr

    @classmethod
    def line(cls) -> str:
        parts = []
        for site, crawler in cls.crawlers.items():
            counts = site_counts(crawler.stats.get_stats() if crawler.stats else {})
            parts.append(f"{site} {counts['pages']}p {counts['articles']}a {counts['errors']}e")
        return " | ".join(parts)

    @classmethod
    def draw(cls) -> None:
        width = 200
        cls.stream.write("\r\x1b[K" + cls.line()[:width])
        cls.stream.flush()

    @classmethod
    def clear(cls) -> None:
        cls.stream.write("\r\x1b[K")
        cls.stream.flush()


class Progress:
    """Scrapy extension: keeps its site on the live line while its spider runs."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.redraw = LoopingCall(Board.draw)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSSPIDER_PROGRESS"):
            raise NotConfigured  # no message: Scrapy then disables it silently
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Spider) -> None:
        Board.crawlers[spider.name] = self.crawler
        self.redraw.start(REDRAW_SECONDS)

    def closed(self, spider: Spider) -> None:
        if self.redraw.running:
            self.redraw.stop()
        Board.crawlers.pop(spider.name, None)
        Board.draw() if Board.crawlers else Board.clear()
