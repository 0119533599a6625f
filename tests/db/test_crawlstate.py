"""What the crawl keeps between runs: re-check state, listing state, robots.txt (schema 4)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from urllib.parse import urldefrag

import pytest

from newsspider.config import parse_config
from newsspider.db import SCHEMA_VERSION, Database
from newsspider.db.crawlstate import (
    ListingState,
    cached_robots,
    mark_checked,
    save_listing,
    save_robots,
)
from newsspider.db.read import listing_states
from newsspider.extract.metadata import strip_tracking
from newsspider.incremental import KnownArticles, url_key
from newsspider.recheck import is_due

SEEN = datetime(2025, 10, 27, 5, 0, tzinfo=UTC)
PUBLISHED = "2025-10-27T04:00:00Z"


def _site(**keys):
    table = {"kind": "portal", "start_urls": ["https://a.example/news"], "timezone": "UTC"}
    return parse_config({"sites": {"s1": {**table, **keys}}}, "sites.toml").sites["s1"]


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "news.db")
    for news_id, published in (("1", PUBLISHED), ("2", None), ("3", "2025-09-01T00:00:00Z")):
        record = {"site": "s1", "news_id": news_id, "title": "T", "published": published,
                  "url": f"https://a.example/news/{news_id}", "fetched_at": "x"}  # fmt: skip
        database.upsert_article(record, now=SEEN.strftime("%Y-%m-%dT%H:%M:%SZ"))
    database.commit()
    yield database
    database.close()


def _due(db, now, **keys):
    known = KnownArticles.load(db.path, _site(**keys), now, run_id=None)
    return sorted(t.news_id for t in known.refresh)


def test_each_recheck_step_with_a_fake_clock(db):
    """Article 1 counts from its date, 2 (no date) from first seen, 3 is a backfill."""
    schedule = [
        (SEEN + timedelta(minutes=30), []),
        (SEEN + timedelta(hours=1), ["2"]),  # first seen + 1h (1's 1h step was before 5:00)
        (SEEN + timedelta(hours=6), ["1", "2"]),  # published + 6h = 10:00; 2's 6h step = 11:00
        (SEEN + timedelta(hours=7), []),
        (SEEN + timedelta(days=1), ["1", "2"]),
        (SEEN + timedelta(days=3), ["1", "2"]),
        (SEEN + timedelta(days=30), []),  # every step taken
    ]
    for now, due in schedule:
        assert _due(db, now) == due, now
        mark_checked(db, "s1", due, now)
        db.commit()
    checks = dict(db.conn.execute("SELECT news_id, checks FROM articles").fetchall())
    assert checks == {"1": 3, "2": 4, "3": None}


def test_recheck_off_and_site_schedule(db):
    assert _due(db, SEEN + timedelta(days=1), recheck=[]) == []
    assert _due(db, SEEN + timedelta(minutes=10), recheck=["10m"]) == ["2"]


def test_global_default_schedule_and_site_override():
    raw = {"crawl": {"recheck": ["2h"]}, "sites": {
        "a": {"kind": "portal", "start_urls": ["https://a.example/"], "timezone": "UTC"},
        "b": {"kind": "portal", "start_urls": ["https://b.example/"], "timezone": "UTC",
              "recheck": ["1d", "30m", "1d"]},
    }}  # fmt: skip
    sites = parse_config(raw, "sites.toml").sites
    assert sites["a"].recheck == (7200,)
    assert sites["b"].recheck == (1800, 86400)
    assert _site().recheck == (3600, 21600, 86400, 259200)


def test_listing_state_round_trip(db):
    state = ListingState("https://a.example/news", '"e1"', "Mon, 27 Oct 2025 05:00:00 GMT", "f")
    save_listing(db, "s1", state, SEEN)
    save_listing(db, "s1", ListingState("https://a.example/feed", fingerprint="g"), SEEN)
    db.commit()
    listings = {row[0]: ListingState(*row) for row in listing_states(db.conn, "s1")}
    assert listings[state.url] == state
    assert state.conditional_headers() == {
        "If-None-Match": '"e1"',
        "If-Modified-Since": "Mon, 27 Oct 2025 05:00:00 GMT",
    }
    assert listings["https://a.example/feed"].conditional_headers() == {}
    assert listing_states(db.conn, "other") == []


def test_robots_cache_expires(db):
    origin = "https://a.example"
    save_robots(db, origin, 200, b"User-agent: *\n", SEEN, SEEN + timedelta(days=1))
    db.commit()
    cached = cached_robots(db, origin, SEEN + timedelta(hours=23))
    assert cached is not None and cached.body == b"User-agent: *\n" and cached.status == 200
    assert cached_robots(db, origin, SEEN + timedelta(days=1)) is None
    assert cached_robots(db, "https://b.example", SEEN) is None


def test_version_3_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    for table, column in (("articles", "last_checked"), ("articles", "checks"),
                          ("crawl_runs", "requests_by_purpose")):  # fmt: skip
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("DROP TABLE listing_state")
    conn.execute("DROP TABLE robots_cache")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    for _ in range(2):  # the upgrade, then a plain open
        database = Database(path)
        columns = {row[1] for row in database.conn.execute("PRAGMA table_info(articles)")}
        assert {"last_checked", "checks"} <= columns
        tables = {row[0] for row in database.conn.execute("SELECT name FROM sqlite_master")}
        assert {"listing_state", "robots_cache"} <= tables
        assert database.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        database.close()


def test_the_due_prefilter_of_a_long_history_loses_no_due_article(tmp_path):
    """`recheck_candidates` picks the rows that may be due in SQL; the refresh list must be
    exactly what `is_due` over every row gives, on random dates, nulls and checks."""
    rng = random.Random(7)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    steps = (3600, 6 * 3600, 86400, 3 * 86400)
    database = Database(tmp_path / "news.db")
    rows = []
    for number in range(1500):
        first_seen = now - timedelta(seconds=rng.randrange(0, 20 * 86400))
        published = rng.choice([None, first_seen - timedelta(seconds=rng.randrange(0, 4 * 86400))])
        checked = rng.choice([None, first_seen + timedelta(seconds=rng.randrange(0, 5 * 86400))])
        checked = checked if checked is None or checked <= now else None
        rows.append((str(number), published, first_seen, checked))
    stamp = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None  # noqa: E731
    database.conn.executemany(
        "INSERT INTO articles (site, news_id, url, title, body_text, fetched_at, published, "
        "first_seen, last_checked) VALUES ('s1', ?, 'https://a.example/n', 't', 'b', 'x', ?, ?, ?)",
        [(n, stamp(p), stamp(f), stamp(c)) for n, p, f, c in rows],
    )
    database.commit()
    known = KnownArticles.load(database.path, _site(recheck=["1h", "6h", "1d", "3d"]), now, None)
    expected = sorted(n for n, p, f, c in rows if is_due(p, f, c, now, steps))
    database.close()
    assert sorted(t.news_id for t in known.refresh) == expected
    assert 0 < len(expected) < len(rows)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/news/1",
        "http://a.example",
        "https://A.Example:8443/path;p/x%20y/",
        "https://[::1]/x",
        "https://a.example//double/slash",
        "https://a.example/n?id=3&utm_source=x#top",
        "https://a.example/n#frag",
        "HTTPS://a.example/upper-scheme",
    ],
)
def test_a_url_key_is_the_url_without_tracking_and_fragment(url):
    assert url_key(url) == strip_tracking(urldefrag(url)[0])
