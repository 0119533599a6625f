"""The feed exporter's read-only SELECT statements (the schema itself belongs to newsspider.db)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from feeds.errors import DatabaseNotFoundError
from feeds.selection import Selection
from newsspider.db.schema import SCHEMA_VERSION
from newsspider.errors import DatabaseError

BUSY_TIMEOUT_S = 10.0
FEED_COLUMNS = (
    "site", "news_id", "url", "canonical_url", "title", "summary", "body_text", "body_html",
    "source", "published", "language", "authors", "categories", "first_seen", "updated",
    "story_id",
)  # fmt: skip


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection that waits for writers instead of failing."""
    db_path = Path(path)
    if db_path.is_dir():
        raise DatabaseError(f"{db_path}: is a directory, not a database file")
    if not db_path.is_file():
        raise DatabaseNotFoundError(f"{db_path}: database not found (run a crawl first)")
    uri = db_path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("SELECT 1 FROM articles LIMIT 0")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise DatabaseError(f"{db_path}: not a readable newsspider database: {exc}") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            f"{db_path}: schema version {version} is newer than this newsspider understands "
            f"({SCHEMA_VERSION}); upgrade newsspider"
        )
    return conn


def newest_articles(conn: sqlite3.Connection, selection: Selection) -> Iterator[dict[str, Any]]:
    """A selection's articles, newest first; read lazily so callers stop when full."""
    sql, params = selection.newest_first_sql(FEED_COLUMNS)
    try:
        for row in conn.execute(sql, params):
            yield dict(zip(FEED_COLUMNS, row, strict=True))
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read articles: {exc}") from None


def story_copies(
    conn: sqlite3.Connection, selection: Selection, story_id: str
) -> list[tuple[str, str, float | None]]:
    """(site, news_id, sort date) of every copy of a story within a selection."""
    sql, params = selection.story_copies_sql()
    try:
        return [tuple(row) for row in conn.execute(sql, [*params, story_id])]
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read story {story_id!r}: {exc}") from None
