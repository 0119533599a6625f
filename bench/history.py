"""A long run history: `status`, `export` and the scheduler with a million `crawl_runs` rows.

A site crawled every quarter-hour adds 35,000 runs a year. This times the commands that
read runs on a database with a few runs per site, then with `--runs` in all (median of
three each, process start included), and prints the ratios: they should stay near 1.

    python bench/history.py [--runs 1000000] [--sites 4]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsspider.config import load_config
from newsspider.crawl import due_sites
from newsspider.db import Database

CLI = [sys.executable, "-m", "newsspider.cli"]
FEW = 10
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="runs in all")
    parser.add_argument("--sites", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config, db = Path(tmp) / "sites.toml", Path(tmp) / "news.db"
        config.write_text("".join(_site(n) for n in range(args.sites)), encoding="utf-8")
        Database(db).close()
        _add_runs(db, args.sites, FEW)
        few = _timings(config, db, Path(tmp) / "feeds")
        _add_runs(db, args.sites, args.runs // args.sites - FEW, offset=FEW)
        many = _timings(config, db, Path(tmp) / "feeds")
    print(f"{args.sites} sites; {FEW} runs each, then {args.runs // args.sites} each")
    print(f"{'step':<12} {'few s':>7} {'many s':>7} {'ratio':>6}")
    for step in few:
        print(f"{step:<12} {few[step]:>7.3f} {many[step]:>7.3f} {many[step] / few[step]:>6.2f}")


def _site(number: int) -> str:
    return (
        f'[sites.site{number}]\nkind = "portal"\ntimezone = "UTC"\n'
        f'start_urls = ["http://127.0.0.1:9/{number}"]\nschedule = "15m"\n'
    )


def _add_runs(db: Path, sites: int, per_site: int, offset: int = 0) -> None:
    """`per_site` quarter-hourly runs per site, going back from now, after `offset` runs."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?), "
            "s(site) AS (SELECT 0 UNION ALL SELECT site + 1 FROM s WHERE site < ?) "
            "INSERT INTO crawl_runs (site, started, finished, status, requests, new, duration_s) "
            "SELECT 'site' || s.site, strftime(?, 'now', -15 * n.i || ' minutes'), "
            "strftime(?, 'now', -15 * n.i + 1 || ' minutes'), 'ok', 3, 1, 1.5 FROM n, s",
            (offset + 1, offset + per_site, sites - 1, STAMP, STAMP),
        )


def _timings(config: Path, db: Path, out: Path) -> dict[str, float]:
    commands = {
        "status": [*CLI, "status", "--config", str(config), "--db", str(db)],
        "export": [*CLI, "export", "--config", str(config), "--db", str(db), "--out", str(out)],
    }
    timings = {name: _median(lambda c=command: _run(c)) for name, command in commands.items()}
    sites = list(load_config(config).sites.values())
    timings["due_sites"] = _median(lambda: _call(due_sites, sites, str(db), datetime.now(UTC)))
    return timings


def _run(command: list[str]) -> None:
    subprocess.run(command, capture_output=True, check=False)


def _call(function, *args) -> None:  # type: ignore[no-untyped-def]
    function(*args)


def _median(step) -> float:  # type: ignore[no-untyped-def]
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


if __name__ == "__main__":
    main()
