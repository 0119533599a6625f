"""End-to-end exports: feeds parse cleanly, ids/dates/order come from the data, files are stable."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import feedparser
import pytest

from feeds import export_feeds
from feeds.errors import DatabaseNotFoundError, FeedNameClashError, OutputDirError
from tests.feeds.conftest import BASE_URL, article, make_config

FEED_FILES = ("a.rss.xml", "a.atom.xml", "b.rss.xml", "b.atom.xml", "all.rss.xml", "all.atom.xml")
OTHER_FILES = ("a.json", "b.json", "all.json", "feeds.opml", "index.html")


def three_articles() -> list:
    return [
        article("a", "100", published="2025-10-27T07:52:21+00:00"),
        article("a", "101", published="2025-10-27T09:00:00+03:30", title="Offset date"),
        (article("b", "7", published=None, title="No published date"), "2025-10-27T06:00:00+00:00"),
    ]


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, (path.name, parsed.get("bozo_exception"))
    return parsed


def test_every_file_parses_with_expected_entries(make_db, tmp_path):
    db = make_db(*three_articles())
    report = export_feeds(db, tmp_path / "out", make_config("a", "b"))
    assert sorted(p.name for p in report.written) == sorted(FEED_FILES + OTHER_FILES)
    assert report.entries == {"a": 2, "b": 1, "all": 3}
    for name in FEED_FILES:
        parse(tmp_path / "out" / name)
    combined = parse(tmp_path / "out" / "all.atom.xml")
    # 100 at 07:52Z, 7 first seen at 06:00Z, 101 at 09:00+03:30 = 05:30Z.
    assert [e.id for e in combined.entries] == [
        "tag:feeds.example.org,2025:a/100",
        "tag:feeds.example.org,2025:b/7",
        "tag:feeds.example.org,2025:a/101",
    ]
    assert [e.title for e in combined.entries] == ["Title 100", "No published date", "Offset date"]
    assert combined.entries[2].published == "2025-10-27T05:30:00+00:00"
    assert combined.feed.updated == "2025-10-27T07:52:21+00:00"


def test_rss_uses_non_permalink_guid_and_data_dates(make_db, tmp_path):
    db = make_db(*three_articles())
    export_feeds(db, tmp_path, make_config("a", "b"))
    rss = parse(tmp_path / "a.rss.xml")
    assert [e.id for e in rss.entries] == [
        "tag:feeds.example.org,2025:a/100",
        "tag:feeds.example.org,2025:a/101",
    ]
    assert all(e.guidislink is False for e in rss.entries)
    assert rss.feed.updated == "Mon, 27 Oct 2025 07:52:21 +0000"
    assert rss.entries[0].published == "Mon, 27 Oct 2025 07:52:21 +0000"
    assert rss.entries[0].link == "https://a.example.com/news/100/"
    assert rss.feed.language == "en"


def test_self_links_are_base_url_plus_file_name(make_db, tmp_path):
    db = make_db(*three_articles())
    export_feeds(db, tmp_path, make_config("a", "b"))
    for name in FEED_FILES:
        links = parse(tmp_path / name).feed.links
        assert {"rel": "self", "href": BASE_URL + name} in [
            {"rel": link.rel, "href": link.href} for link in links
        ]


def test_summary_content_author_and_language(make_db, tmp_path):
    db = make_db(
        article("a", "1", summary=None, body_text="Lead paragraph.\n\nMore.", source=None,
                language="fa"),
        article("a", "2", summary="Given summary", authors=["Jane Roe"]),
    )  # fmt: skip
    export_feeds(db, tmp_path, make_config("a"))
    atom = parse(tmp_path / "a.atom.xml")
    by_id = {e.id.rsplit("/", 1)[1]: e for e in atom.entries}
    assert by_id["1"].summary == "Lead paragraph."
    assert by_id["1"].author == "Site a"
    assert by_id["1"].content[0].type == "text/html"
    assert by_id["1"].content[0].language == "fa"
    assert "<p>First paragraph of 1.</p>" in by_id["1"].content[0].value
    assert by_id["2"].summary == "Given summary"
    assert by_id["2"].author == "Jane Roe"
    rss = parse(tmp_path / "a.rss.xml")
    assert rss.entries[0].author == "Jane Roe"


def test_limit_keeps_the_newest(make_db, tmp_path):
    records = [
        article("a", str(n), published=f"2025-10-{n:02d}T00:00:00+00:00") for n in range(1, 9)
    ]
    db = make_db(*records)
    report = export_feeds(db, tmp_path, make_config("a"), limit=3)
    assert report.entries == {"a": 3, "all": 3}
    ids = [e.id.rsplit("/", 1)[1] for e in parse(tmp_path / "a.atom.xml").entries]
    assert ids == ["8", "7", "6"]
    export_feeds(db, tmp_path, make_config("a", limit=5))
    assert len(parse(tmp_path / "a.rss.xml").entries) == 5


def test_equal_dates_order_numeric_news_ids_by_value(make_db, tmp_path):
    db = make_db(*(article("a", news_id) for news_id in ("9", "10", "100")))
    export_feeds(db, tmp_path, make_config("a"))
    ids = [e.id.rsplit("/", 1)[1] for e in parse(tmp_path / "a.atom.xml").entries]
    assert ids == ["100", "10", "9"]


def test_second_export_without_new_data_changes_nothing(make_db, tmp_path):
    db = make_db(*three_articles())
    out = tmp_path / "out"
    export_feeds(db, out, make_config("a", "b"))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    time.sleep(0.01)
    report = export_feeds(db, out, make_config("a", "b"))
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert after == before
    assert report.written == []
    assert sorted(p.name for p in report.unchanged) == sorted(FEED_FILES + OTHER_FILES)


def test_new_article_rewrites_only_affected_feeds(make_db, tmp_path):
    db = make_db(*three_articles())
    export_feeds(db, tmp_path, make_config("a", "b"))
    make_db(article("b", "8", published="2025-10-28T00:00:00+00:00"))
    report = export_feeds(db, tmp_path, make_config("a", "b"))
    changed = (*FEED_FILES[2:], "b.json", "all.json", "feeds.opml", "index.html")
    assert sorted(p.name for p in report.written) == sorted(changed)
    assert parse(tmp_path / "b.atom.xml").entries[0].id.endswith("b/8")


def test_empty_feed_has_fixed_date(make_db, tmp_path):
    db = make_db(article("a", "1"))
    report = export_feeds(db, tmp_path, make_config("a", "empty"))
    assert report.entries["empty"] == 0
    empty = parse(tmp_path / "empty.atom.xml")
    assert empty.feed.updated == "1970-01-01T00:00:00+00:00"
    assert parse(tmp_path / "empty.rss.xml").entries == []


def test_articles_of_unconfigured_sites_stay_out(make_db, tmp_path):
    db = make_db(article("a", "1"), article("gone", "2"))
    report = export_feeds(db, tmp_path, make_config("a"))
    assert report.entries == {"a": 1, "all": 1}
    assert not (tmp_path / "gone.rss.xml").exists()


def test_missing_database_is_a_named_error(tmp_path):
    with pytest.raises(DatabaseNotFoundError, match="database not found"):
        export_feeds(tmp_path / "nope.db", tmp_path / "out", make_config("a"))


def test_site_named_like_the_combined_feed_is_refused(make_db, tmp_path):
    # The config loader refuses the name; a Config built in code reaches export.
    db = make_db(article("all", "1"))
    config = make_config("a")
    config = dataclasses.replace(config, sites={"all": config.sites["a"]})
    with pytest.raises(FeedNameClashError):
        export_feeds(db, tmp_path, config)


def test_output_dir_under_a_file_is_a_named_error(make_db, tmp_path):
    db = make_db(article("a", "1"))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputDirError, match="cannot create output directory"):
        export_feeds(db, blocker / "out", make_config("a"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_output_dir_is_a_named_error(make_db, tmp_path):
    db = make_db(article("a", "1"))
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(OutputDirError):
            export_feeds(db, out, make_config("a"))
    finally:
        out.chmod(0o700)


def test_a_database_from_a_newer_newsspider_is_refused_by_readers(tmp_path, make_db):
    import sqlite3

    from newsspider.db.read import open_readonly
    from newsspider.db.schema import SCHEMA_VERSION
    from newsspider.errors import DatabaseError

    path = make_db(article("s1", "1"))
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this newsspider"):
        open_readonly(path)


def test_paths_of_the_wrong_kind_are_named_plainly(tmp_path, make_db):
    from feeds.errors import OutputDirError
    from newsspider.errors import DatabaseError

    path = make_db(article("s1", "1"))
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputDirError, match="is a file, not a directory"):
        export_feeds(path, a_file, make_config("s1"))
    with pytest.raises(DatabaseError, match="is a directory, not a database file"):
        export_feeds(tmp_path, tmp_path / "out", make_config("s1"))
