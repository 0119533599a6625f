"""The real `newsspider run`, in a subprocess, against the demo portals on 127.0.0.1.

One module-scoped server and database: the runs build on each other (first
crawl, unchanged re-crawl, crawl of the site's second edition), each on a fake
clock (tests/support/clock.py) and a re-check schedule that makes every article
due at the second and the third run.
"""

import hashlib
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer

SECTIONS = ("alpha", "beta", "gamma", "fa")
PER_SECTION = 10
TEHRAN = ZoneInfo("Asia/Tehran")
FIRST_RUN = datetime(2025, 10, 27, 5, 0, tzinfo=UTC)  # after the newest demo article
RECHECK = '\n[crawl]\nrecheck = ["30d", "60d"]\n'


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    with DemoServer(articles_per_section=PER_SECTION) as server:
        config = tmp / "sites.toml"
        text = demo_config_toml(server.base_url, sections=SECTIONS) + RECHECK
        config.write_text(text, encoding="utf-8")
        yield {"server": server, "config": config, "db": tmp / "news.db", "out": tmp / "feeds"}


def _run(world, *extra, days=0):
    moment = (FIRST_RUN + timedelta(days=days)).isoformat()
    command = [sys.executable, "-m", "tests.support.clock", moment, "run", "-q"]
    command += [
        "--config",
        str(world["config"]),
        "--db",
        str(world["db"]),
        "--out",
        str(world["out"]),
    ]
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, timeout=180, check=False
    )


def _rows(world, sql, params=()):
    conn = sqlite3.connect(world["db"])
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _utc(truth):
    return truth.published.replace(tzinfo=TEHRAN).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _snapshot(out: Path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_first_run_stores_every_article_as_published(world):
    done = _run(world)
    assert done.returncode == 0, done.stderr
    truth = world["server"].truth(1)
    for section in SECTIONS:
        for expected in truth.sections[section]:
            rows = _rows(
                world,
                "SELECT * FROM articles WHERE site = ? AND news_id = ?",
                (f"demo_{section}", expected.news_id),
            )
            assert len(rows) == 1, (section, expected.news_id)
            row = rows[0]
            assert row["title"] == expected.title
            assert row["published"] == _utc(expected)
            assert row["published_raw"] == expected.published_raw
            assert row["source"] == expected.source
            assert row["body_text"].split("\n\n") == list(expected.paragraphs)
            assert row["language"] == ("fa" if section == "fa" else "en")
    assert len(_rows(world, "SELECT site FROM articles")) == len(SECTIONS) * PER_SECTION
    runs = _rows(world, "SELECT * FROM crawl_runs")
    assert {r["site"] for r in runs} == {f"demo_{s}" for s in SECTIONS}
    assert all(r["status"] == "ok" and r["new"] == PER_SECTION and r["finished"] for r in runs)


def test_feeds_list_articles_newest_first(world):
    truth = world["server"].truth(1)
    for section in SECTIONS:
        for suffix in ("rss.xml", "atom.xml"):
            feed = feedparser.parse((world["out"] / f"demo_{section}.{suffix}").read_bytes())
            assert feed.bozo == 0
            expected = sorted(truth.sections[section], key=lambda a: a.published, reverse=True)
            assert [e.title for e in feed.entries] == [a.title for a in expected]
    combined = feedparser.parse((world["out"] / "all.atom.xml").read_bytes())
    assert len(combined.entries) >= PER_SECTION
    json_feed = json.loads((world["out"] / "demo_fa.json").read_text(encoding="utf-8"))
    assert len(json_feed["items"]) == PER_SECTION


def test_second_run_duplicates_nothing_and_changes_no_feed(world):
    before = _snapshot(world["out"])
    done = _run(world, days=31)  # every article's 30-day re-check is due
    assert done.returncode == 0, done.stderr
    assert len(_rows(world, "SELECT site FROM articles")) == len(SECTIONS) * PER_SECTION
    assert _rows(world, "SELECT * FROM revisions") == []
    latest = _rows(world, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", (len(SECTIONS),))
    assert all(r["new"] == 0 and r["unchanged"] == PER_SECTION for r in latest)
    assert _snapshot(world["out"]) == before


def test_changed_site_updates_rows_keeps_revisions_and_good_articles(world):
    server = world["server"]
    server.set_edition(2)
    done = _run(world, days=61)  # every article's 60-day re-check is due
    assert done.returncode == 0, done.stderr
    second = server.truth(2)
    for path in second.changed_paths:
        expected = second.by_path()[path]
        site = f"demo_{expected.section}"
        (row,) = _rows(
            world, "SELECT * FROM articles WHERE site = ? AND news_id = ?", (site, expected.news_id)
        )
        assert row["title"] == expected.title
        assert row["body_text"].split("\n\n") == list(expected.paragraphs)
        assert row["updated"] is not None
        revisions = _rows(
            world,
            "SELECT * FROM revisions WHERE site = ? AND news_id = ?",
            (site, expected.news_id),
        )
        assert len(revisions) == 1 and json.loads(revisions[0]["changed"])
    for path in second.new_paths:
        expected = second.by_path()[path]
        assert _rows(world, "SELECT 1 FROM articles WHERE news_id = ?", (expected.news_id,))
    for path in second.error_paths:  # an error page served with 200 never replaces the article
        expected = server.truth(1).by_path()[path]
        (row,) = _rows(
            world, "SELECT body_text FROM articles WHERE news_id = ?", (expected.news_id,)
        )
        assert row["body_text"].split("\n\n") == list(expected.paragraphs)
    feed = feedparser.parse((world["out"] / "demo_alpha.atom.xml").read_bytes())
    assert feed.entries[0].title == second.sections["alpha"][0].title


def test_unknown_site_and_bad_config_exit_2_without_traceback(world, tmp_path):
    done = _run(world, "no_such_site")
    assert done.returncode == 2
    assert "unknown site no_such_site" in done.stderr and "Traceback" not in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[sites.x]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/"]\n', "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newsspider.cli", "crawl", "--config", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"newsspider: error: {bad}: [sites.x] timezone: is required"


def test_unreachable_site_fails_the_run(tmp_path):
    config = tmp_path / "down.toml"
    config.write_text(
        '[sites.down]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/news"]\n'
        'timezone = "UTC"\ntimeout = 2\nallow_addresses = ["127.0.0.1/32"]\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q", "--config", str(config)]
    command += ["--db", str(tmp_path / "d.db")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "site(s) failed: down" in done.stderr
