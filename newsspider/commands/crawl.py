"""`newsspider crawl` and `newsspider run`: crawl sites (then export, for run)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from newsspider.commands import (
    EXIT_OK,
    EXIT_SITE_FAILED,
    add_output_options,
    load_selected_config,
    log_level,
)
from newsspider.commands.export import export
from newsspider.config import Config

_ROW = "{:<24} {:<7} {:>8} {:>5} {:>7} {:>9} {:>7} {:>6}"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    crawl = add("crawl", cmd_crawl, "crawl sites into the database")
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all)")
    run = add("run", cmd_run, "crawl every site, then export feeds (the command for cron)")
    run.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all)")
    add_output_options(run)


def cmd_crawl(args: argparse.Namespace) -> int:
    return crawl(load_selected_config(args), args.sites, args.db, args)


def cmd_run(args: argparse.Namespace) -> int:
    config = load_selected_config(args)
    status = crawl(config, args.sites, args.db, args)
    export(config, args.db, args.out, args.limit, quiet=args.quiet)
    return status


def crawl(config: Config, site_names: list[str], db: str, args: argparse.Namespace) -> int:
    """Crawl, print a per-site table, and return 1 when any site failed."""
    from newsspider.crawl import crawl_sites

    sites = config.select(site_names)
    results = crawl_sites(config, sites, db, log_level=log_level(args))
    failed = [r.site for r in results if not r.ok]
    if not args.quiet or failed:
        print(
            _ROW.format(
                "site", "status", "requests", "new", "updated", "unchanged", "dropped", "errors"
            )
        )
        for r in results:
            print(
                _ROW.format(
                    r.site, r.status, r.requests, r.new, r.updated, r.unchanged, r.dropped, r.errors
                )
            )
        print(f"database: {Path(db).resolve()}")
    for r in results:
        _print_reasons(r.site, "failed", r.error_reasons)
        if not args.quiet or not r.ok:
            _print_reasons(r.site, "skipped", r.skipped_reasons)
    if failed:
        names = ", ".join(failed)
        print(f"newsspider: site(s) failed: {names} (see crawl_runs and the log)", file=sys.stderr)
        return EXIT_SITE_FAILED
    return EXIT_OK


def _print_reasons(site: str, label: str, reasons: dict[str, int]) -> None:
    """One line per site and kind, e.g. `mfa: failed requests: http_503 2, timeout 1`."""
    if reasons:
        listed = ", ".join(f"{reason} {count}" for reason, count in reasons.items())
        print(f"{site}: {label} requests: {listed}", file=sys.stderr)
