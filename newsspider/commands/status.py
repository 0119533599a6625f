"""`newsspider status`: per site, the last success, new articles, and a health verdict.

Exit status 0 when every site is healthy, 1 when one is not (for monitoring checks).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config

_ROW = "{:<24} {:<20} {:>7} {:>7} {:>11}  {}"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    status = add(
        "status",
        cmd_status,
        "per site: last success, new articles, requests per new article, health verdict",
        options=("config", "db"),
    )
    status.add_argument("sites", nargs="*", metavar="SITE", help="sites to report (default: all)")
    status.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default: table)"
    )


def cmd_status(args: argparse.Namespace) -> int:
    from newsspider.usecases import site_statuses

    report = site_statuses(load_selected_config(args), args.db, args.sites)
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
