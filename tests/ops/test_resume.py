"""A run killed with SIGKILL mid-crawl leaves a sound database; the next run finishes the work."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsspider.demo.server import DemoServer
from tests.ops.conftest import PER_SECTION, ROOT, SECTIONS, rows, write_config


@pytest.fixture(params=[True, False], ids=["etag", "no-validators"])
def demo(request):
    """With and without validators: neither a 304 nor an unchanged link fingerprint
    may make the resumed run skip what the killed one left undone."""
    with DemoServer(articles_per_section=PER_SECTION, validators=request.param) as server:
        yield server


def test_killed_run_resumes_without_duplicates(demo, tmp_path):
    # Slow enough (one request at a time, 0.3 s apart) to be killed mid-crawl.
    config = write_config(demo, tmp_path / "sites.toml", download_delay=0.3, concurrency=1)
    db = tmp_path / "news.db"
    command = [sys.executable, "-m", "newsspider.cli", "run", "-q", "--config", str(config),
               "--db", str(db), "--out", str(tmp_path / "feeds")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    truth = {p for p, a in demo.truth().by_path().items() if a.section in SECTIONS}
    # Kill mid-crawl, once a first batch is committed (batches commit every 2 s).
    while time.monotonic() < deadline and not (
        sum(p in truth for p in demo.requests) >= 18 and _committed(db) > 0
    ):
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    stored = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert 0 < stored < len(SECTIONS) * PER_SECTION  # killed in the middle, a batch committed
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    assert rows(db, "SELECT count(*) AS n FROM crawl_runs WHERE status = 'running'")[0]["n"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    found = rows(db, "SELECT site, news_id, count(*) AS n FROM articles GROUP BY site, news_id")
    expected = {(f"demo_{a.section}", a.news_id) for a in demo.truth().articles()
                if a.section in SECTIONS}  # fmt: skip
    assert {(r["site"], r["news_id"]) for r in found} == expected
    assert {r["n"] for r in found} == {1}
    fetched_twice = [p for p in truth if demo.requests.count(p) > 2]
    assert fetched_twice == []  # at most once per run: the resumed run did not start over blindly


def _committed(db) -> int:
    """Articles a reader sees now (0 while the database or its tables do not exist yet)."""
    if not db.exists():
        return 0
    try:
        return int(rows(db, "SELECT count(*) AS n FROM articles")[0]["n"])
    except sqlite3.Error:
        return 0
