"""Read queries behind `search`, `articles` and `status`: plain SQL over a read-only connection."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from feeds.selection import BadQueryError, fts_query
from newsspider.db.schema import NEWEST_FIRST_KEY
from newsspider.errors import NewsspiderError

ARTICLE_COLUMNS = ("site", "news_id", "published", "title", "source", "language", "url")
_SORT_DATE = "COALESCE(a.published, a.first_seen)"
_KEY_COLUMNS = re.compile(r"\b(published|first_seen|news_id|site)\b")
RECENT_RUNS = 25  # runs per site read for its health verdict


class QueryError(NewsspiderError):
    """A search or filter the database cannot answer (bad query, bad date)."""

    exit_status = 2


@dataclass(frozen=True)
class Filters:
    sites: tuple[str, ...] = ()
    since: str | None = None  # ISO date or date-time, inclusive
    until: str | None = None  # ISO date or date-time; a bare date includes that whole day
    language: str | None = None
    source: str | None = None

    def where(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.sites:
            clauses.append(f"a.site IN ({', '.join('?' * len(self.sites))})")
            params += self.sites
        if self.since:
            clauses.append(f"{_SORT_DATE} >= ?")
            params.append(iso_bound(self.since, end=False))
        if self.until:
            clauses.append(f"{_SORT_DATE} < ?")
            params.append(iso_bound(self.until, end=True))
        for column, value in (("language", self.language), ("source", self.source)):
            if value:
                clauses.append(f"a.{column} = ? COLLATE NOCASE")
                params.append(value)
        return clauses, params


def iso_bound(text: str, *, end: bool) -> str:
    """`2025-10-27` or `2025-10-27T08:00` as the stored form; an end date takes its whole day."""
    try:
        moment = datetime.fromisoformat(text.strip().removesuffix("Z"))
    except ValueError:
        raise QueryError(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    if end and len(text.strip()) == 10:
        moment += timedelta(days=1)
    elif end:
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def search(
    conn: sqlite3.Connection,
    text: str,
    filters: Filters,
    limit: int,
    highlight: tuple[str, str] = ("[", "]"),
) -> list[dict[str, Any]]:
    """Articles matching every word of `text`, best first (bm25), with a highlighted snippet."""
    try:
        # The words as the index spells them, matched in any column so the snippet can come
        # from the title or body as written (`search_text` is the casefolded copy).
        match = fts_query(text).removeprefix("search_text : ")
    except BadQueryError as exc:
        raise QueryError(f"search {text!r}: {exc}") from None
    clauses, params = filters.where()
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    sql = (
        f"SELECT {columns}, snippet(articles_fts, -1, ?, ?, '…', 16) AS snippet, "
        "round(bm25(articles_fts), 3) AS rank "
        "FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid "
        f"WHERE articles_fts MATCH ? {''.join(' AND ' + c for c in clauses)} "
        "ORDER BY bm25(articles_fts) LIMIT ?"
    )
    return _rows(conn, sql, [*highlight, match, *params, limit])


def newest(conn: sqlite3.Connection, filters: Filters, limit: int) -> list[dict[str, Any]]:
    """Articles newest first, in the feeds' order."""
    clauses, params = filters.where()
    where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
    order = _KEY_COLUMNS.sub(r"a.\1", NEWEST_FIRST_KEY)
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    sql = f"SELECT {columns} FROM articles AS a {where}ORDER BY {order} LIMIT ?"
    return _rows(conn, sql, [*params, limit])


def recent_runs(conn: sqlite3.Connection, site: str) -> list[dict[str, Any]]:
    sql = "SELECT * FROM crawl_runs WHERE site = ? ORDER BY id DESC LIMIT ?"
    return _rows(conn, sql, [site, RECENT_RUNS])


def last_success(conn: sqlite3.Connection, site: str) -> str | None:
    sql = "SELECT max(finished) FROM crawl_runs WHERE site = ? AND status = 'ok'"
    row = conn.execute(sql, (site,)).fetchone()
    return row[0] if row else None


def new_since(conn: sqlite3.Connection, site: str, moment: datetime) -> int:
    sql = "SELECT count(*) FROM articles WHERE site = ? AND first_seen >= ?"
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return int(conn.execute(sql, (site, stamp)).fetchone()[0])


def run_costs(conn: sqlite3.Connection, site: str, moment: datetime) -> dict[str, Any]:
    """Requests (in total and by purpose) and new articles of the runs started since `moment`."""
    sql = (
        "SELECT requests, new, requests_by_purpose FROM crawl_runs WHERE site = ? AND started >= ?"
    )
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    requests = new = 0
    purposes: dict[str, int] = {}
    for total, fresh, by_purpose in conn.execute(sql, (site, stamp)):
        requests += int(total or 0)
        new += int(fresh or 0)
        for purpose, count in _json_counts(by_purpose).items():
            purposes[purpose] = purposes.get(purpose, 0) + count
    return {"requests": requests, "new": new, "by_purpose": dict(sorted(purposes.items()))}


def _json_counts(text: str | None) -> dict[str, int]:
    try:
        loaded = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    try:
        cursor = conn.execute(sql, params)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot query the database: {exc}") from None
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
