import itertools
import json
import sqlite3

import pytest

from newsspider.db import SCHEMA_VERSION, Database, Outcome
from newsspider.errors import DatabaseError
from tests.fixture_paths import SEED_ARTICLE

T0 = "2025-10-27T04:22:21Z"
T1 = "2025-10-28T00:00:00Z"


def _article(**overrides):
    record = {
        "site": "mfa_en",
        "news_id": "253326",
        "url": "https://example.org/en/news/253326",
        "title": "Iran: Unilateral coercive measures hinder cooperation",
        "body_text": "First paragraph of the body.\n\nSecond paragraph of the body, longer.",
        "source": "IRNA",
        "published": "2025-10-27T04:22:21Z",
        "published_raw": "10/27/2025 7:52:21 AM",
        "authors": ["A. Writer"],
        "extracted_by": {"title": "heading"},
        "fetched_at": T0,
    }
    record.update(overrides)
    return record


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "news.db")
    yield database
    database.close()


def _total_changes(db):
    return db.conn.total_changes


def test_insert_then_unchanged_writes_nothing(db):
    assert db.upsert_article(_article(), now=T0) == Outcome.NEW
    before = _total_changes(db)
    assert db.upsert_article(_article(fetched_at=T1), now=T1) == Outcome.UNCHANGED
    assert _total_changes(db) == before
    row = db.get_article("mfa_en", "253326")
    assert row["first_seen"] == T0 and row["updated"] is None
    assert json.loads(row["authors"]) == ["A. Writer"]


def test_changed_article_updates_row_and_keeps_revision(db):
    db.upsert_article(_article(), now=T0)
    assert db.upsert_article(_article(title="Corrected title"), now=T1) == Outcome.UPDATED
    row = db.get_article("mfa_en", "253326")
    assert row["title"] == "Corrected title"
    assert row["updated"] == T1 and row["first_seen"] == T0
    revisions = list(db.db["revisions"].rows)
    assert len(revisions) == 1
    assert revisions[0]["title"].startswith("Iran:")
    assert json.loads(revisions[0]["changed"]) == ["title"]
    assert db.article_count() == 1


def test_collapsed_body_is_kept_as_suspect_revision(db):
    db.upsert_article(_article(body_text="A long body. " * 50), now=T0)
    assert db.upsert_article(_article(body_text="Error"), now=T1) == Outcome.SUSPECT
    assert db.get_article("mfa_en", "253326")["body_text"].startswith("A long body.")
    (revision,) = db.db["revisions"].rows
    assert revision["suspect"] == 1 and revision["body_text"] == "Error"


def test_full_text_index_follows_updates(db):
    db.upsert_article(_article(), now=T0)
    db.upsert_article(_article(news_id="2", title="Cybercrime convention signed"), now=T0)
    search = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
    assert len(db.conn.execute(search, ["cybercrime"]).fetchall()) == 1
    db.upsert_article(_article(news_id="2", title="Weather report"), now=T1)
    assert db.conn.execute(search, ["cybercrime"]).fetchall() == []


def test_wal_mode_schema_version_and_reopen(tmp_path):
    path = tmp_path / "news.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    Database(path).close()  # reopening an existing database is fine


def test_version_3_database_gains_published_local_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles (site, news_id, title) VALUES ('s', '1', 'Kept')")
    conn.execute("ALTER TABLE articles DROP COLUMN published_local")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    for _ in range(2):  # the upgrade is idempotent
        db = Database(path)
        assert db.get_article("s", "1")["published_local"] is None
        assert db.get_article("s", "1")["title"] == "Kept"
        db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    conn.close()


@pytest.mark.parametrize(
    "half_missing",
    [
        # A version 4 written with only the steady state (issue 13) ...
        ["ALTER TABLE articles DROP COLUMN published_local"],
        # ... or with only published_local (issue 15).
        [
            "ALTER TABLE articles DROP COLUMN last_checked",
            "ALTER TABLE articles DROP COLUMN checks",
            "ALTER TABLE crawl_runs DROP COLUMN requests_by_purpose",
            "DROP TABLE listing_state",
            "DROP TABLE robots_cache",
        ],
    ],
    ids=["steady-state-only", "published-local-only"],
)
def test_either_half_of_version_4_gains_the_other(tmp_path, half_missing):
    path = tmp_path / "half.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles (site, news_id, title) VALUES ('s', '1', 'Kept')")
    for statement in half_missing:
        conn.execute(statement)
    conn.commit()
    conn.close()
    db = Database(path)
    article = db.get_article("s", "1")
    assert article["title"] == "Kept"
    assert {"published_local", "last_checked", "checks"} <= set(article)
    runs = {row[1] for row in db.conn.execute("PRAGMA table_info(crawl_runs)")}
    assert "requests_by_purpose" in runs
    tables = {row[0] for row in db.conn.execute("SELECT name FROM sqlite_master")}
    assert {"listing_state", "robots_cache"} <= tables
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    db.close()


def test_newer_schema_and_garbage_files_are_named_errors(tmp_path):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this newsspider"):
        Database(newer)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot open database"):
        Database(garbage)


def test_crawl_run_is_recorded(db):
    run_id = db.start_run("mfa_en", T0)
    db.finish_run(run_id, {"status": "ok", "new": 3, "dropped_reasons": {"no_title": 1}})
    row = db.db["crawl_runs"].get(run_id)
    assert row["status"] == "ok" and row["new"] == 3
    assert json.loads(row["dropped_reasons"]) == {"no_title": 1}


