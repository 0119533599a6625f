"""The one read API: read-only connections and every query of the readers.

`search`, `articles`, `status`, the feed exporter and server, the crawl's
incremental rules, its scheduler and cluster ingest all read through here. A
connection is opened one way (`open_readonly`: an escaped file URI, a busy
timeout, the schema version checked); feeds are sorted by one key
(`newsspider.db.schema.NEWEST_FIRST_KEY`, as `selection.NEWEST_FIRST`).
Importing this module pulls in neither Scrapy nor the numeric stack.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from newsspider.db.fts import BadQueryError, mentions, parse_query, snippet
from newsspider.db.schema import SCHEMA_VERSION, SORT_DATE, qualified
from newsspider.db.selection import NEWEST_FIRST, Selection
from newsspider.errors import DatabaseError, DatabaseNotFoundError, NewsspiderError

BUSY_TIMEOUT_S = 10.0
ARTICLE_COLUMNS = ("site", "news_id", "published", "title", "source", "language", "url")
FEED_COLUMNS = (
    "site", "news_id", "url", "canonical_url", "title", "summary", "body_text", "body_html",
    "source", "published", "language", "authors", "categories", "first_seen", "updated",
    "story_id",
)  # fmt: skip
RECENT_RUNS = 25  # runs per site read for its health verdict
_SORT_DATE = qualified(SORT_DATE, "a")


class QueryError(NewsspiderError):
    """A search or filter the database cannot answer (bad query, bad date)."""

    exit_status = 2


# Connections ------------------------------------------------------------------


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


@contextmanager
def reading(path: str | Path) -> Iterator[sqlite3.Connection]:
    """`open_readonly`, closed on leaving the block."""
    conn = open_readonly(path)
    try:
        yield conn
    finally:
        conn.close()


# Search and articles ----------------------------------------------------------


def fts_query(text: str) -> str:
    """A user's query (FTS5 syntax, see newsspider.db.fts) as the checked, folded MATCH."""
    return parse_query(text).match


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
            clauses.append(f"{_SORT_DATE} >= julianday(?)")
            params.append(iso_bound(self.since, end=False))
        if self.until:
            clauses.append(f"{_SORT_DATE} < julianday(?)")
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
    """Articles matching the query (FTS5 syntax, see newsspider.db.fts), best first (bm25),
    each with a snippet of its stored body (or title) around the first match."""
    try:
        query = parse_query(text)
    except BadQueryError as exc:
        shown = text if len(text) <= 80 else f"{text[:77]}..."  # the error stays one short line
        raise QueryError(f"search {shown!r}: {exc}") from None
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
    columns = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
    sql = f"SELECT {columns} FROM articles AS a {where}{NEWEST_FIRST} LIMIT ?"
    return _rows(conn, sql, [*params, limit])


# Feeds ------------------------------------------------------------------------


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


# Runs and status --------------------------------------------------------------


def stored_sites(conn: sqlite3.Connection) -> set[str]:
    """Every site with a crawl run or an article in the database."""
    return {site for table in ("crawl_runs", "articles") for site in _distinct_sites(conn, table)}


def _distinct_sites(conn: sqlite3.Connection, table: str) -> list[str]:
    """The table's sites, one index look-up per site (`DISTINCT` would read every row)."""
    sql = (
        f"WITH RECURSIVE s(site) AS (SELECT min(site) FROM {table} UNION ALL "
        f"SELECT (SELECT min(site) FROM {table} WHERE site > s.site) FROM s "
        "WHERE s.site IS NOT NULL) SELECT site FROM s WHERE site IS NOT NULL"
    )
    return [row[0] for row in conn.execute(sql)]


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


def last_starts(conn: sqlite3.Connection, sites: list[str]) -> dict[str, datetime]:
    """When each of these sites' latest run started (the scheduler's `due_sites`); an
    interrupted run did not take its turn. A walk down each site's index from its newest run."""
    sql = (
        "SELECT started FROM crawl_runs WHERE site = ? AND status != 'interrupted' "
        "AND started IS NOT NULL ORDER BY started DESC LIMIT 1"
    )
    starts = {}
    for site in sites:
        row = conn.execute(sql, (site,)).fetchone()
        if row:
            starts[site] = datetime.fromisoformat(row[0])
    return starts


def previous_run(
    conn: sqlite3.Connection, site: str, run_id: int | None
) -> tuple[str | None, int] | None:
    """The status and failed requests of the site's run before `run_id` (before any, when None)."""
    row = conn.execute(
        "SELECT status, errors FROM crawl_runs WHERE site = ? AND id < ? ORDER BY id DESC LIMIT 1",
        (site, run_id if run_id is not None else 2**62),
    ).fetchone()
    return (row[0], int(row[1] or 0)) if row else None


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


# Known articles and listings ----------------------------------------------------


def known_articles(conn: sqlite3.Connection, site: str) -> list[tuple[Any, ...]]:
    """The site's articles as a crawl recognises them: news_id, url, canonical_url."""
    sql = "SELECT news_id, url, canonical_url FROM articles WHERE site = ?"
    return conn.execute(sql, (site,)).fetchall()


def recheck_candidates(
    conn: sqlite3.Connection, site: str, last_step: int, now: datetime
) -> list[tuple[Any, ...]]:
    """news_id, url, http_etag, http_last_modified, published, first_seen and last_checked
    of the site's articles that may be due for a re-check: dated (else first fetched) within
    two last steps of `now` (a step is taken at most one last step late), and last checked
    (else first fetched) before their last step. Found through the feed index's date, so a
    long history costs nothing; a superset of what `recheck.is_due` takes (a second's slack;
    an unreadable date is kept), tested there."""
    sql = (
        "SELECT news_id, url, http_etag, http_last_modified, published, first_seen, "
        f"last_checked FROM articles WHERE site = ? AND {SORT_DATE} > julianday(?) - ? "
        "AND url IS NOT NULL AND coalesce(julianday(coalesce(last_checked, first_seen)) < "
        "julianday(coalesce(published, first_seen)) + ?, 1)"
    )
    step_days = (last_step + 1) / 86400
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return conn.execute(sql, (site, stamp, 2 * step_days, step_days)).fetchall()


def listing_states(conn: sqlite3.Connection, site: str) -> list[tuple[Any, ...]]:
    """What each listing first page, feed and sitemap of the site last answered:
    url, etag, last_modified, fingerprint of its article links."""
    return conn.execute(
        "SELECT url, etag, last_modified, fingerprint FROM listing_state WHERE site = ?", (site,)
    ).fetchall()


def stored_keys(conn: sqlite3.Connection, chunk: int) -> Iterator[list[tuple[str, str, str, str]]]:
    """Every article's site, news_id, url and canonical_url, `chunk` rows at a time."""
    rows = conn.execute("SELECT site, news_id, url, canonical_url FROM articles")
    while batch := rows.fetchmany(chunk):
        yield batch


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    try:
        cursor = conn.execute(sql, params)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot query the database: {exc}") from None
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
