"""Extraction in worker processes gives exactly what inline extraction gives."""

import asyncio
import sqlite3
import subprocess
import sys

from newsspider.config import parse_config
from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer
from newsspider.extract.chain import extract_page
from newsspider.extractpool import Extractor
from tests.fixture_paths import SEED_ARTICLE

SITE = parse_config(
    {"sites": {"s": {"kind": "portal", "start_urls": ["https://e.org/"], "timezone": "UTC"}}},
    "t.toml",
).sites["s"]


def _page():
    lines = [line for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    body = "".join(f"<p>{line}</p>" for line in lines[2:-4])
    return f"<html><body><h1>{lines[2]}</h1><p>{lines[0]}</p><div>{body}</div></body></html>"


def test_worker_process_and_inline_extraction_agree():
    html, url = _page(), "https://e.org/news/253326"
    pooled = Extractor(processes=1)
    try:
        result = asyncio.run(pooled.extract(html, url, SITE))
    finally:
        pooled.release()
    assert result == extract_page(html, url, SITE)
    assert result["news_id"] == "253326" and result["title"].startswith("Iran:")


def test_shared_extractor_lives_until_its_last_user_leaves(monkeypatch):
    monkeypatch.setattr(Extractor, "_shared", None)  # spiders of other tests may hold one
    first = Extractor.shared(0)
    second = Extractor.shared(0)
    assert first is second
    first.release()
    assert Extractor.shared(0) is first  # still in use by the second
    first.release()
    second.release()
    assert Extractor.shared(0) is not first
    Extractor.shared(0).release()


def test_a_crawl_with_an_extraction_process_stores_every_article(tmp_path):
    with DemoServer(articles_per_section=6) as server:
        config = tmp_path / "sites.toml"
        sections = ("alpha", "fa")
        toml = "[crawl]\nextract_processes = 1\n\n" + demo_config_toml(server.base_url, sections)
        config.write_text(toml, encoding="utf-8")
        db = tmp_path / "news.db"
        command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q"]
        done = subprocess.run(
            [*command, "--config", str(config), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        conn = sqlite3.connect(db)
        stored = dict(conn.execute("SELECT news_id, title FROM articles").fetchall())
        conn.close()
        truth = [a for s in sections for a in server.truth().sections[s]]
    assert stored == {a.news_id: a.title for a in truth}
