"""The one owner of the SQLite schema: tables, columns, indexes, triggers, FTS.

Version history: 1 articles, revisions, crawl_runs, story tables, FTS; 2 feed
indexes, `article_labels`, failure reasons in `crawl_runs`; 3 incremental counts in
`crawl_runs` (`not_modified`, `article_links`) and the views for common questions; 4
`articles.published_local` (the publication time with the page's own offset, issue 15) and
the steady state (issue 13): re-check state of articles (`last_checked`, `checks`), requests
by purpose in `crawl_runs`, and the `listing_state` and `robots_cache` tables; 5 each
fingerprinted article's parent in its story (`article_fingerprints.parent_*`, see
`newsspider.db.stories`).
`create_schema` is idempotent and brings an older database up to date.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils  # the writer's; readers never load it (it loads numpy)

SCHEMA_VERSION = 5
BUSY_TIMEOUT_MS = 10_000

# Fields whose change makes a new revision; the hash covers exactly these.
# Not the fetched `url`: one article reached by two addresses is one unchanged row.
CONTENT_FIELDS = (
    "canonical_url",
    "title",
    "summary",
    "body_text",
    "body_html",
    "source",
    "published",
    "published_raw",
    "language",
    "authors",
    "categories",
    "tags",
    "images",
)
LIST_FIELDS = ("authors", "categories", "tags", "images")
ARTICLE_COLUMNS: dict[str, type] = {
    "site": str,
    "news_id": str,
    "url": str,
    **{name: str for name in CONTENT_FIELDS},
    # Derived from published_raw like `published`, so not a content field of its own.
    "published_local": str,
    "fetched_at": str,
    "first_seen": str,
    "updated": str,
    "story_id": str,
    "content_hash": str,
    "extracted_by": str,
    "http_etag": str,
    "http_last_modified": str,
    "search_text": str,
    "last_checked": str,  # when a re-check last fetched it (NULL: only its first fetch)
    "checks": int,  # re-checks sent (newsspider/recheck.py)
}
REVISION_COLUMNS: dict[str, type] = {
    "id": int,
    "site": str,
    "news_id": str,
    "revised_at": str,
    "changed": str,
    "suspect": int,
    "url": str,
    **{name: str for name in CONTENT_FIELDS},
    "content_hash": str,
}
# An article's closest earlier copy (newsspider/db/stories.py).
PARENT_COLUMNS: dict[str, type] = {"parent_site": str, "parent_news_id": str}
RUN_COLUMNS: dict[str, type] = {
    "id": int,
    "site": str,
    "started": str,
    "finished": str,
    "status": str,
    "finish_reason": str,
    "requests": int,
    "pages": int,
    "new": int,
    "updated": int,
    "unchanged": int,
    "suspect": int,
    "dropped": int,
    "dropped_reasons": str,
    "warnings": str,
    "errors": int,
    "error_reasons": str,
    "skipped_reasons": str,
    "duration_s": float,
    "not_modified": int,  # conditional re-fetches answered 304 (also counted as unchanged)
    "article_links": int,  # article links seen on listings, sitemaps and feeds, known or not
    "requests_by_purpose": str,  # JSON: robots, listing, article, recheck, asset -> requests
}
# Version 4: what the last fetch of a listing page, feed or sitemap said (for conditional
# GETs and the link fingerprint), and robots.txt kept across runs for its max-age.
_STEADY_TABLES = (
    "CREATE TABLE IF NOT EXISTS listing_state (site TEXT NOT NULL, url TEXT NOT NULL, "
    "etag TEXT, last_modified TEXT, fingerprint TEXT, fetched TEXT, PRIMARY KEY (site, url))",
    "CREATE TABLE IF NOT EXISTS robots_cache (origin TEXT PRIMARY KEY, status INTEGER, "
    "body BLOB, fetched TEXT, expires TEXT)",
)
# Feeds list articles newest first by this key; the feed indexes below are built on it, and
# a query uses them only when its ORDER BY spells the key exactly so (see db/selection.py).
SORT_DATE = "COALESCE(julianday(published), julianday(first_seen))"
_TIE_BREAK = "length(news_id) DESC, news_id DESC, site"
NEWEST_FIRST_KEY = f"{SORT_DATE} DESC, {_TIE_BREAK}"
LABEL_NEWEST_FIRST_KEY = f"sort_date DESC, {_TIE_BREAK}"  # article_labels' copy of the date
_KEY_COLUMNS = re.compile(r"\b(published|first_seen|news_id|site|sort_date)\b")


def qualified(key: str, table: str) -> str:
    """A sort key's columns as `table.column` (an alias of articles or article_labels)."""
    return _KEY_COLUMNS.sub(rf"{table}.\1", key)


