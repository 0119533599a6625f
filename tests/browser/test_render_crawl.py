"""The demo's script-built section, crawled end to end with render = "browser"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer
from tests.browser.conftest import needs_chromium

pytestmark = needs_chromium
PER_SECTION = 8
TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    config, db = tmp / "sites.toml", tmp / "news.db"
    with DemoServer(articles_per_section=PER_SECTION, scripted=True) as server:
        config.write_text(demo_config_toml(server.base_url, ("js",), max_pages=5), "utf-8")
        command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q", "--config",
                   str(config), "--db", str(db)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        yield {"done": done, "db": db, "server": server}


def _rows(db, sql):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_every_article_has_every_field(crawled):
    assert crawled["done"].returncode == 0, crawled["done"].stderr
    truth = crawled["server"].truth().sections["js"]
    rows = {r["news_id"]: r for r in _rows(crawled["db"], "SELECT * FROM articles")}
    assert sorted(rows) == sorted(a.news_id for a in truth)
    for expected in truth:
        row = rows[expected.news_id]
        assert row["site"] == "demo_js"
        assert row["url"] == crawled["server"].base_url + expected.url_path
        assert row["title"] == expected.title
        assert row["published_raw"] == expected.published_raw
        published = expected.published.replace(tzinfo=TEHRAN).astimezone(UTC)
        assert row["published"] == published.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["source"] == expected.source
        assert row["body_text"].split("\n\n") == list(expected.paragraphs)
        assert row["language"] == "en"


def test_browser_loaded_scripts_but_no_images(crawled):
    requests = crawled["server"].requests
    assert "/js/static/app.js" in requests
    assert not [path for path in requests if path.endswith(".jpg")]
    assert requests.count("/js/news?page=2") == 1  # the script-built "Next" link was followed


def test_run_is_recorded_as_ok(crawled):
    runs = _rows(crawled["db"], "SELECT * FROM crawl_runs")
    assert [(r["site"], r["status"], r["new"]) for r in runs] == [("demo_js", "ok", PER_SECTION)]


def test_check_site_renders_a_browser_site(tmp_path):
    config = tmp_path / "sites.toml"
    with DemoServer(articles_per_section=PER_SECTION, scripted=True) as server:
        config.write_text(demo_config_toml(server.base_url, ("js",)), "utf-8")
        command = [sys.executable, "-m", "newsspider.cli", "check-site", "demo_js", "--limit",
                   "2", "--config", str(config)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "listing" in done.stdout and ": 6 article links" in done.stdout
    assert "coverage: title 2/2 (100%), date 2/2 (100%), body 2/2 (100%)" in done.stdout


@pytest.mark.parametrize(("path", "proposed"), [("/js/news", True), ("/alpha/news", False)])
def test_discover_proposes_rendering_only_when_text_appears_rendered(path, proposed):
    with DemoServer(articles_per_section=PER_SECTION, scripted=True) as server:
        command = [sys.executable, "-m", "newsspider.cli", "discover", server.base_url + path,
                   "--delay", "0"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("render = ")]
    if proposed:
        assert len(lines) == 1 and "its visible text grows from" in lines[0], done.stdout
    else:
        assert lines == []
