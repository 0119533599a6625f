"""Reads of a site's crawl runs: right on a long history, and index look-ups, never scans."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsspider.db import SCHEMA_VERSION, Database, read
from newsspider.db.schema import HISTORY_INDEXES

SITES = ("alpha", "beta")


def _run(site: str, started: str, status: str = "ok") -> tuple:
    return (site, started, started.replace(":00Z", ":30Z"), status, 3, 1)


@pytest.fixture
def history(tmp_path):
    """A database with a history of runs: each site's latest is interrupted, its latest
    success is the one before it, and `gamma` has an article but no run."""
    path = tmp_path / "news.db"
    Database(path).close()
    runs = [_run(site, f"2026-11-{day:02d}T10:00:00Z") for day in range(1, 29) for site in SITES]
    runs += [_run(site, "2026-11-29T10:00:00Z", "failed") for site in SITES]
    runs += [_run(site, "2026-11-30T10:00:00Z", "interrupted") for site in SITES]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO crawl_runs (site, started, finished, status, requests, new) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            runs,
        )
        conn.execute(
            "INSERT INTO articles (site, news_id, url, title, body_text, fetched_at) "
            "VALUES ('gamma', '1', 'http://g.test/1', 't', 'b', '2026-11-30T10:00:00Z')"
        )
    return path


def test_runs_read_right_on_a_long_history(history):
    with read.reading(history) as conn:
        assert read.stored_sites(conn) == {"alpha", "beta", "gamma"}
        recent = read.recent_runs(conn, "alpha")
        assert [r["status"] for r in recent[:3]] == ["interrupted", "failed", "ok"]
        assert recent[0]["id"] > recent[1]["id"] > recent[2]["id"]
        assert read.last_success(conn, "alpha") == "2026-11-28T10:00:30Z"
        starts = read.last_starts(conn, ["alpha", "gamma"])  # interrupted runs take no turn
        assert starts == {"alpha": datetime(2026, 11, 29, 10, tzinfo=UTC)}
        assert read.previous_run(conn, "beta", recent[0]["id"] + 1) == ("failed", 0)
        assert read.previous_run(conn, "beta", None) == ("interrupted", 0)


def _long_history(path: Path, days: int) -> Path:
    """`days` daily runs and articles per site, the newest a day ago."""
    Database(path).close()
    now = datetime.now(UTC)
    stamps = [(now - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in range(1, days)]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO crawl_runs (site, started, finished, status, requests, new) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [_run(site, stamp) for stamp in reversed(stamps) for site in SITES],
        )
        conn.executemany(
            "INSERT INTO articles (site, news_id, url, title, body_text, fetched_at, first_seen) "
            "VALUES (?, ?, 'http://a.test/', 't', 'b', ?, ?)",
            [(site, str(n), stamp, stamp) for n, stamp in enumerate(stamps) for site in SITES],
        )
    return path


READS = {
    "stored_sites": lambda conn: read.stored_sites(conn),
    "recent_runs": lambda conn: read.recent_runs(conn, "alpha"),
    "last_success": lambda conn: read.last_success(conn, "alpha"),
    "last_starts": lambda conn: read.last_starts(conn, list(SITES)),
    "previous_run": lambda conn: read.previous_run(conn, "alpha", None),
    "new_since": lambda conn: read.new_since(conn, "alpha", datetime.now(UTC) - timedelta(days=3)),
    "recheck_candidates": lambda conn: read.recheck_candidates(
        conn, "alpha", 3 * 86400, datetime.now(UTC)
    ),
}


@pytest.mark.parametrize("name", READS)
def test_reading_a_long_history_costs_what_a_short_one_does(tmp_path, name):
    """A cron run a quarter-hour writes 35,000 runs a year per site, and a busy site as many
    articles: `status`, health, the alarm feed and the scheduler must not read them all.
    Counted in SQLite's own steps, so the figure does not depend on the machine."""
    steps = [_steps(_long_history(tmp_path / f"{days}.db", days), name) for days in (60, 960)]
    assert steps[1] <= 2 * steps[0] + 10, f"{name}: {steps[0]} steps, then {steps[1]}"


def _steps(path: Path, name: str) -> int:
    """SQLite's virtual-machine steps (in tens) that one read takes."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    with read.reading(path) as conn:
        conn.set_progress_handler(tick, 10)
        READS[name](conn)
    return count


def test_a_database_without_the_history_indexes_gets_them_from_the_next_writer(history, caplog):
    with sqlite3.connect(history) as conn:
        for name in HISTORY_INDEXES:
            conn.execute(f"DROP INDEX {name}")
    with caplog.at_level(logging.INFO, logger="newsspider.db"):
        Database(history).close()
        Database(history).close()
    said = [r.getMessage() for r in caplog.records if "schema" in r.getMessage()]
    assert said == [f"{history}: completing schema version {SCHEMA_VERSION} (once)"]
    with sqlite3.connect(history) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert set(HISTORY_INDEXES) <= names
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_the_documented_history_trim_keeps_a_year(tmp_path):
    """docs/operations.md, "A long history": its sqlite3 command, run as shown."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text("utf-8")
    section = doc.split("### A long history", 1)[1]
    (command,) = re.findall(r'^sqlite3 news\.db "(.*)"$', section.split("```sh", 1)[1], re.M)
    path = tmp_path / "news.db"
    Database(path).close()
    now = datetime.now(UTC)
    stamps = [(now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ") for days in (800, 1)]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO crawl_runs (site, started) VALUES ('a', ?)", [(s,) for s in stamps]
        )
        conn.execute(command)
        assert [r[0] for r in conn.execute("SELECT started FROM crawl_runs")] == stamps[1:]
