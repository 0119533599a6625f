"""The newsspider database: connection, batched writes, article upsert, crawl runs.

The schema lives in `newsspider.db.schema`, story identity in `newsspider.db.stories`.

Articles are keyed by ``(site, news_id)``. An upsert compares a content hash so
that re-crawling an unchanged page writes nothing; a changed article keeps its
earlier version in ``revisions``. Every write is one transaction, so a crawl
killed at any moment leaves a consistent database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsspider.db.schema import (
    ARTICLE_COLUMNS,
    CONTENT_FIELDS,
    LIST_FIELDS,
    NEWEST_FIRST_KEY,
    SCHEMA_VERSION,
    create_schema,
    is_complete,
)
from newsspider.errors import DatabaseError
from newsspider.extract.text import search_form
from newsspider.stats import Outcome

BUSY_TIMEOUT_MS = 10_000
logger = logging.getLogger(__name__)
_SHARED: dict[str, Database] = {}
# A body shorter than this fraction of the stored one looks like an error page.
SUSPECT_BODY_RATIO = 0.2


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
        import sqlite_utils  # here: readers of newsspider.db never load it (it loads numpy)

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
        if version == SCHEMA_VERSION and is_complete(self.conn):
            return
        fingerprints = self.db.table("article_fingerprints")
        orphans = fingerprints.exists() and "parent_site" not in fingerprints.columns_dict
        if 0 < version < SCHEMA_VERSION:  # the operator learns why this start takes longer
            logger.info(
                "%s: upgrading the database from schema version %d to %d (once)",
                self.path,
                version,
                SCHEMA_VERSION,
            )
        elif version == SCHEMA_VERSION:  # e.g. indexes a later release of this version adds
            logger.info("%s: completing schema version %d (once)", self.path, version)
        with self.transaction():
            create_schema(self.db)
            if orphans:  # schema 4 -> 5: stories' parents were not stored
                from newsspider.db.stories import backfill_parents

                backfill_parents(self.conn)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # Articles ---------------------------------------------------------------

    def get_article(self, site: str, news_id: str) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            "SELECT * FROM articles WHERE site = ? AND news_id = ?", (site, news_id)
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def upsert_article(self, record: Mapping[str, Any], now: str) -> Outcome:
        """Insert or update one article; return an `Outcome`.

        `record` holds the article fields (lists as Python lists). Unchanged
        content writes nothing; a body that collapsed is kept as a suspect
        revision instead of overwriting a good article.
        """
        row = _to_row(record)
        with self.transaction():
            old = self.get_article(row["site"], row["news_id"])
            if old is None:
                story = self._assign_story(row, is_new=True)
                row.update(first_seen=now, updated=None, story_id=story)
                row["search_text"] = _search_text(row)
                self._insert("articles", row)
                return Outcome.NEW
            if old["content_hash"] == row["content_hash"]:
                return Outcome.UNCHANGED
            if _looks_broken(old, row):
                self._insert_revision(row, old, now, suspect=True)
                return Outcome.SUSPECT
            self._insert_revision(old, row, now, suspect=False)
            row.update(first_seen=old["first_seen"], updated=now, story_id=old["story_id"])
            row["search_text"] = _search_text(row)
            self._update_article(row)
            if any(old[name] != row.get(name) for name in ("body_text", "published")):
                self._assign_story(row, is_new=False)  # writes the story it gives
            return Outcome.UPDATED

    def _assign_story(self, row: Mapping[str, Any], *, is_new: bool) -> str:
        from newsspider.db.stories import assign_story  # MinHash: numpy, for writers only

        body = row.get("body_text") or ""
        return assign_story(
            self.conn, row["site"], row["news_id"], body, row.get("published"), is_new=is_new
        )

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

    def _insert_revision(
        self, kept: Mapping[str, Any], other: Mapping[str, Any], now: str, *, suspect: bool
    ) -> None:
        changed = [f for f in CONTENT_FIELDS if kept.get(f) != other.get(f)]
        revision = {f: kept.get(f) for f in CONTENT_FIELDS}
        revision.update(
            url=kept.get("url"),
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

    def close_stale_runs(self, site: str, reason: str) -> None:
        """Mark the site's runs still `running` (their process died) as interrupted."""
        with self.transaction():
            self.conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finish_reason = ? "
                "WHERE site = ? AND status = 'running'",
                (reason, site),
            )

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
    return row


def _search_text(row: Mapping[str, Any]) -> str | None:
    """The index form of title and body, stored only where it differs from the text itself
    beyond case (Arabic/Persian letter variants, digits): English text needs no copy."""
    text = f"{row.get('title') or ''}\n{row.get('body_text') or ''}"
    indexed = search_form(text)
    return None if indexed == " ".join(text.split()).casefold() else indexed


def _looks_broken(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    old_len = len(old.get("body_text") or "")
    new_len = len(new.get("body_text") or "")
    return old_len > 0 and new_len < old_len * SUSPECT_BODY_RATIO


__all__ = [
    "ARTICLE_COLUMNS",
    "CONTENT_FIELDS",
    "NEWEST_FIRST_KEY",
    "SCHEMA_VERSION",
    "Database",
    "Outcome",
    "content_hash",
]