def _seed_body():
    paragraphs = [p for p in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if p.strip()]
    return "\n\n".join(paragraphs[4:-5])


def test_syndicated_copy_on_another_site_shares_story_id(db):
    body = _seed_body()
    db.upsert_article(_article(body_text=body), now=T0)
    edited = "TEHRAN (Agency) -- " + body.replace("Jalalzadeh", "Jalal-zadeh").rsplit("\n\n", 1)[0]
    copy = _article(site="agency", news_id="77", body_text=edited, published=T1)  # later
    db.upsert_article(copy, now=T1)
    other = " ".join(f"word{i} is about the weather in town number {i}." for i in range(60))
    db.upsert_article(_article(site="agency", news_id="78", body_text=other), now=T1)
    story = {r["news_id"]: r["story_id"] for r in db.db.table("articles").rows}
    assert story["77"] == story["253326"] == "mfa_en:253326"
    assert story["78"] == "agency:78"


def test_search_index_unifies_arabic_and_persian_letters(db):
    db.upsert_article(_article(title="گزارش", body_text="اقتصاد كشور در سال جديد"), now=T0)
    query = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert db.conn.execute(query, ["کشور"]).fetchone()[0] == 1
    assert db.get_article("mfa_en", "253326")["body_text"] == "اقتصاد كشور در سال جديد"


def test_templated_articles_on_one_site_stay_separate_stories(db):
    paragraphs = _seed_body().split("\n\n")
    shared = "\n\n".join(paragraphs[:11])  # a template: most of the text, not the story
    ending = " ".join(f"Local detail number {i} differs in every report." for i in range(15))
    full = "\n\n".join(paragraphs)
    db.upsert_article(_article(news_id="1", body_text=f"{shared}\n\n{ending}"), now=T0)
    db.upsert_article(_article(news_id="2", body_text=full), now=T0)
    # Published after both: the copy on another site joins its closest earlier copy.
    copy = _article(site="agency", news_id="3", body_text=f"{shared}\n\n{ending}", published=T1)
    db.upsert_article(copy, now=T0)
    story = {r["news_id"]: r["story_id"] for r in db.db.table("articles").rows}
    assert story["2"] == "mfa_en:2"  # similar (about 0.6) on the same site: another story
    assert story["3"] == "mfa_en:1"  # the same text on another site: the same story


def test_stories_do_not_depend_on_the_order_articles_arrive_in(tmp_path):
    """The same articles stored in every order give the same stories (cluster ingest)."""
    body = _seed_body()
    edited = "TEHRAN (Agency) -- " + body.replace("Jalalzadeh", "Jalal-zadeh").rsplit("\n\n", 1)[0]
    trimmed = body.rsplit("\n\n", 3)[0]
    articles = [
        _article(site="c", news_id="3", body_text=trimmed, published=T1),
        _article(site="b", news_id="2", body_text=edited, published=T1),
        _article(site="a", news_id="1", body_text=body, published="2025-10-28T05:00:00Z"),
        _article(site="d", news_id="4", body_text="Short and unrelated.", published=T0),
    ]
    seen = set()
    for order in itertools.permutations(articles):
        database = Database(tmp_path / f"{len(seen)}-{id(order)}.db")
        for record in order:
            database.upsert_article(record, now=T1)
        seen.add(tuple(sorted((r["news_id"], r["story_id"]) for r in database.db["articles"].rows)))
        database.close()
    assert seen == {(("1", "b:2"), ("2", "b:2"), ("3", "b:2"), ("4", "d:4"))}


def test_one_news_id_reached_by_two_urls_is_one_unchanged_row(db):
    db.upsert_article(_article(), now=T0)
    alias = _article(url="https://example.org/en/news/253326?utm_source=feed", fetched_at=T1)
    assert db.upsert_article(alias, now=T1) == Outcome.UNCHANGED
    assert db.article_count() == 1
    assert db.get_article("mfa_en", "253326")["url"] == "https://example.org/en/news/253326"
    assert list(db.db.table("revisions").rows) == []


def test_search_index_is_rewritten_only_when_an_indexed_column_changes(db):
    db.upsert_article(_article(), now=T0)
    before = _total_changes(db)
    db.conn.execute("UPDATE articles SET last_checked = ?, story_id = 'x'", (T1,))
    assert _total_changes(db) - before == 1  # the row alone: no FTS delete and insert
    db.upsert_article(_article(body_text="Entirely new wording about harvests."), now=T1)
    query = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert db.conn.execute(query, ["harvests"]).fetchone()[0] == 1
    assert db.conn.execute(query, ["paragraph"]).fetchone()[0] == 0


def test_a_version_4_search_trigger_is_narrowed(tmp_path):
    path = tmp_path / "old.db"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER articles_au")
    conn.execute(
        "CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN INSERT INTO articles_fts "
        "(articles_fts, rowid, title, body_text, search_text) VALUES ('delete', old.rowid, "
        "old.title, old.body_text, old.search_text); INSERT INTO articles_fts (rowid, title, "
        "body_text, search_text) VALUES (new.rowid, new.title, new.body_text, new.search_text); END"
    )
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    database = Database(path)
    sql = database.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_au'")
    assert "AFTER UPDATE OF title, body_text, search_text ON" in sql.fetchone()[0]
    database.close()
