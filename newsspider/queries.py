"""Read queries behind `search`, `articles` and `status`: plain SQL over a read-only connection."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from feeds.fts import BadQueryError, mentions, parse_query, snippet
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
    """Articles matching the query (FTS5 syntax, see feeds.fts), best first (bm25), each
    with a snippet of its stored body (or title) around the first match."""
    try:
        query = parse_query(text)
    except BadQueryError as exc:
        raise QueryError(f"search {text!r}: {exc}") from None
    clauses, params = filters.where()
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    sql = (
        f"SELECT {columns}, a.body_text, round(bm25(articles_fts), 3) AS rank "
        "FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid "
        f"WHERE articles_fts MATCH ? {''.join(' AND ' + c for c in clauses)} "
        "ORDER BY bm25(articles_fts) LIMIT ?"
    )
    rows = _rows(conn, sql, [query.match, *params, limit])
    for row in rows:
        body = row.pop("body_text") or ""
        source = body if mentions(body, query.terms) or not row["title"] else row["title"]
        row["snippet"] = snippet(source, query.terms, highlight)
        row["rank"] = row.pop("rank")  # last, as before
    return rows


def newest(conn: sqlite3.Connection, filters: Filters, limit: int) -> list[dict[str, Any]]:
    """Articles newest first, in the feeds' order."""
    clauses, params = filters.where()
    where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
    order = _KEY_COLUMNS.sub(r"a.\1", NEWEST_FIRST_KEY)
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    sql = f"SELECT {columns} FROM articles AS a {where}ORDER BY {order} LIMIT ?"
    return _rows(conn, sql, [*params, limit])


def stored_sites(conn: sqlite3.Connection) -> set[str]:
    """Every site with a crawl run or an article in the database."""
    sql = "SELECT site FROM crawl_runs UNION SELECT DISTINCT site FROM articles"
    return {row["site"] for row in _rows(conn, sql, [])}


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


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    try:
        cursor = conn.execute(sql, params)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot query the database: {exc}") from None
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
