"""What the crawl remembers between runs, besides articles: re-checks, listings, robots.txt.

The crawl reads them before it starts through `newsspider.db.read`; the writes (and the
robots.txt look-up, on the writer's connection during the crawl) go through a `Database`,
inside its transactions, so a killed run loses them with its open batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsspider.db import Database


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class ListingState:
    """The last fetch of one listing page, feed or sitemap."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class CachedRobots:
    status: int
    body: bytes
    expires: datetime


def save_listing(db: Database, site: str, state: ListingState, now: datetime) -> None:
    with db.transaction():
        db.conn.execute(
            "INSERT OR REPLACE INTO listing_state "
            "(site, url, etag, last_modified, fingerprint, fetched) VALUES (?, ?, ?, ?, ?, ?)",
            (site, state.url, state.etag, state.last_modified, state.fingerprint, iso(now)),
        )


def mark_checked(db: Database, site: str, news_ids: list[str], now: datetime) -> None:
    """Record that these articles were re-checked now (one step or more of their schedule)."""
    with db.transaction():
        db.conn.executemany(
            "UPDATE articles SET last_checked = ?, checks = COALESCE(checks, 0) + 1 "
            "WHERE site = ? AND news_id = ?",
            [(iso(now), site, news_id) for news_id in news_ids],
        )


def cached_robots(db: Database, origin: str, now: datetime) -> CachedRobots | None:
    """robots.txt of `origin` (`scheme://host:port`) while its cache entry is fresh."""
    row = db.conn.execute(
        "SELECT status, body, expires FROM robots_cache WHERE origin = ?", (origin,)
    ).fetchone()
    expires = parse_iso(row[2]) if row else None
    if row is None or expires is None or expires <= now:
        return None
    return CachedRobots(int(row[0]), bytes(row[1] or b""), expires)


def save_robots(
    db: Database, origin: str, status: int, body: bytes, now: datetime, expires: datetime
) -> None:
    with db.transaction():
        db.conn.execute(
            "INSERT OR REPLACE INTO robots_cache (origin, status, body, fetched, expires) "
            "VALUES (?, ?, ?, ?, ?)",
            (origin, status, body, iso(now), iso(expires)),
        )
