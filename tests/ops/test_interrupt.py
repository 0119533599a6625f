"""Ctrl-C during a crawl: a one-line message, exit status 130, a sound database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.ops.conftest import ROOT, cli, rows, write_config


def _crawl_then_signal(
    demo, tmp_path, sig: int, delay: float = 1.0
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """A crawl of the demo, sent `sig` once it made six requests."""
    config = write_config(demo, tmp_path / "sites.toml", download_delay=delay, concurrency=1)
    db = tmp_path / "news.db"
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "--config", str(config),
               "--db", str(db)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(demo.requests) < 6:
        time.sleep(0.05)
    child.send_signal(sig)
    _, stderr = child.communicate(timeout=60)
    return child, stderr.decode(), db


def test_sigint_mid_crawl_exits_130_with_a_clean_message(demo, tmp_path):
    child, text, db = _crawl_then_signal(demo, tmp_path, signal.SIGINT, delay=0.3)
    assert child.returncode == 130, text
    assert "newsspider: interrupted" in text
    assert "Traceback" not in text
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"


def test_interrupted_runs_say_so_drop_queued_requests_and_keep_sites_healthy(demo, tmp_path):
    child, text, db = _crawl_then_signal(demo, tmp_path, signal.SIGINT)
    assert child.returncode == 130, text
    assert "newsspider: SIGINT: stopping (again to stop at once)" in text
    runs = rows(db, "SELECT status, finish_reason, skipped_reasons FROM crawl_runs")
    assert {r["status"] for r in runs} == {"interrupted"}, runs
    # requests waiting behind the 1 s delay were dropped, not fetched one by one
    assert any("interrupted" in (r["skipped_reasons"] or "") for r in runs), runs
    status = cli("status", "--config", str(tmp_path / "sites.toml"), "--db", str(db))
    assert status.returncode == 0, status.stdout + status.stderr
    assert "UNHEALTHY" not in status.stdout


def test_the_next_run_closes_the_rows_a_killed_run_left_running(demo, tmp_path):
    child, _, db = _crawl_then_signal(demo, tmp_path, signal.SIGKILL)
    assert child.returncode == -signal.SIGKILL
    assert {r["status"] for r in rows(db, "SELECT status FROM crawl_runs")} == {"running"}
    done = cli("crawl", "--config", str(tmp_path / "sites.toml"), "--db", str(db), "-q")
    assert done.returncode == 0, done.stderr
    runs = rows(db, "SELECT status, finish_reason FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted"] * 3 + ["ok"] * 3, runs
    assert {r["finish_reason"] for r in runs[:3]} == {"stale"}


def test_a_run_stopped_before_its_spider_closed_is_recorded_as_interrupted(tmp_path):
    from newsspider.db import Database
    from newsspider.runs import close_unclosed_run
    from newsspider.stats import RUN_ID as RUN_ID_STAT

    db = Database(tmp_path / "news.db")
    run_id = db.start_run("a", "2025-10-27T00:00:00Z")
    db.close()
    close_unclosed_run(str(tmp_path / "news.db"), {RUN_ID_STAT: run_id, "start_time": 1})
    (run,) = rows(tmp_path / "news.db", "SELECT status, finish_reason FROM crawl_runs")
    assert run == {"status": "interrupted", "finish_reason": "killed"}


def test_an_interrupted_run_does_not_take_its_sites_scheduled_turn(tmp_path):
    from datetime import UTC, datetime

    from newsspider.config import parse_config
    from newsspider.crawl import due_sites
    from newsspider.db import Database

    db = Database(tmp_path / "news.db")
    run_id = db.start_run("a", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    db.finish_run(run_id, {"status": "interrupted", "finish_reason": "shutdown"})
    db.close()
    site = {"kind": "portal", "start_urls": ["http://127.0.0.1:9/"], "timezone": "UTC",
            "schedule": "1h"}  # fmt: skip
    config = parse_config({"sites": {"a": site}}, "x.toml")
    due, later = due_sites(
        list(config.sites.values()), str(tmp_path / "news.db"), datetime.now(UTC)
    )
    assert [s.name for s in due] == ["a"] and later == {}


class _Busy(BaseHTTPRequestHandler):
    """A site that answers every request `503, Retry-After: 60`."""

    def do_GET(self) -> None:
        self.send_response(503)
        self.send_header("Retry-After", "60")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_stop_does_not_wait_out_a_retry_after(tmp_path):
    """SIGTERM while retries wait for a busy site's Retry-After: the run stops at once, sends
    no retry, and counts the waiting requests as interrupted."""
    with ThreadingHTTPServer(("127.0.0.1", 0), _Busy) as busy:
        threading.Thread(target=busy.serve_forever, daemon=True).start()
        config = tmp_path / "sites.toml"
        config.write_text(
            f'[crawl]\nallow_addresses = ["127.0.0.1/32"]\n[sites.busy]\nkind = "portal"\n'
            f'start_urls = ["http://127.0.0.1:{busy.server_port}/news"]\ntimezone = "UTC"\n'
            "max_retry_delay = 120\n",
            encoding="utf-8",
        )
        db = tmp_path / "news.db"
        child = subprocess.Popen(
            [sys.executable, "-m", "newsspider.cli", "crawl", "--config", str(config),
             "--db", str(db)],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(4)  # robots.txt and the listing are both waiting to be retried
        stopped = time.monotonic()
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        assert time.monotonic() - stopped < 10, err
        busy.shutdown()
    assert child.returncode == 143, err
    (run,) = rows(db, "SELECT status, requests, skipped_reasons FROM crawl_runs")
    assert run["status"] == "interrupted", run
    assert run["requests"] == 2, run  # no retry sent after the stop
    assert '"interrupted": 2' in run["skipped_reasons"], run
