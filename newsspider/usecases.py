"""The use cases behind the CLI, as library functions that never print.

- `crawl`: the named sites into the database, one `SiteResult` each.
- `run_once`: the cron run: lock → due sites → crawl → export → health verdicts.
- `site_statuses` / `unhealthy_sites`: per site, the last success, new articles,
  requests per new article over the last day and the health verdict (`newsspider status`).

A CLI command parses its options, calls one of these and prints what it returns.
Scrapy is imported only when a crawl starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from newsspider import outputs
from newsspider.config import Config
from newsspider.db import read
from newsspider.health import Verdict, site_verdict
from newsspider.lock import RunLock

if TYPE_CHECKING:
    from newsspider.crawl import SiteResult


@dataclass(frozen=True)
class CrawlOptions:
    """How a crawl runs: its log, incremental skipping, the live progress line."""

    log_level: str = "WARNING"
    log_format: str = "text"
    incremental: bool = True
    progress: bool = False


@dataclass
class RunReport:
    """What one `run_once` did; `results` is empty when no site was due."""

    results: list[SiteResult] = field(default_factory=list)
    not_due: dict[str, datetime] = field(default_factory=dict)  # site: when it is next due
    exported: outputs.Exported | None = None
    unhealthy: list[Verdict] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        return any(r.interrupted for r in self.results)


def crawl(config: Config, sites: list[str], db: str, options: CrawlOptions) -> list[SiteResult]:
    """Crawl the named sites (all when none are named) into `db`, one result per site."""
    from newsspider.crawl import crawl_sites

    return crawl_sites(
        config,
        config.select(sites),
        db,
        log_level=options.log_level,
        log_format=options.log_format,
        incremental=options.incremental,
        progress=options.progress,
    )


def run_once(
    config: Config,
    db: str,
    sites: list[str],
    out: str,
    *,
    limit: int | None = None,
    options: CrawlOptions | None = None,
) -> RunReport:
    """The named sites, or those due by their schedule; then export and health verdicts.

    Holds the database's run lock throughout the crawl and export (`RunLockedError`
    when another run holds it). An interrupted crawl exports nothing.
    """
    from newsspider.crawl import due_sites

    report = RunReport()
    with RunLock(db):
        selected = config.select(sites)
        if not sites:
            selected, report.not_due = due_sites(selected, db, datetime.now(UTC))
            if not selected:
                return report
        names = [site.name for site in selected]
        report.results = crawl(config, names, db, options or CrawlOptions())
        if report.interrupted:
            return report
        report.exported = outputs.load().export(db, out, config, limit)
    report.unhealthy = unhealthy_sites(config, db, names)
    return report


@dataclass(frozen=True)
class SiteStatus:
    site: str
    last_success: str | None
    new_day: int
    new_week: int
    verdict: Verdict
    costs: dict[str, Any]  # requests, new and requests by purpose over the last day

    @property
    def requests_per_new(self) -> float | None:
        from newsspider.politeness import requests_per_new

        return requests_per_new(self.costs["requests"], self.costs["new"])

    def as_dict(self) -> dict[str, object]:
        return {
            "site": self.site,
            "last_success": self.last_success,
            "new_last_day": self.new_day,
            "new_last_week": self.new_week,
            "requests_last_day": self.costs["requests"],
            "requests_by_purpose_last_day": self.costs["by_purpose"],
            "requests_per_new_last_day": self.requests_per_new,
            "healthy": self.verdict.healthy,
            "reasons": list(self.verdict.reasons),
        }


def site_statuses(config: Config, db: str, names: list[str]) -> list[SiteStatus]:
    """The named sites' statuses (all sites when none are named), read from `db`."""
    now = datetime.now(UTC)
    with read.reading(db) as conn:
        return [
            SiteStatus(
                site.name,
                read.last_success(conn, site.name),
                read.new_since(conn, site.name, now - timedelta(days=1)),
                read.new_since(conn, site.name, now - timedelta(days=7)),
                site_verdict(site.name, read.recent_runs(conn, site.name), config.health),
                read.run_costs(conn, site.name, now - timedelta(days=1)),
            )
            for site in config.select(names)
        ]


def unhealthy_sites(config: Config, db: str, names: list[str]) -> list[Verdict]:
    """The verdicts that are not ok, for `run` to report and exit on."""
    return [s.verdict for s in site_statuses(config, db, names) if not s.verdict.healthy]
