"""enqueue, two workers and ingest as real subprocesses against the demo portals.

Every article must be stored exactly once and fetched exactly once per round, with
both workers crawling, with a worker SIGKILLed mid-crawl, and with a second round
that must skip every stored article.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from newsspider.demo import DemoServer, demo_config_toml
from tests.cluster.conftest import RedisProcess
from tests.support.programs import requires_redis

pytestmark = requires_redis

PER_SECTION = 70
SECTIONS = ("alpha", "beta", "gamma")


@pytest.fixture(scope="module")
def demo():
    with DemoServer(articles_per_section=PER_SECTION) as server:
        yield server


def _config(
    tmp_path: Path, demo: DemoServer, redis_server: RedisProcess, prefix: str, delay: float = 0
) -> Path:
    config = tmp_path / "sites.toml"
    cluster = f'[cluster]\nredis_url = "{redis_server.url}"\nkey_prefix = "{prefix}"\n'
    cluster += "lease_timeout = 3\ningest_batch = 50\n"
    sites = demo_config_toml(demo.base_url, sections=SECTIONS, max_pages=50)
    sites = sites.replace("download_delay = 0\n", f"download_delay = {delay}\n")
    config.write_text(sites + cluster, encoding="utf-8")
    return config


def _cli(config: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsspider.cli", *args, "--config", str(config), "--db", str(db)]


def _start(config: Path, db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _cli(config, db, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _enqueue(config: Path, db: Path) -> str:
    done = subprocess.run(_cli(config, db, "enqueue"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _worker(config: Path, db: Path) -> subprocess.Popen[str]:
    return _start(config, db, "worker", "--exit-when-idle", "--concurrency", "4")


def _finish(process: subprocess.Popen[str], timeout: float = 90) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    return out


def _article_requests(demo: DemoServer) -> list[str]:
    articles = demo.truth().by_path()
    return [p for p in demo.requests if p in articles]


def _stored(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT site, news_id FROM articles").fetchall()


def _expected(demo: DemoServer) -> int:
    return sum(1 for a in demo.truth().articles() if a.section in SECTIONS)


def test_two_workers_store_every_article_once_skip_them_next_round_and_recheck_due_ones(
    tmp_path, demo, redis_server
):
    # A small delay spreads the crawl over seconds, so both workers surely take part.
    config, db = _config(tmp_path, demo, redis_server, "run1", delay=0.05), tmp_path / "news.db"
    demo.clear_requests()
    assert "start requests queued" in _enqueue(config, db)
    workers = [_worker(config, db), _worker(config, db)]
    ingest = _start(config, db, "ingest", "--exit-when-idle", "--out", str(tmp_path / "feeds"))
    reports = [_finish(w) for w in workers]
    assert f"new {3 * PER_SECTION}" in _finish(ingest)

    stored = _stored(db)
    assert len(stored) == len(set(stored)) == _expected(demo) == 3 * PER_SECTION
    fetched = _article_requests(demo)
    assert len(fetched) == len(set(fetched)) == 3 * PER_SECTION, "an article fetched twice"
    for report in reports:  # both workers took part
        assert sum(int(line.split()[2]) for line in report.splitlines()[1:]) > 0, report
    assert (tmp_path / "feeds" / "all.atom.xml").exists()
    with sqlite3.connect(db) as conn:  # one crawl_runs row per site round, as `run` writes
        runs = conn.execute(
            "SELECT site, status, finish_reason, new, requests, pages, errors, duration_s "
            "FROM crawl_runs ORDER BY site"
        ).fetchall()
    assert [r[:4] for r in runs] == [(f"demo_{s}", "ok", "finished", PER_SECTION) for s in SECTIONS]
    assert all(r[4] >= r[5] > PER_SECTION and r[6] == 0 and r[7] > 0 for r in runs), runs
    client = redis.Redis(port=redis_server.port)
    assert client.llen("run1:items") == client.llen("run1:items:processing") == 0
    assert all(client.zcard(f"run1:demo_{s}:leases") == 0 for s in SECTIONS)

    # Second round: the listings are read again, no stored article is fetched again.
    demo.clear_requests()
    _enqueue(config, db)
    _finish(_worker(config, db))
    assert demo.requests and not _article_requests(demo)
    ingest = _start(config, db, "ingest", "--exit-when-idle", "--out", str(tmp_path / "feeds"))
    assert "ingest: no articles" in _finish(ingest)

    # Third round: an article whose re-check is due (its 1h step passed) is fetched again,
    # conditionally, and marked checked, as `run` would.
    path, site = _make_one_article_due(db)
    demo.clear_requests()
    assert "1 re-checks" in _enqueue(config, db)
    _finish(_worker(config, db))
    assert _article_requests(demo) == [path]
    _finish(_start(config, db, "ingest", "--exit-when-idle", "--out", str(tmp_path / "feeds")))
    with sqlite3.connect(db) as conn:
        checks = conn.execute("SELECT sum(checks) FROM articles").fetchone()[0]
        run = conn.execute(
            "SELECT unchanged, requests_by_purpose FROM crawl_runs WHERE site = ? "
            "ORDER BY id DESC LIMIT 1",
            (site,),
        ).fetchone()
    assert checks == 1
    assert run[0] == 1 and json.loads(run[1]).get("recheck") == 1, run  # answered 304


def _make_one_article_due(db: Path) -> tuple[str, str]:
    """Date one stored article two hours ago, first seen just after: its 1h step is due."""
    now = datetime.now(UTC)
    stamp = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    with sqlite3.connect(db) as conn:
        site, news_id, url = conn.execute(
            "SELECT site, news_id, url FROM articles LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE articles SET published = ?, first_seen = ?, last_checked = NULL "
            "WHERE site = ? AND news_id = ?",
            (stamp(now - timedelta(hours=2)), stamp(now - timedelta(minutes=115)), site, news_id),
        )
    return urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""), site


def test_a_worker_killed_mid_crawl_loses_nothing_and_doubles_nothing(tmp_path, demo, redis_server):
    # A delay keeps requests waiting for the shared rate limit while leased: at the kill the
    # victim surely holds leases (an instant local server would leave it holding none).
    config, db = _config(tmp_path, demo, redis_server, "run2", delay=0.05), tmp_path / "news.db"
    demo.clear_requests()
    _enqueue(config, db)
    # The victim crawls alone, so at the kill its in-flight requests are surely leased to it.
    victim = _worker(config, db)
    deadline = time.monotonic() + 60
    while len(_article_requests(demo)) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.kill()  # SIGKILL: its leased requests are re-queued once their lease expires
    victim.communicate()
    survivor = _worker(config, db)
    report = _finish(survivor)
    reclaimed = sum(int(line.split()[4]) for line in report.splitlines()[1:])
    assert reclaimed > 0, f"the killed worker held no lease: {report}"
    ingest = _start(config, db, "ingest", "--exit-when-idle", "--out", str(tmp_path / "feeds"))
    assert f"new {3 * PER_SECTION}" in _finish(ingest)
    stored = _stored(db)
    assert len(stored) == len(set(stored)) == 3 * PER_SECTION
