"""End to end: newsboat subscribes to feeds served by `newsspider serve` and lists their titles."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from feeds import export_feeds
from newsspider.config import load_config
from tests.feeds.conftest import article
from tests.support.programs import requires_program

pytestmark = requires_program("newsboat")
REPO = Path(__file__).resolve().parents[2]
CONFIG = """
[feeds]
base_url = "http://127.0.0.1:8080/"
title = "Test feeds"

[sites.en]
kind = "portal"
start_urls = ["https://en.example.com/"]
timezone = "UTC"
language = "en"
title = "English site"

[sites.fa]
kind = "portal"
start_urls = ["https://fa.example.com/"]
timezone = "Asia/Tehran"
language = "fa"
title = "خبرگزاری"
"""
TITLES = {
    "en": ["Port strike ends", "Budget passes"],
    "fa": ["بازگشایی بندر پس از اعتصاب", "تصویب بودجه"],
}


@pytest.fixture
def served(make_db, tmp_path):
    """`newsspider serve` on a free port over freshly exported feeds; yields its base URL."""
    records = [
        article(site, str(n), title=title, language=site, published=f"2025-10-0{3 - n}T08:00:00Z")
        for site, titles in TITLES.items()
        for n, title in enumerate(titles, start=1)
    ]
    db = make_db(*records)
    config_path = tmp_path / "news.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    export_feeds(db, tmp_path / "out", load_config(config_path))
    command = [sys.executable, "-m", "newsspider.cli", "serve", "--config", str(config_path),
               "--db", str(db), "--out", str(tmp_path / "out"), "--port", "0", "-q"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert server.stdout is not None
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", server.stdout.readline())
        assert match, "serve did not announce its address"
        yield match[1]
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_newsboat_lists_the_served_titles(served, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # One feed per article: newsboat keys items by guid, and a story keeps its id in every feed.
    urls = home / "urls"
    urls.write_text(f"{served}en.rss.xml\n{served}fa.atom.xml\n", encoding="utf-8")
    config = home / "config"
    config.write_text("download-retries 1\ndownload-timeout 10\n", encoding="utf-8")
    cache = home / "cache.db"
    env = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8", "TERM": "dumb"}
    subprocess.run(
        ["newsboat", "-u", str(urls), "-C", str(config), "-c", str(cache), "-x", "reload"],
        env=env, check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    with sqlite3.connect(cache) as conn:
        rows = conn.execute("SELECT feedurl, title FROM rss_item").fetchall()
        feeds = dict(conn.execute("SELECT rssurl, title FROM rss_feed").fetchall())
    by_feed: dict[str, set[str]] = {}
    for feed_url, title in rows:
        by_feed.setdefault(feed_url.removeprefix(served), set()).add(title)
    assert by_feed["en.rss.xml"] == set(TITLES["en"])
    assert by_feed["fa.atom.xml"] == set(TITLES["fa"])
    assert feeds[f"{served}fa.atom.xml"] == "خبرگزاری"
    assert feeds[f"{served}en.rss.xml"] == "English site"
