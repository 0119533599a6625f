"""`newsspider crawl` and `newsspider run`: crawl sites (then export, for run).

Exit statuses: 0 success; 1 a site failed, or (`run`) a site is unhealthy (see
`newsspider status`); 2 bad configuration, usage or unknown site; 3 database or
output error; 4 another run holds the database's lock (this one touched nothing);
130 interrupted.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newsspider import outputs
from newsspider.commands import (
    EXIT_OK,
    EXIT_SITE_FAILED,
    add_output_options,
    load_selected_config,
    log_level,
    positive_int,
)
from newsspider.commands.export import print_export
from newsspider.config import Config, parse_duration
from newsspider.errors import DatabaseError, Terminated, UsageError

if TYPE_CHECKING:
    from newsspider.crawl import SiteResult
    from newsspider.usecases import CrawlOptions

_ROW = "{:<24} {:<11} {:>8} {:>5} {:>7} {:>9} {:>7} {:>6}"
JITTER = 0.1  # --every waits its interval give or take this fraction


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    crawl = add("crawl", cmd_crawl, "crawl sites into the database")
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all)")
    add_crawl_options(crawl)
    run = add("run", cmd_run, "crawl the sites that are due, then export feeds (the cron command)")
    run.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all due)")
    add_crawl_options(run)
    add_output_options(run)
    run.add_argument("--every", metavar="INTERVAL", type=_duration, help="loop: run every 15m, 1h")
    run.add_argument("--cycles", type=positive_int, help="with --every: stop after N runs")


def add_crawl_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full", action="store_true", help="re-fetch every article (no incremental skipping)"
    )
    parser.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="log lines on stderr"
    )


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_crawl(args: argparse.Namespace) -> int:
    from newsspider.lock import RunLock
    from newsspider.usecases import crawl

    config = load_selected_config(args)
    config.select(args.sites)  # an unknown site stops here, before the lock file is made
    check_database(args.db)
    with RunLock(args.db):
        results = crawl(config, args.sites, args.db, crawl_options(args))
    return print_results(results, args.db, quiet=args.quiet)


def cmd_run(args: argparse.Namespace) -> int:
    config = load_selected_config(args)
    config.select(args.sites)  # an unknown site stops here, before the lock file is made
    if args.cycles and not args.every:
        raise UsageError("--cycles needs --every (how long between the runs)")
    outputs.check_output_dir(args.out)  # before crawling: the feeds must have somewhere to go
    check_database(args.db)
    if args.every:
        return run_every(args)
    return print_run(config, args)


def check_database(db: str) -> None:
    """An existing --db must be an SQLite file, before a lock file is made beside it."""
    path = Path(db)
    if path.is_dir():
        raise DatabaseError(f"{db}: is a directory, not a database file")
    if not path.is_file() or path.stat().st_size == 0:
        return  # a new database
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{db}: cannot open database: {exc}") from None


def print_run(config: Config, args: argparse.Namespace) -> int:
    """One run (`newsspider.usecases.run_once`), printed: not-due sites, the per-site
    table, the export, the unhealthy sites."""
    from newsspider.usecases import run_once

    report = run_once(
        config, args.db, args.sites, args.out, limit=args.limit, options=crawl_options(args)
    )
    if not args.quiet:
        for name, when in report.not_due.items():
            print(f"{name}: not due until {when:%Y-%m-%d %H:%M:%S}Z", file=sys.stderr)
    if not report.results:
        return EXIT_OK
    status = print_results(report.results, args.db, quiet=args.quiet)
    if report.exported is not None:
        print_export(report.exported, args.out, quiet=args.quiet)
    for verdict in report.unhealthy:
        print(
            f"newsspider: {verdict.site} is unhealthy: {'; '.join(verdict.reasons)}",
            file=sys.stderr,
        )
    return EXIT_SITE_FAILED if report.unhealthy else status


def run_every(args: argparse.Namespace) -> int:
    """Run in a fresh process every interval (with jitter) until interrupted or `--cycles`.

    A fresh process per run: Scrapy's reactor cannot be started twice, and a long-lived
    loop should not carry one run's memory into the next.
    """
    cycle, status = 0, EXIT_OK
    while True:
        started = time.monotonic()
        status = _run_child(child_command(args))
        cycle += 1
        if args.cycles and cycle >= args.cycles:
            return status
        pause = args.every * random.uniform(1 - JITTER, 1 + JITTER)
        pause = max(0.0, pause - (time.monotonic() - started))
        if not args.quiet:
            print(f"run {cycle} exited with {status}; next in {pause:.0f}s", file=sys.stderr)
        time.sleep(pause)


def _run_child(command: list[str]) -> int:
    """Run one cycle; when interrupted, let it stop as a crawl does (closing its runs)."""
    child = subprocess.Popen(command)
    try:
        return child.wait()
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            child.terminate()  # a terminal's Ctrl-C reached the child already
        child.wait()
        raise


def child_command(args: argparse.Namespace) -> list[str]:
    """The `newsspider run` command one cycle of `--every` runs."""
    command = [sys.executable, "-m", "newsspider.cli", "run", *args.sites, "--db", args.db]
    command += ["--out", args.out, "--log-format", args.log_format]
    if args.config:
        command += ["--config", args.config]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.full:
        command.append("--full")
    if args.quiet:
        command.append("-q")
    command += ["-v"] * args.verbose
    return command


def crawl_options(args: argparse.Namespace) -> CrawlOptions:
    from newsspider.usecases import CrawlOptions

    return CrawlOptions(
        log_level=log_level(args),
        log_format=getattr(args, "log_format", "text"),
        incremental=not getattr(args, "full", False),
        progress=sys.stderr.isatty() and not args.quiet,
    )


def print_results(results: list[SiteResult], db: str, *, quiet: bool) -> int:
    """The per-site table and reasons; 1 when any site failed (interrupted: re-raised)."""
    failed = [r.site for r in results if not r.ok]
    if not quiet or failed:
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
        if not quiet or not r.ok:
            _print_reasons(r.site, "skipped", r.skipped_reasons)
    if any(r.interrupted for r in results):
        from newsspider.crawl import stopped_by

        # Scrapy caught the signal and stopped; report it as such
        raise Terminated if stopped_by() == signal.SIGTERM else KeyboardInterrupt
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
