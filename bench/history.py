"""A long history: `status`, `export` and the scheduler with a million `crawl_runs` rows,
and the start of a site's crawl with `--articles` stored articles.

A site crawled every quarter-hour adds 35,000 runs a year. This times the commands that
read runs on a database with a few runs per site, then with `--runs` in all (median of
three each, process start included), and prints the ratios: they should stay near 1.
Then it stores `--articles` articles of one site, a day's worth every 144 (their re-checks
done, but for the last three days'), and times what every crawl of that site reads first:
the IDs and URLs it knows and the articles due for a re-check.

    python bench/history.py [--runs 1000000] [--sites 4] [--articles 300000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsspider.config import load_config
from newsspider.crawl import due_sites
from newsspider.db import Database
from newsspider.incremental import KnownArticles

CLI = [sys.executable, "-m", "newsspider.cli"]
FEW = 10
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="runs in all")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--articles", type=int, default=300_000, help="articles of site0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config, db = Path(tmp) / "sites.toml", Path(tmp) / "news.db"
        config.write_text("".join(_site(n) for n in range(args.sites)), encoding="utf-8")
        Database(db).close()
        _add_runs(db, args.sites, FEW)
        few = _timings(config, db, Path(tmp) / "feeds")
        _add_runs(db, args.sites, args.runs // args.sites - FEW, offset=FEW)
        many = _timings(config, db, Path(tmp) / "feeds")
        _add_articles(db, args.articles)
        site = load_config(config).sites["site0"]
        load = _median(lambda: KnownArticles.load(str(db), site, datetime.now(UTC), None))
    print(f"{args.sites} sites; {FEW} runs each, then {args.runs // args.sites} each")
    print(f"{'step':<12} {'few s':>7} {'many s':>7} {'ratio':>6}")
    for step in few:
        print(f"{step:<12} {few[step]:>7.3f} {many[step]:>7.3f} {many[step] / few[step]:>6.2f}")
    per_article = 1e6 * load / max(args.articles, 1)
    print(
        f"known articles of a site with {args.articles}: {load:.2f} s ({per_article:.1f} us each)"
    )


def _add_articles(db: Path, count: int) -> None:
    """`count` articles of site0, ten minutes apart, re-checked after their last step."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO articles (site, news_id, url, title, body_text, fetched_at, "
            "first_seen, published, last_checked) "
            "SELECT 'site0', i, 'https://site0.example/news/' || i, 't', 'b', 'x', "
            "strftime(?, 'now', -10 * i || ' minutes'), strftime(?, 'now', -10 * i || ' minutes'), "
            "CASE WHEN i > 432 THEN strftime(?, 'now', -10 * i + 4330 || ' minutes') END FROM n",
            (count, STAMP, STAMP, STAMP),
        )


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
    timings = {
        name: _median(partial(subprocess.run, command, capture_output=True, check=False))
        for name, command in commands.items()
    }
    sites = list(load_config(config).sites.values())
    timings["due_sites"] = _median(lambda: due_sites(sites, str(db), datetime.now(UTC)))
    return timings


def _median(step: Callable[[], object]) -> float:
    """Median seconds of three calls."""
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


if __name__ == "__main__":
    main()
