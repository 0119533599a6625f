"""`[health] feed = true`: the health alarms as their own feed, one entry per incident."""

from typing import Any

import feedparser

from feeds import export_feeds
from newsspider.config import parse_config
from newsspider.db import Database
from tests.feeds.conftest import BASE_URL


def _config(feed: bool = True):
    sites = {
        name: {"kind": "portal", "start_urls": [f"https://{name}.example.com/"], "timezone": "UTC"}
        for name in ("up", "down")
    }
    return parse_config(
        {"sites": sites, "feeds": {"base_url": BASE_URL}, "health": {"feed": feed}}, "t.toml"
    )


def _runs(db_path, *runs: tuple[str, str, dict[str, Any]]) -> None:
    db = Database(db_path)
    try:
        for site, started, fields in runs:
            run_id = db.start_run(site, started)
            db.finish_run(run_id, {"finished": started, "finish_reason": "finished", **fields})
    finally:
        db.close()


OK = {"status": "ok", "new": 3, "article_links": 3}
FAILED = {"status": "failed", "new": 0, "article_links": 0}


def test_an_unhealthy_site_is_one_entry_dated_from_its_first_bad_run(tmp_path, atom_checker):
    db = tmp_path / "news.db"
    _runs(
        db,
        ("up", "2025-10-27T00:00:00Z", OK),
        ("down", "2025-10-27T00:00:00Z", OK),
        ("down", "2025-10-27T01:00:00Z", FAILED),
        ("up", "2025-10-27T01:00:00Z", OK),
    )
    export_feeds(db, tmp_path / "out", _config())
    first = (tmp_path / "out" / "alarms.atom.xml").read_bytes()
    assert atom_checker.errors(first) == []
    feed = feedparser.parse(first)
    assert feed.bozo == 0
    (entry,) = feed.entries
    assert entry.title == "down is unhealthy"
    assert "no listing page could be fetched" in entry.summary
    assert entry.published.startswith("2025-10-27T01:00:00")

    _runs(db, ("down", "2025-10-27T02:00:00Z", FAILED))  # still broken: the same incident
    export_feeds(db, tmp_path / "out", _config())
    again = feedparser.parse((tmp_path / "out" / "alarms.atom.xml").read_bytes())
    assert [e.id for e in again.entries] == [entry.id]
    assert again.entries[0].updated.startswith("2025-10-27T02:00:00")


def test_healthy_sites_give_an_empty_alarm_feed_and_no_feed_unless_asked(tmp_path):
    db = tmp_path / "news.db"
    _runs(db, ("up", "2025-10-27T00:00:00Z", OK), ("down", "2025-10-27T00:00:00Z", OK))
    export_feeds(db, tmp_path / "out", _config())
    assert feedparser.parse((tmp_path / "out" / "alarms.rss.xml").read_bytes()).entries == []
    export_feeds(db, tmp_path / "plain", _config(feed=False))
    assert not (tmp_path / "plain" / "alarms.atom.xml").exists()
