"""`newsspider status`: per site, the last success, new articles, and a health verdict.

Exit status 0 when every site is healthy, 1 when one is not (for monitoring checks).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config
from newsspider.config import Config
from newsspider.health import Verdict, site_verdict

_ROW = "{:<24} {:<20} {:>7} {:>7} {:>11}  {}"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    status = add("status", cmd_status, "per site: last success, new articles, health verdict")
    status.add_argument("sites", nargs="*", metavar="SITE", help="sites to report (default: all)")
    status.add_argument("--format", choices=("table", "json"), default="table")


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


def cmd_status(args: argparse.Namespace) -> int:
    from newsspider.db.read import open_readonly

    config = load_selected_config(args)
    conn = open_readonly(args.db)
    try:
        report = site_statuses(conn, config, args.sites)
    finally:
        conn.close()
    if args.format == "json":
        print(json.dumps([s.as_dict() for s in report], ensure_ascii=False, indent=2))
    else:
        print(_ROW.format("site", "last success", "new 24h", "new 7d", "req/new 24h", "health"))
        for s in report:
            when = (s.last_success or "never").replace("T", " ").removesuffix("Z")
            cost = "-" if s.requests_per_new is None else f"{s.requests_per_new:.1f}"
            print(_ROW.format(s.site, when, s.new_day, s.new_week, cost, s.verdict.label))
    healthy = all(s.verdict.healthy for s in report)
    return EXIT_OK if healthy else EXIT_SITE_FAILED


def site_statuses(conn: sqlite3.Connection, config: Config, names: list[str]) -> list[SiteStatus]:
    from newsspider.db.read import last_success, new_since, recent_runs, run_costs

    now = datetime.now(UTC)
    return [
        SiteStatus(
            site.name,
            last_success(conn, site.name),
            new_since(conn, site.name, now - timedelta(days=1)),
            new_since(conn, site.name, now - timedelta(days=7)),
            site_verdict(site.name, recent_runs(conn, site.name), config.health),
            run_costs(conn, site.name, now - timedelta(days=1)),
        )
        for site in config.select(names)
    ]


def unhealthy_sites(db: str, config: Config, names: list[str]) -> list[Verdict]:
    """The verdicts that are not ok, for `run` to report and exit on."""
    from newsspider.db.read import open_readonly

    conn = open_readonly(db)
    try:
        return [s.verdict for s in site_statuses(conn, config, names) if not s.verdict.healthy]
    finally:
        conn.close()