# Version 2: indexes that let one feed cost its own size, not the database's, and the
# category/tag labels of every article as rows (kept by triggers, so writers need not care).
# A cron run a quarter-hour adds 35,000 runs a year per site, and a busy site as many
# articles: a site's latest runs, its last success and its new articles of the last day
# (`status`, health, the alarm feed, the scheduler) must be index look-ups, never scans.
HISTORY_INDEXES = {
    "crawl_runs_site_id": "CREATE INDEX IF NOT EXISTS crawl_runs_site_id ON crawl_runs (site, id)",
    "crawl_runs_site_ok": "CREATE INDEX IF NOT EXISTS crawl_runs_site_ok "
    "ON crawl_runs (site, status, finished)",
    "articles_site_first_seen": "CREATE INDEX IF NOT EXISTS articles_site_first_seen "
    "ON articles (site, first_seen)",
}
_FEED_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS articles_feed_newest ON articles ({NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_site ON articles (site, {NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_language ON articles (language, {NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_source ON articles (source, {NEWEST_FIRST_KEY})",
    "CREATE TABLE IF NOT EXISTS article_labels (kind TEXT NOT NULL, label TEXT NOT NULL, "
    "site TEXT NOT NULL, news_id TEXT NOT NULL, sort_date REAL, "
    "PRIMARY KEY (kind, label, site, news_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS article_labels_newest ON article_labels (kind, label, "
    f"{LABEL_NEWEST_FIRST_KEY})",
    "CREATE INDEX IF NOT EXISTS article_labels_article ON article_labels (site, news_id)",
)


def _insert_labels(kind: str, column: str, source: str = "") -> str:
    """Labels of the article row `new`, trimmed and lower-cased (feeds match them so), with
    its feed date so a label's feed walks an index; a malformed list column yields none."""
    return (
        "INSERT OR IGNORE INTO article_labels (kind, label, site, news_id, sort_date) "
        f"SELECT '{kind}', lower(trim(value)), new.site, new.news_id, "
        f"{qualified(SORT_DATE, 'new')} FROM {source}"
        f"json_each(CASE WHEN json_valid(new.{column}) THEN new.{column} ELSE '[]' END) "
        "WHERE type = 'text' AND trim(value) != '';"
    )


_LABEL_COLUMNS = (("category", "categories"), ("tag", "tags"))
_INSERT_NEW_LABELS = " ".join(_insert_labels(kind, column) for kind, column in _LABEL_COLUMNS)
_DELETE_OLD_LABELS = "DELETE FROM article_labels WHERE site = old.site AND news_id = old.news_id;"
_LABEL_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS articles_labels_insert AFTER INSERT ON articles "
    f"BEGIN {_INSERT_NEW_LABELS} END",
    "CREATE TRIGGER IF NOT EXISTS articles_labels_update AFTER UPDATE OF categories, tags, "
    f"published, first_seen ON articles BEGIN {_DELETE_OLD_LABELS} {_INSERT_NEW_LABELS} END",
    "CREATE TRIGGER IF NOT EXISTS articles_labels_delete AFTER DELETE ON articles "
    f"BEGIN {_DELETE_OLD_LABELS} END",
)


# The search index is rebuilt for an article only when a column it indexes changes: the
# trigger sqlite-utils writes fires on any update, so a re-check's `last_checked` or a story
# change re-indexed the whole body (version 5 narrows it).
FTS_COLUMNS = ("title", "body_text", "search_text")
_FTS_ROW = ", ".join(f'"{name}"' for name in FTS_COLUMNS)
_FTS_UPDATE_TRIGGER = (
    f"CREATE TRIGGER articles_au AFTER UPDATE OF {', '.join(FTS_COLUMNS)} ON articles BEGIN "
    f"INSERT INTO articles_fts (articles_fts, rowid, {_FTS_ROW}) VALUES ('delete', old.rowid, "
    f"{', '.join(f'old.{name}' for name in FTS_COLUMNS)}); "
    f"INSERT INTO articles_fts (rowid, {_FTS_ROW}) VALUES (new.rowid, "
    f"{', '.join(f'new.{name}' for name in FTS_COLUMNS)}); END"
)


# Version 3: answers to the common questions, for sqlite3, sqlite-utils and Datasette
# (examples in docs/queries.md).
VIEWS = {
    "articles_per_site_day": """
        SELECT site, date(COALESCE(published, first_seen)) AS day, count(*) AS articles
        FROM articles GROUP BY site, day""",
    "latest_per_site": """
        SELECT site, count(*) AS articles, max(published) AS latest_published,
               max(first_seen) AS latest_seen,
               (SELECT title FROM articles AS newest WHERE newest.site = articles.site
                ORDER BY COALESCE(published, first_seen) DESC LIMIT 1) AS latest_title
        FROM articles GROUP BY site""",
    "stories_with_copies": """
        SELECT story_id, count(*) AS copies, count(DISTINCT site) AS sites,
               group_concat(DISTINCT site) AS site_names, min(published) AS first_published,
               (SELECT title FROM articles AS first WHERE first.story_id = articles.story_id
                ORDER BY COALESCE(published, first_seen) LIMIT 1) AS title
        FROM articles GROUP BY story_id HAVING count(*) > 1""",
    "last_run_per_site": """
        SELECT * FROM crawl_runs WHERE id IN (SELECT max(id) FROM crawl_runs GROUP BY site)""",
}


def create_schema(db: sqlite_utils.Database) -> None:
    """Create every table, index and trigger that is missing; idempotent."""
    articles = db.table("articles")
    if not articles.exists():
        db.create_table(
            "articles", ARTICLE_COLUMNS, pk=("site", "news_id"), not_null={"site", "news_id"}
        )
        articles.create_index(["story_id"])
        articles.enable_fts(
            list(FTS_COLUMNS),
            create_triggers=True,
            tokenize="unicode61 remove_diacritics 2",
        )
    _narrow_fts_trigger(db)
    for name, kind in ARTICLE_COLUMNS.items():  # version 3 -> 4: published_local, re-checks
        if name not in articles.columns_dict:
            articles.add_column(name, kind)
    if not db.table("revisions").exists():
        db.create_table("revisions", REVISION_COLUMNS, pk="id")
        db.table("revisions").create_index(["site", "news_id"])
    if not db.table("story_bands").exists():
        db.execute(
            "CREATE TABLE story_bands (band_key TEXT NOT NULL, site TEXT NOT NULL, "
            "news_id TEXT NOT NULL, PRIMARY KEY (band_key, site, news_id)) WITHOUT ROWID"
        )
        db.create_table(
            "article_fingerprints",
            {"site": str, "news_id": str, "fingerprint": bytes},
            pk=("site", "news_id"),
        )
    fingerprints = db.table("article_fingerprints")
    for name, kind in PARENT_COLUMNS.items():  # version 4 -> 5: parents in stories
        if name not in fingerprints.columns_dict:
            fingerprints.add_column(name, kind)
    db.execute(
        "CREATE INDEX IF NOT EXISTS article_fingerprints_parent "
        "ON article_fingerprints (parent_site, parent_news_id)"
    )
    runs = db.table("crawl_runs")
    if not runs.exists():
        db.create_table("crawl_runs", RUN_COLUMNS, pk="id")
        runs.create_index(["site", "started"])
    for name, kind in RUN_COLUMNS.items():  # version 1 -> 2: failure reasons by kind
        if name not in runs.columns_dict:
            runs.add_column(name, kind)
    for statement in HISTORY_INDEXES.values():
        db.execute(statement)
    _create_feed_schema(db)
    for statement in _STEADY_TABLES:
        db.execute(statement)
    for name, sql in VIEWS.items():
        db.execute(f"CREATE VIEW IF NOT EXISTS {name} AS {sql.strip()}")


def _narrow_fts_trigger(db: sqlite_utils.Database) -> None:
    if _fts_trigger_is_broad(db.conn):
        db.execute("DROP TRIGGER articles_au")
        db.execute(_FTS_UPDATE_TRIGGER)


def is_complete(conn: sqlite3.Connection) -> bool:
    """Whether every column, steady-state table and history index of this version is there.
    Version 4 was first written in two halves (published_local; the steady state), so a
    database stamped 4 by either half lacks the other's; a database written by an earlier
    release of version 5 lacks the history indexes. `create_schema` adds what is missing."""

    def names(kind: str) -> set[str]:
        return {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,))
        }

    tables, indexes = names("table"), names("index")

    def columns(table: str) -> set[str]:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}

    return (
        {"listing_state", "robots_cache"} <= tables
        and set(ARTICLE_COLUMNS) <= columns("articles")
        and set(RUN_COLUMNS) <= columns("crawl_runs")
        and set(PARENT_COLUMNS) <= columns("article_fingerprints")
        and not _fts_trigger_is_broad(conn)
        and set(HISTORY_INDEXES) <= indexes
    )


def _fts_trigger_is_broad(conn: sqlite3.Connection) -> bool:
    """Whether the search index's update trigger fires on any update (as sqlite-utils
    writes it, and as before version 5) rather than on its columns'."""
    found = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_au'").fetchone()
    return bool(found) and " UPDATE OF " not in found[0]


def _create_feed_schema(db: sqlite_utils.Database) -> None:
    """Feed indexes and labels; idempotent, and labels the articles of a version-1 db."""
    labels_existed = db.table("article_labels").exists()
    for statement in (*_FEED_INDEXES, *_LABEL_TRIGGERS):
        db.execute(statement)
    if not labels_existed:
        for kind, column in _LABEL_COLUMNS:
            db.execute(_insert_labels(kind, column, source="articles AS new, "))
