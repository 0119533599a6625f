"""One run at a time: a held lock stops a second run at once; a killed holder's lock is taken."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from newsspider.lock import EXIT_LOCKED, RunLock, RunLockedError, lock_path
from tests.ops.conftest import ROOT, cli

HOLD = "import sys, time; from newsspider.lock import RunLock; RunLock(sys.argv[1]).acquire(); " \
    "print('held', flush=True); time.sleep(60)"  # fmt: skip


def _holder(db):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE,
                            text=True, env=env)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_exits_4_at_once_and_touches_nothing(tmp_path):
    db = tmp_path / "news.db"
    with RunLock(db):
        started = time.monotonic()
        done = cli("run", "--db", str(db), "--out", str(tmp_path / "feeds"))
        elapsed = time.monotonic() - started
    assert done.returncode == EXIT_LOCKED
    assert "another newsspider run holds" in done.stderr and f"pid {os.getpid()}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not db.exists() and not (tmp_path / "feeds").exists()
    assert elapsed < 20


def test_lock_of_a_killed_run_is_taken_over(tmp_path):
    db = tmp_path / "news.db"
    holder = _holder(db)
    try:
        with pytest.raises(RunLockedError, match=f"pid {holder.pid}"):
            RunLock(db).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    with RunLock(db) as lock:
        assert lock.previous["pid"] == holder.pid  # stale: its holder is gone
        assert str(os.getpid()) in lock_path(db).read_text()
    assert lock_path(db).read_text() == ""  # released cleanly


def test_crawl_also_takes_the_lock(tmp_path):
    db = tmp_path / "news.db"
    with RunLock(db):
        done = cli("crawl", "--db", str(db))
    assert done.returncode == EXIT_LOCKED and not db.exists()


def test_unknown_site_and_missing_db_directory_are_clean_errors(tmp_path):
    db = tmp_path / "news.db"
    done = cli("crawl", "no_such_site", "--db", str(db))
    assert done.returncode == 2 and "unknown site no_such_site" in done.stderr
    assert not (tmp_path / "news.db.lock").exists()  # nothing made for a command that failed
    missing = cli("crawl", "--db", str(tmp_path / "nowhere" / "news.db"))
    assert missing.returncode == 3
    assert "does its directory exist" in missing.stderr and "Traceback" not in missing.stderr


def test_cycles_without_every_is_a_usage_error(tmp_path):
    done = cli("run", "--cycles", "2", "--db", str(tmp_path / "news.db"))
    assert done.returncode == 2 and "--cycles needs --every" in done.stderr
