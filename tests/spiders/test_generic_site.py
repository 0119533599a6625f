"""End to end: the WordPress-like fixture site crawled from its TOML definitions alone."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fixture_site import WPSITE, FixtureSite

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((WPSITE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Crawl both definitions once with the real command; return (rows by site, server)."""
    workdir = tmp_path_factory.mktemp("wpcrawl")
    with FixtureSite() as site:
        config = workdir / "sites.toml"
        config.write_text(site.render("sites.toml"), encoding="utf-8")
        db = workdir / "news.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q"]
        result = subprocess.run(
            [*command, "--config", str(config), "--db", str(db)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        connection = sqlite3.connect(db)
        connection.row_factory = sqlite3.Row
        rows = [dict(row) for row in connection.execute("SELECT * FROM articles")]
        connection.close()
        yield {name: [r for r in rows if r["site"] == name] for name in ("wp", "wp_ids")}, site


def _by_path(rows, base):
    return {row["canonical_url"].removeprefix(base): row for row in rows}


def test_every_post_stored_exactly_once_whatever_the_way_it_was_found(crawled):
    rows, site = crawled
    stored = _by_path(rows["wp"], site.base)
    assert len(rows["wp"]) == len(EXPECTED)
    assert sorted(stored) == sorted(post["path"] for post in EXPECTED)
    assert len({row["news_id"] for row in rows["wp"]}) == len(EXPECTED)


def test_fields_match_the_posts(crawled):
    rows, site = crawled
    stored = _by_path(rows["wp"], site.base)
    for post in EXPECTED:
        row = stored[post["path"]]
        assert row["title"] == post["title"]
        assert row["published"] == post["published"], post["path"]
        assert json.loads(row["authors"]) == post["authors"]
        assert row["language"] == "en"  # the page declares en-US; its primary code is kept
        assert len(row["body_text"].split()) > 100
        assert "Leave a Reply" not in row["body_text"]


def test_extracted_by_names_each_step(crawled):
    rows, site = crawled
    stored = _by_path(rows["wp"], site.base)
    steps = {path: json.loads(row["extracted_by"]) for path, row in stored.items()}
    assert steps["/2025/10/20/bakery-prices-rise-again/"]["published_raw"] == "jsonld"
    assert steps["/2025/10/25/library-extends-opening-hours/"]["published_raw"] == "opengraph"
    # The post without a date on its page is dated by the Google News sitemap.
    assert steps["/2025/10/26/storm-warning-issued-for-coast/"]["published_raw"] == (
        "sitemap-or-feed"
    )
    assert {s["news_id"] for s in steps.values()} == {"url-hash"}


def test_feed_only_posts_and_truncated_items_lead_to_full_pages(crawled):
    rows, site = crawled
    stored = _by_path(rows["wp"], site.base)
    feed_only = [p for p in EXPECTED if p["found_in"] == ["feed"]]
    assert feed_only
    for post in feed_only:
        assert "[…]" not in stored[post["path"]]["body_text"]
        assert stored[post["path"]]["body_text"].count("\n\n") >= 3


def test_each_page_fetched_once_and_pagination_followed(crawled):
    _, site = crawled
    posts = [path.split("?")[0] for path in site.requests if path.startswith("/2025/")]
    assert sorted(posts) == sorted(set(posts))
    assert "/category/world/page/2/" in site.requests
    assert not any("/comments/feed" in path or "/wp-json/" in path for path in site.requests)


def test_id_pattern_gives_the_post_number(crawled):
    rows, _ = crawled
    assert sorted(int(row["news_id"]) for row in rows["wp_ids"]) == sorted(
        post["id"] for post in EXPECTED
    )
    assert {json.loads(row["extracted_by"])["news_id"] for row in rows["wp_ids"]} == {"url"}
