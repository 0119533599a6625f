"""The one owner of the SQLite schema and of every statement that writes to it.

Articles are keyed by ``(site, news_id)``. An upsert compares a content hash so
that re-crawling an unchanged page writes nothing; a changed article keeps its
earlier version in ``revisions``. Every write is one transaction, so a crawl
killed at any moment leaves a consistent database.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from newsspider.errors import DatabaseError
from newsspider.extract.similarity import (
    SIMILARITY_THRESHOLD,
    Fingerprint,
    band_keys,
    fingerprint,
    similarity,
)
from newsspider.extract.text import search_form

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000

# Fields whose change makes a new revision; the hash covers exactly these.
CONTENT_FIELDS = (
    "url",
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
    **{name: str for name in CONTENT_FIELDS},
    "fetched_at": str,
    "first_seen": str,
    "updated": str,
    "story_id": str,
    "content_hash": str,
    "extracted_by": str,
    "http_etag": str,
    "http_last_modified": str,
    "search_text": str,
}
REVISION_COLUMNS: dict[str, type] = {
    "id": int,
    "site": str,
    "news_id": str,
    "revised_at": str,
    "changed": str,
    "suspect": int,
    **{name: str for name in CONTENT_FIELDS},
    "content_hash": str,
}
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
}
_SHARED: dict[str, Database] = {}
# Feeds list articles newest first by this key; the feed indexes below are built on it, and
# a query uses them only when its ORDER BY spells the key exactly so (see feeds/query.py).
NEWEST_FIRST_KEY = (
    "COALESCE(julianday(published), julianday(first_seen)) DESC, "
    "length(news_id) DESC, news_id DESC, site"
)
# Version 2: indexes that let one feed cost its own size, not the database's, and the
# category/tag labels of every article as rows (kept by triggers, so writers need not care).
_FEED_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS articles_feed_newest ON articles ({NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_site ON articles (site, {NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_language ON articles (language, {NEWEST_FIRST_KEY})",
    f"CREATE INDEX IF NOT EXISTS articles_feed_source ON articles (source, {NEWEST_FIRST_KEY})",
    "CREATE TABLE IF NOT EXISTS article_labels (kind TEXT NOT NULL, label TEXT NOT NULL, "
    "site TEXT NOT NULL, news_id TEXT NOT NULL, sort_date REAL, "
    "PRIMARY KEY (kind, label, site, news_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS article_labels_newest ON article_labels (kind, label, "
    "sort_date DESC, length(news_id) DESC, news_id DESC, site)",
    "CREATE INDEX IF NOT EXISTS article_labels_article ON article_labels (site, news_id)",
)


def _insert_labels(kind: str, column: str, source: str = "") -> str:
    """Labels of the article row `new`, trimmed and lower-cased (feeds match them so), with
    its feed date so a label's feed walks an index; a malformed list column yields none."""
    return (
        "INSERT OR IGNORE INTO article_labels (kind, label, site, news_id, sort_date) "
        f"SELECT '{kind}', lower(trim(value)), new.site, new.news_id, "
        f"COALESCE(julianday(new.published), julianday(new.first_seen)) FROM {source}"
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
# How many articles sharing LSH bands are compared in full for a new article.
_MAX_STORY_CANDIDATES = 20
# A body shorter than this fraction of the stored one looks like an error page.
SUSPECT_BODY_RATIO = 0.2


class Outcome:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SUSPECT = "suspect"


def content_hash(record: Mapping[str, Any]) -> str:
    payload = json.dumps(
        [record.get(f) for f in CONTENT_FIELDS], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Database:
    """A newsspider database: open (creating the schema if needed), upsert, log runs."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._batch: tuple[int, float] | None = None  # (max items, max seconds) when batching
        self._pending = 0
        self._batch_started = 0.0
        self._users = 0
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"{self.path}: cannot open database: {exc}") from None

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.commit()
        self.db.close()

    @classmethod
    def shared(cls, path: str | Path) -> Database:
        """One connection per database file and process, for the sites crawled together.

        SQLite has one writer at a time: crawlers in one reactor thread must share
        a connection, or one would wait forever on another's open batch.
        """
        key = str(Path(path).resolve())
        database = _SHARED.get(key) or _SHARED.setdefault(key, cls(path))
        database._users += 1
        return database

    def release(self) -> None:
        """Give back a `shared` connection; the last user commits and closes it."""
        self._users -= 1
        if self._users <= 0:
            _SHARED.pop(str(Path(self.path).resolve()), None)
            self.close()

    def batch_writes(self, max_items: int, max_seconds: float) -> None:
        """Group writes into transactions of up to `max_items` items or `max_seconds`.

        Each item still succeeds or fails whole (a savepoint); a crash loses at
        most the open batch, never half an article.
        """
        self._batch = (max_items, max_seconds)

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._pending = 0

    def commit_if_due(self) -> None:
        if (
            self._batch
            and self._pending
            and time.monotonic() - self._batch_started >= self._batch[1]
        ):
            self.commit()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._batch is None:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        self.conn.execute("SAVEPOINT item")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO item")
            self.conn.execute("RELEASE item")
            raise
        self.conn.execute("RELEASE item")
        self._pending += 1
        if self._pending >= self._batch[0]:
            self.commit()
        else:
            self.commit_if_due()

    def _ensure_schema(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: schema version {version} is newer than this newsspider "
                f"understands ({SCHEMA_VERSION}); upgrade newsspider"
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            self._create_schema()
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _create_schema(self) -> None:
        articles = self.db.table("articles")
        if not articles.exists():
            self.db.create_table(
                "articles", ARTICLE_COLUMNS, pk=("site", "news_id"), not_null={"site", "news_id"}
            )
            articles.create_index(["site", "published"])
            articles.create_index(["published"])
            articles.create_index(["story_id"])
            articles.enable_fts(
                ["title", "body_text", "search_text"],
                create_triggers=True,
                tokenize="unicode61 remove_diacritics 2",
            )
        if not self.db.table("revisions").exists():
            self.db.create_table("revisions", REVISION_COLUMNS, pk="id")
            self.db.table("revisions").create_index(["site", "news_id"])
        if not self.db.table("story_bands").exists():
            self.db.create_table(
                "story_bands",
                {"band_key": str, "site": str, "news_id": str},
                pk=("band_key", "site", "news_id"),
            )
            self.db.table("story_bands").create_index(["site", "news_id"])
            self.db.create_table(
                "article_fingerprints",
                {"site": str, "news_id": str, "fingerprint": bytes},
                pk=("site", "news_id"),
            )
        runs = self.db.table("crawl_runs")
        if not runs.exists():
            self.db.create_table("crawl_runs", RUN_COLUMNS, pk="id")
            runs.create_index(["site", "started"])
        for name, kind in RUN_COLUMNS.items():  # version 1 -> 2: failure reasons by kind
            if name not in runs.columns_dict:
                runs.add_column(name, kind)
        self._create_feed_schema()

    def _create_feed_schema(self) -> None:
        """Feed indexes and labels; idempotent, and labels the articles of a version-1 db."""
        labels_existed = self.db.table("article_labels").exists()
        for statement in (*_FEED_INDEXES, *_LABEL_TRIGGERS):
            self.db.execute(statement)
        if not labels_existed:
            for kind, column in _LABEL_COLUMNS:
                self.db.execute(_insert_labels(kind, column, source="articles AS new, "))

    # Articles ---------------------------------------------------------------

    def get_article(self, site: str, news_id: str) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            "SELECT * FROM articles WHERE site = ? AND news_id = ?", (site, news_id)
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def upsert_article(self, record: Mapping[str, Any], now: str) -> str:
        """Insert or update one article; return an `Outcome`.

        `record` holds the article fields (lists as Python lists). Unchanged
        content writes nothing; a body that collapsed is kept as a suspect
        revision instead of overwriting a good article.
        """
        row = _to_row(record)
        with self.transaction():
            old = self.get_article(row["site"], row["news_id"])
            if old is None:
                signature = fingerprint(row.get("body_text") or "")
                story = self._matching_story(signature) if signature else None
                row.update(first_seen=now, updated=None, story_id=story or _story_key(row))
                self._insert("articles", row)
                self._store_fingerprint(row, signature)
                return Outcome.NEW
            if old["content_hash"] == row["content_hash"]:
                return Outcome.UNCHANGED
            if _looks_broken(old, row):
                self._insert_revision(row, old, now, suspect=True)
                return Outcome.SUSPECT
            self._insert_revision(old, row, now, suspect=False)
            row.update(first_seen=old["first_seen"], updated=now, story_id=old["story_id"])
            self._update_article(row)
            if old["body_text"] != row.get("body_text"):
                self._store_fingerprint(row, fingerprint(row.get("body_text") or ""))
            return Outcome.UPDATED

    def _insert(self, table: str, row: Mapping[str, Any]) -> None:
        """Plain INSERT: the per-item hot path skips sqlite-utils' table introspection."""
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" * len(row))
        self.conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))

    def _update_article(self, row: Mapping[str, Any]) -> None:
        values = {k: v for k, v in row.items() if k not in ("site", "news_id")}
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        self.conn.execute(
            f"UPDATE articles SET {assignments} WHERE site = ? AND news_id = ?",
            [*values.values(), row["site"], row["news_id"]],
        )

    def _matching_story(self, signature: Fingerprint) -> str | None:
        """The story of the most similar stored article sharing an LSH band, if similar enough."""
        keys = band_keys(signature)
        placeholders = ",".join("?" * len(keys))
        candidates = self.conn.execute(
            f"SELECT f.fingerprint, a.story_id FROM story_bands b "
            f"JOIN article_fingerprints f ON f.site = b.site AND f.news_id = b.news_id "
            f"JOIN articles a ON a.site = b.site AND a.news_id = b.news_id "
            f"WHERE b.band_key IN ({placeholders}) "
            f"GROUP BY b.site, b.news_id ORDER BY count(*) DESC LIMIT {_MAX_STORY_CANDIDATES}",
            keys,
        ).fetchall()
        best_story, best_score = None, SIMILARITY_THRESHOLD
        for blob, story_id in candidates:
            score = similarity(signature, Fingerprint.from_bytes(blob))
            if score >= best_score:
                best_story, best_score = story_id, score
        return best_story

    def _store_fingerprint(self, row: Mapping[str, Any], signature: Fingerprint | None) -> None:
        key = (row["site"], row["news_id"])
        self.conn.execute("DELETE FROM story_bands WHERE site = ? AND news_id = ?", key)
        self.conn.execute("DELETE FROM article_fingerprints WHERE site = ? AND news_id = ?", key)
        if signature is None:
            return
        self.conn.executemany(
            "INSERT INTO story_bands (band_key, site, news_id) VALUES (?, ?, ?)",
            [(band, *key) for band in band_keys(signature)],
        )
        self.conn.execute(
            "INSERT INTO article_fingerprints (site, news_id, fingerprint) VALUES (?, ?, ?)",
            (*key, signature.to_bytes()),
        )

    def _insert_revision(
        self, kept: Mapping[str, Any], other: Mapping[str, Any], now: str, *, suspect: bool
    ) -> None:
        changed = [f for f in CONTENT_FIELDS if kept.get(f) != other.get(f)]
        revision = {f: kept.get(f) for f in CONTENT_FIELDS}
        revision.update(
            site=kept["site"],
            news_id=kept["news_id"],
            revised_at=now,
            changed=json.dumps(changed),
            suspect=int(suspect),
            content_hash=kept["content_hash"],
        )
        self._insert("revisions", revision)

    def article_count(self, site: str | None = None) -> int:
        if site is None:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        sql = "SELECT count(*) FROM articles WHERE site = ?"
        return int(self.conn.execute(sql, (site,)).fetchone()[0])

    # Crawl runs -------------------------------------------------------------

    def start_run(self, site: str, started: str) -> int:
        with self.transaction():
            table = self.db.table("crawl_runs").insert(
                {"site": site, "started": started, "status": "running"}
            )
            return int(table.last_pk or 0)

    def finish_run(self, run_id: int, fields: Mapping[str, Any]) -> None:
        values = {
            k: json.dumps(v, sort_keys=True) if isinstance(v, dict) else v
            for k, v in fields.items()
        }
        with self.transaction():
            self.db.table("crawl_runs").update(run_id, values)


def _to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = {k: record.get(k) for k in ARTICLE_COLUMNS if k in record}
    for name in LIST_FIELDS:
        row[name] = json.dumps(list(record.get(name) or []), ensure_ascii=False)
    if isinstance(record.get("extracted_by"), dict):
        row["extracted_by"] = json.dumps(record["extracted_by"], sort_keys=True)
    row["content_hash"] = content_hash(row)
    row["search_text"] = search_form(f"{row.get('title') or ''}\n{row.get('body_text') or ''}")
    return row


def _story_key(row: Mapping[str, Any]) -> str:
    return f"{row['site']}:{row['news_id']}"


def _looks_broken(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    old_len = len(old.get("body_text") or "")
    new_len = len(new.get("body_text") or "")
    return old_len > 0 and new_len < old_len * SUSPECT_BODY_RATIO
