"""Run the spiders of some sites in one Scrapy process and report per-site results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from newsspider.config import Config, SiteConfig
from newsspider.db import Database
from newsspider.runlog import STATUS_FAILED, STATUS_OK, run_summary
from newsspider.spiders import spider_class_for


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

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK


def crawl_settings(config: Config, db_path: str, log_level: str = "INFO") -> Settings:
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    settings.set("NEWSSPIDER_CONFIG", config.path, priority="cmdline")
    settings.set("NEWSSPIDER_DB", db_path, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="cmdline")
    return settings


def crawl_sites(
    config: Config, sites: list[SiteConfig], db_path: str, *, log_level: str = "INFO"
) -> list[SiteResult]:
    """Crawl the sites concurrently (politeness is per site) and return one result each."""
    Database(db_path).close()  # create the schema, or fail with a clear error before crawling
    process = CrawlerProcess(crawl_settings(config, db_path, log_level))
    crawlers: list[tuple[SiteConfig, Crawler]] = []
    for site in sites:
        crawler = process.create_crawler(spider_class_for(site))
        process.crawl(crawler)
        crawlers.append((site, crawler))
    process.start()
    return [_result(site, crawler) for site, crawler in crawlers]


def _result(site: SiteConfig, crawler: Crawler) -> SiteResult:
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}

    def count(key: str) -> int:
        return int(stats.get(f"newsspider/{key}", 0))

    dropped = sum(int(v) for k, v in stats.items() if k.startswith("newsspider/dropped/"))
    summary = run_summary(stats, str(stats.get("finish_reason", "finished")), 0.0)
    return SiteResult(
        site=site.name,
        status=str(stats.get("newsspider/status", STATUS_FAILED)),
        requests=int(stats.get("downloader/request_count", 0)),
        new=count("stored/new"),
        updated=count("stored/updated"),
        unchanged=count("stored/unchanged"),
        dropped=dropped,
        errors=count("errors/requests"),
        error_reasons=summary["error_reasons"],
        skipped_reasons=summary["skipped_reasons"],
    )
