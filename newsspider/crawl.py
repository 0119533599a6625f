"""Run the spiders of some sites in one Scrapy process and report per-site results."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.ossignal import signal_names
from twisted.python.failure import Failure

from newsspider import stats
from newsspider.browser import require_browser
from newsspider.config import Config, SiteConfig, parse_duration
from newsspider.db import Database, read
from newsspider.errors import DatabaseError
from newsspider.middlewares import Interrupted
from newsspider.progress import install_log_handler
from newsspider.runs import STATUS_FAILED, STATUS_OK, close_unclosed_run, run_summary
from newsspider.spiders import spider_class_for
from newsspider.stats import STATUS, Group

_SUMMARY_FIELDS = (
    "requests",
    "new",
    "updated",
    "unchanged",
    "dropped",
    "errors",
    "error_reasons",
    "skipped_reasons",
)


@dataclass(frozen=True)
class SiteResult:
    site: str
    status: str
    requests: int
    new: int
    updated: int
    unchanged: int
    dropped: int
    errors: int
    error_reasons: dict[str, int]
    skipped_reasons: dict[str, int]
    finish_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    @property
    def interrupted(self) -> bool:
        """Stopped by Ctrl-C or SIGTERM (Scrapy's reason "shutdown"; a second one stops the
        reactor before the spider closes, leaving no reason at all)."""
        return self.finish_reason in ("shutdown", "never closed")


# Scrapy loads the module of every listed component, even one set to None: leaving the
# turned-off ones out of the lists spares every start their imports (the remote control's
# aiohttp is a third of a second, the cookie middleware's tldextract a tenth).
_COMPONENT_LISTS = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES")


def crawl_settings(
    config: Config, db_path: str, log_level: str = "INFO", **overrides: Any
) -> Settings:
    """Project settings for a CLI crawl; `overrides` are NEWSSPIDER_* names without the prefix."""
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    _leave_out_turned_off(settings)
    settings.set("NEWSSPIDER_CONFIG", config.path, priority="cmdline")
    settings.set("NEWSSPIDER_DB", db_path, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="cmdline")
    settings.set("NEWSSPIDER_EXTRACT_PROCESSES", config.extract_processes, priority="cmdline")
    for name, value in overrides.items():
        settings.set(f"NEWSSPIDER_{name.upper()}", value, priority="cmdline")
    return settings


def _leave_out_turned_off(settings: Settings) -> None:
    """Drop the components our settings turn off (None) from Scrapy's lists and ours."""
    for name in _COMPONENT_LISTS:
        ours = settings.getdict(name)
        off = {component for component, order in ours.items() if order is None}
        base = settings.getdict(f"{name}_BASE")
        settings.set(f"{name}_BASE", {k: v for k, v in base.items() if k not in off}, "project")
        settings.set(name, {k: v for k, v in ours.items() if k not in off}, "project")


def crawl_sites(
    config: Config,
    sites: list[SiteConfig],
    db_path: str,
    *,
    log_level: str = "INFO",
    log_format: str = "text",
    **overrides: Any,
) -> list[SiteResult]:
    """Crawl the sites concurrently (politeness is per site) and return one result each.

    `overrides` set NEWSSPIDER_* settings, e.g. `incremental=False`, `progress=True`.
    """
    for site in sites:
        require_browser(config.path, site)  # before the database or the reactor
    settings = crawl_settings(config, db_path, log_level, **overrides)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # ours, below
    process = _Process(settings)
    install_log_handler(log_level, log_format)  # before the database: it may say it upgrades
    Database(db_path).close()  # create the schema, or fail with a clear error before crawling
    crawlers: list[tuple[SiteConfig, Crawler]] = []
    for site in sites:
        crawler = process.create_crawler(spider_class_for(site))
        process.crawl(crawler)
        crawlers.append((site, crawler))
    process.start()
    for _, crawler in crawlers:
        close_unclosed_run(db_path, crawler.stats.get_stats() if crawler.stats else {})
    return [_result(site, crawler) for site, crawler in crawlers]


class _Process(CrawlerProcess):
    """Scrapy's process, saying what a first Ctrl-C (or SIGTERM) does, and doing it quickly:
    requests waiting for their download slot are dropped (counted as skipped `interrupted`),
    only those in flight are finished, and each site's run is closed as interrupted."""

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        super()._signal_shutdown(signum, frame)
        reactor.callFromThread(self._stopping, signum)

    def _stopping(self, signum: int) -> None:
        _STOPPED_BY.append(signum)
        name = signal_names.get(signum, str(signum))
        print(f"newsspider: {name}: stopping (again to stop at once)", file=sys.stderr, flush=True)
        for crawler in self.crawlers:
            drop_queued_requests(crawler)


def stopped_by() -> int | None:
    """The signal that stopped this process's crawl (SIGINT, SIGTERM), if one did."""
    return _STOPPED_BY[0] if _STOPPED_BY else None


_STOPPED_BY: list[int] = []


def drop_queued_requests(crawler: Crawler) -> None:
    """Fail the requests waiting in the downloader's per-site queues (not yet sent)."""
    downloader = getattr(crawler.engine, "downloader", None)
    for slot in getattr(downloader, "slots", {}).values():
        while slot.queue:
            _, waiting = slot.queue.popleft()
            stats.inc(crawler.stats, stats.key(Group.SKIPPED, "interrupted"))
            waiting.errback(Failure(Interrupted("the run was interrupted")))


def due_sites(
    sites: list[SiteConfig], db_path: str, now: datetime
) -> tuple[list[SiteConfig], dict[str, datetime]]:
    """The sites whose `schedule` says they are due, and when each of the others is next due.

    A site is due when its last run started at least its interval ago (less a tenth of
    the interval, at most two minutes, so cron's own jitter never skips a turn).
    """
    due, later = [], {}
    starts = _last_starts(db_path, [site.name for site in sites])
    for site in sites:
        last = starts.get(site.name)
        if site.schedule is None or last is None:
            due.append(site)
            continue
        interval = parse_duration(site.schedule)
        slack = min(interval / 10, 120)
        next_due = last + timedelta(seconds=interval - slack)
        if now >= next_due:
            due.append(site)
        else:
            later[site.name] = next_due
    return due, later


def _last_starts(db_path: str, sites: list[str]) -> dict[str, datetime]:
    try:
        with read.reading(db_path) as conn:
            return read.last_starts(conn, sites)
    except DatabaseError:  # no database or no schema yet
        return {}


def _result(site: SiteConfig, crawler: Crawler) -> SiteResult:
    """The figures `crawl_runs` stores for this crawl (the same `run_summary`), for the table."""
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    summary = run_summary(stats, str(stats.get("finish_reason", "finished")), 0.0)
    return SiteResult(
        site=site.name,
        status=str(stats.get(STATUS, STATUS_FAILED)),
        **{name: summary[name] for name in _SUMMARY_FIELDS},
        finish_reason=stats.get("finish_reason", "never closed" if "start_time" in stats else None),
    )
