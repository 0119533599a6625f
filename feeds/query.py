"""The feed exporter's read-only SELECT statements (the schema itself belongs to newsspider.db)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from feeds.errors import DatabaseNotFoundError
from newsspider.errors import DatabaseError

BUSY_TIMEOUT_S = 10.0
FEED_COLUMNS = (
    "site", "news_id", "url", "canonical_url", "title", "summary", "body_text", "body_html",
    "source", "published", "language", "authors", "categories", "first_seen", "updated",
)  # fmt: skip
# julianday() normalizes offsets and yields NULL for text that is not a date, so a
# malformed `published` falls back to `first_seen` instead of sorting as a string.
# Numeric news IDs of equal date sort by value (longer is larger), then text.
_NEWEST_FIRST = (
    "ORDER BY COALESCE(julianday(published), julianday(first_seen)) DESC, "
    "length(news_id) DESC, news_id DESC, site"
)


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection that waits for writers instead of failing."""
    db_path = Path(path)
    if not db_path.is_file():
        raise DatabaseNotFoundError(f"{db_path}: database not found (run a crawl first)")
    uri = db_path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("SELECT 1 FROM articles LIMIT 0")
    except sqlite3.Error as exc:
        raise DatabaseError(f"{db_path}: not a readable newsspider database: {exc}") from None
    return conn


def newest_articles(conn: sqlite3.Connection, sites: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Articles of the given sites, newest first; read lazily so callers stop when full."""
    if not sites:
        return
    marks = ", ".join("?" for _ in sites)
    sql = f"SELECT {', '.join(FEED_COLUMNS)} FROM articles WHERE site IN ({marks}) {_NEWEST_FIRST}"
    try:
        for row in conn.execute(sql, tuple(sites)):
            yield dict(zip(FEED_COLUMNS, row, strict=True))
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read articles: {exc}") from None
