"""Hostile-web report: per category, what was tried, how many runs finished, what was lost.

Crawls every scenario site of tests/hostile/scenarios.py (faults, encodings,
traps, bombs, addresses) against a local hostile server on 127.0.0.1, pushes
every XSS vector through the feed exporter, and kills crawls with SIGKILL at
several moments. Prints one row per category; the target for the last two
columns is zero.

    PYTHONPATH=. python bench/hostile.py
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feeds import export_feeds
from newsspider.db import Database
from tests.feeds.conftest import article, make_config
from tests.hostile.scenarios import install, run_crawl
from tests.hostile.test_db_pressure import ARTICLES, _config, _start_crawl
from tests.hostile.test_xss import VECTORS, _body, _contents, active_parts
from tests.support.hostile_server import (
    HostileServer,
    article_page,
    html,
    listing_page,
)

Row = tuple[str, int, int, int, int, int]  # category, tried, runs, finished, lost, corrupted


def crawl_rows(workdir: Path) -> list[Row]:
    with HostileServer() as server:
        install(server)
        outcome = run_crawl(server, workdir)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for site in outcome.sites.values():
        row = totals[site.scenario.category]
        scenario = site.scenario
        documents = len(scenario.site.get("sitemaps", [])) + len(scenario.site.get("feeds", []))
        row[0] += len(scenario.stored) + len(scenario.absent) + len(scenario.links) + documents
        row[1] += 1
        row[2] += int(site.finished)
        row[3] += sum(p.startswith("lost") for p in site.problems)
        row[4] += sum(p.startswith(("corrupted", "stored but")) for p in site.problems)
    if outcome.witness_hits:
        totals["addresses"][4] += outcome.witness_hits
    return [(name, *values) for name, values in totals.items()]  # type: ignore[misc]


def xss_row(workdir: Path) -> Row:
    db = Database(workdir / "xss.db")
    for n, vector in enumerate(VECTORS):
        record = article("a", str(n), title=f"Title {n}", body_html=_body(n, vector))
        db.upsert_article(record, now="2025-10-28T00:00:00Z")
    db.close()
    export_feeds(workdir / "xss.db", workdir / "feeds", make_config("a"), limit=len(VECTORS))
    lost = corrupted = 0
    for entries in _contents(workdir / "feeds").values():
        for n in range(len(VECTORS)):
            content = entries[str(n)][1]
            lost += f"Safe text KEEP{n} here." not in content
            corrupted += bool(active_parts(content))
    return ("hostile content", len(VECTORS) * 3, 1, 1, lost, corrupted)


def kill_row(workdir: Path, moments: tuple[float, ...] = (0.9, 1.3, 1.7, 2.1, 2.5)) -> Row:
    with HostileServer() as server:
        links = [f"/bulk/news/{n}" for n in range(1, ARTICLES + 1)]
        server.routes["/bulk/"] = lambda sv, hit: html(listing_page(links))
        for n in range(1, ARTICLES + 1):
            page = article_page(str(n), f"Bulk article number {n} today", [f"Body {n} " * 12])
            server.routes[f"/bulk/news/{n}"] = lambda sv, hit, page=page: html(page)
        config, db = _config(server, workdir), workdir / "killed.db"
        sound = 0
        for moment in moments:
            crawl = _start_crawl(config, db)
            time.sleep(moment)
            crawl.send_signal(signal.SIGKILL)
            crawl.communicate()
            sound += _integrity(db) == "ok"
        crawl = _start_crawl(config, db)
        crawl.communicate(timeout=120)
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    corrupted = len(moments) - sound + (_integrity(db) != "ok")
    finished = sound + (crawl.returncode == 0)
    return ("killed crawls", len(moments) + 1, len(moments) + 1, finished, ARTICLES - stored,
            corrupted)  # fmt: skip


def _integrity(db: Path) -> str:
    if not db.exists():
        return "ok"
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [*crawl_rows(work), xss_row(work), kill_row(work)]
    line = "{:<16} {:>6} {:>5} {:>9} {:>5} {:>10}"
    print(line.format("category", "tried", "runs", "finished", "lost", "corrupted"))
    for row in rows:
        print(line.format(*row))
    print(line.format("total", *(sum(r[i] for r in rows) for i in range(1, 6))))
    print(f"({time.monotonic() - started:.1f} s) tried: hostile pages and links per category,")
    print("XSS vectors x 3 feed formats, kills + 1 final crawl; runs: site crawls, exports,")
    print("crawls; finished: runs that ended normally (a killed run: its database intact)")


if __name__ == "__main__":
    main()
