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
# Scrapy loggers whose errors the spider's errback reports again, once per request.
REPEATED_BY_THE_SITE = frozenset(
    {"scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"}
)
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


class _BesideTheLiveLine(logging.StreamHandler):
    """Clears the live progress line before a log line and redraws it after, so the two
    never run together on a terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        live = bool(Board.crawlers) and self.stream is Board.stream
        if live:
            Board.clear()
        super().emit(record)
        if live:
            Board.draw()


class _OneLine(logging.Filter):
    """Every record as one line unless debugging: a traceback shrinks to its last line, and
    Scrapy's own report of a request that failed for good (which the site's `request
    failed` warning repeats, with the reason) moves down to INFO."""

    def __init__(self, debug: bool):
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        if self.debug:
            return True
        if record.name in REPEATED_BY_THE_SITE and record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = record.exc_text = None
        return True


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
    handler = _BesideTheLiveLine(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    numeric = logging.getLevelName(level)
    handler.addFilter(_OneLine(debug=numeric <= logging.DEBUG))
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
    pages = value("pages/listing") + value("pages/article")  # as crawl_runs.pages counts
    return {"pages": pages, "not_modified": value("pages/not_modified"), "articles": articles,
            "new": value("stored/new"), "errors": value("errors/requests")}  # fmt: skip


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
        "%s: %s, %d pages (%d not modified), %d articles (%d new), %d errors, %d requests",
        site,
        status,
        counts["pages"],
        counts["not_modified"],
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
