"""The database under pressure: readers during a crawl, and crawls killed at any moment."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsspider.db.read import open_readonly
from tests.hostile.scenarios import ROOT
from tests.support.hostile_server import HostileServer, article_page, html, listing_page

ARTICLES = 60


@pytest.fixture(scope="module")
def bulk_site() -> Iterator[HostileServer]:
    with HostileServer() as server:
        links = [f"/bulk/news/{n}" for n in range(1, ARTICLES + 1)]
        server.routes["/bulk/"] = lambda sv, hit: html(listing_page(links))
        for n in range(1, ARTICLES + 1):
            page = article_page(str(n), f"Bulk article number {n} today", [
                f"Paragraph one of bulk article {n}, long enough to be a body of text.",
                f"Paragraph two of bulk article {n}, with more words about the news.",
            ])  # fmt: skip
            server.routes[f"/bulk/news/{n}"] = lambda sv, hit, page=page: html(page)
        yield server


def _config(server: HostileServer, directory: Path) -> Path:
    site = {
        "kind": "portal", "start_urls": [f"{server.base_url}/bulk/"], "timezone": "UTC",
        "article_url_pattern": "/news/\\d+", "id_pattern": "/news/(?P<id>\\d+)",
        "obey_robots": False, "download_delay": 0, "concurrency": 8, "timeout": 5,
    }  # fmt: skip
    lines = ["[crawl]", 'allow_addresses = ["127.0.0.1/32"]', "[sites.bulk]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in site.items()]
    path = directory / "bulk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_crawl(config: Path, db: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q", "--config", str(config),
               "--db", str(db)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip


def _read_loop(db: Path, stop: threading.Event, errors: list[str], counts: list[int]) -> None:
    while not db.exists() and not stop.is_set():
        time.sleep(0.01)
    while not stop.is_set():
        try:
            conn = open_readonly(db)
            try:
                counts.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
                conn.execute(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'bulk' LIMIT 5"
                ).fetchall()
            finally:
                conn.close()
        except Exception as exc:  # every failure is the finding
            if "no such table" not in str(exc):  # the schema is still being created
                errors.append(f"{type(exc).__name__}: {exc}")


def test_readers_never_see_locked_and_never_block_the_crawl(bulk_site, tmp_path):
    db = tmp_path / "news.db"
    stop, errors, counts = threading.Event(), [], []
    readers = [threading.Thread(target=_read_loop, args=(db, stop, errors, counts))
               for _ in range(2)]  # fmt: skip
    for reader in readers:
        reader.start()
    try:
        crawl = _start_crawl(_config(bulk_site, tmp_path), db)
        _, stderr = crawl.communicate(timeout=60)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert crawl.returncode == 0, stderr[-2000:]
    assert errors == []
    assert len(counts) > 10 and max(counts) == ARTICLES
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == ARTICLES
    conn.close()


def test_a_crawl_killed_at_any_moment_leaves_a_sound_database(bulk_site, tmp_path):
    db = tmp_path / "news.db"
    config = _config(bulk_site, tmp_path)
    for delay in (0.9, 1.6, 2.3):
        crawl = _start_crawl(config, db)
        time.sleep(delay)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate()
        if db.exists():
            conn = sqlite3.connect(db)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
    crawl = _start_crawl(config, db)
    _, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == 0, stderr[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == ARTICLES
    conn.close()
