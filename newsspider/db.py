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
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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

    # Articles ---------------------------------------------------------------

    def get_article(self, site: str, news_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT * FROM articles WHERE site = ? AND news_id = ?", (site, news_id)
        ).fetchone()
        if row is None:
            return None
        names = [d[0] for d in self.conn.execute("SELECT * FROM articles LIMIT 0").description]
        return dict(zip(names, row, strict=True))

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
                self.db.table("articles").insert(row)
                self._store_fingerprint(row, signature)
                return Outcome.NEW
            if old["content_hash"] == row["content_hash"]:
                return Outcome.UNCHANGED
            if _looks_broken(old, row):
                self._insert_revision(row, old, now, suspect=True)
                return Outcome.SUSPECT
            self._insert_revision(old, row, now, suspect=False)
            row.update(first_seen=old["first_seen"], updated=now, story_id=old["story_id"])
            self.db.table("articles").update((row["site"], row["news_id"]), row)
            if old["body_text"] != row.get("body_text"):
                self._store_fingerprint(row, fingerprint(row.get("body_text") or ""))
            return Outcome.UPDATED

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
        self.db.table("revisions").insert(revision)

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
