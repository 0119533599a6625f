"""Ctrl-C during a crawl: a one-line message, exit status 130, a sound database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.ops.conftest import ROOT, rows, write_config


def test_sigint_mid_crawl_exits_130_with_a_clean_message(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml", download_delay=0.3, concurrency=1)
    db = tmp_path / "news.db"
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "--config", str(config),
               "--db", str(db)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(demo.requests) < 6:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    text = stderr.decode()
    assert child.returncode == 130, text
    assert "newsspider: interrupted" in text
    assert "Traceback" not in text
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
