"""Story identity: near-duplicate articles across sites share one `story_id`.

Each article's MinHash fingerprint and LSH band keys are stored. Two articles are
*copies* when they share a band key and their similarity reaches the threshold (far
higher within one site, where templated articles share much text).

Stories are a function of the stored articles, never of the order they arrived in
(a cluster's ingest stores them in any order): articles are taken in canonical order
(earliest published first, then site, then news ID); each joins the story of its closest
copy among the articles before it (ties: the earlier one), or starts its own story, whose
id is its own `site:news_id`. Storing an article recomputes the stories it touches.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from newsspider.extract.similarity import (
    BANDS,
    NUM_PERM,
    ROWS,
    SIMILARITY_THRESHOLD,
    Fingerprint,
    band_keys,
    fingerprint,
    fingerprint_matrix,
)

# A guard against pathological sites: at most this many articles sharing band keys with
# a new one are compared with it (the most similar first, then in canonical order).
MAX_STORY_CANDIDATES = 500
# Within one site, templated articles (weather warnings, price reports) share much of
# their text without being one story: a copy on the same site must be far closer.
SAME_SITE_THRESHOLD = 0.8
# Members compared with all earlier ones at once: bounds the comparison array to this many
# times the members times NUM_PERM booleans.
_ROWS_AT_ONCE = 32


@dataclass(frozen=True)
class _Member:
    site: str
    news_id: str
    published: str | None
    print: bytes | None  # the stored form of its fingerprint (`Fingerprint.to_bytes`)

    @property
    def key(self) -> str:
        return f"{self.site}:{self.news_id}"

    @property
    def order(self) -> tuple[bool, str, str, str]:
        return (self.published is None, self.published or "", self.site, self.news_id)


@dataclass(frozen=True)
class _Prints:
    """Members' fingerprints as the rows of one matrix: one member is scored against many
    in a few array operations instead of one comparison per pair."""

    matrix: np.ndarray  # one row of NUM_PERM values per member, zeros where it has none
    present: np.ndarray  # whether each member has a fingerprint
    sites: np.ndarray

    @classmethod
    def of(cls, members: Sequence[_Member]) -> _Prints:
        return cls(
            fingerprint_matrix([m.print for m in members]),
            np.array([m.print is not None for m in members], dtype=bool),
            np.array([m.site for m in members], dtype=object),
        )

    def part(self, start: int, end: int) -> _Prints:
        return _Prints(self.matrix[start:end], self.present[start:end], self.sites[start:end])


def _copy_scores(rows: _Prints, columns: _Prints) -> np.ndarray:
    """For each pair, the similarity of the column member to the row member when they are
    copies of one story: a shared LSH band (all ROWS values of some band agree) and the
    threshold reached (higher on the same site); 0 for the others."""
    equal = rows.matrix[:, None, :] == columns.matrix[None, :, :]
    shape = (len(rows.matrix), len(columns.matrix))
    shares_band = equal.reshape(*shape, BANDS, ROWS).all(axis=3).any(axis=2)
    scores = np.count_nonzero(equal, axis=2) / NUM_PERM
    same_site = rows.sites[:, None] == columns.sites[None, :]
    needed = np.where(same_site, SAME_SITE_THRESHOLD, SIMILARITY_THRESHOLD)
    present = rows.present[:, None] & columns.present[None, :]
    return np.where(present & shares_band & (scores >= needed), scores, 0.0)


def assign_story(
    conn: sqlite3.Connection,
    site: str,
    news_id: str,
    body: str,
    published: str | None,
    *,
    is_new: bool,
) -> str:
    """Store the article's fingerprint and return its story id; recompute (and rewrite in
    `articles`) the stories it touches, before and after this change."""
    signature = fingerprint(body)
    touched: set[str] = set()
    if not is_new:
        row = conn.execute(
            "SELECT story_id FROM articles WHERE site = ? AND news_id = ?", (site, news_id)
        ).fetchone()
        touched.update([row[0]] if row and row[0] else [])
        _forget(conn, site, news_id)
    this = _Member(site, news_id, published, signature.to_bytes() if signature else None)
    if signature is not None:
        keys = band_keys(signature)
        touched.update(_copies_stories(conn, this, keys))
        conn.executemany(
            "INSERT INTO story_bands (band_key, site, news_id) VALUES (?, ?, ?)",
            [(key, site, news_id) for key in keys],
        )
        conn.execute(
            "INSERT INTO article_fingerprints (site, news_id, fingerprint) VALUES (?, ?, ?)",
            (site, news_id, this.print),
        )
    members = [m for m in _members(conn, touched) if m.key != this.key] + [this]
    stories = _stories(members)
    conn.executemany(
        "UPDATE articles SET story_id = ? WHERE site = ? AND news_id = ? AND story_id IS NOT ?",
        [(story, m.site, m.news_id, story) for m in members if (story := stories[m.key])],
    )
    return stories[this.key]


def _copies_stories(conn: sqlite3.Connection, this: _Member, keys: list[str]) -> set[str]:
    """The stories of the stored copies of `this`."""
    placeholders = ",".join("?" * len(keys))
    candidates = conn.execute(
        "SELECT c.site, c.news_id, a.published, f.fingerprint, a.story_id FROM ("
        f"  SELECT site, news_id, count(*) AS shared FROM story_bands"
        f"  WHERE band_key IN ({placeholders}) GROUP BY site, news_id"
        f"  ORDER BY shared DESC, site, news_id LIMIT {MAX_STORY_CANDIDATES}"
        ") AS c JOIN article_fingerprints AS f USING (site, news_id) "
        "JOIN articles AS a USING (site, news_id)",
        keys,
    ).fetchall()
    if not candidates:
        return set()
    scores = _copy_scores(
        _Prints.of([this]), _Prints.of([_Member(*row[:4]) for row in candidates])
    )[0]
    return {row[4] for row, score in zip(candidates, scores, strict=True) if row[4] and score > 0}


def _members(conn: sqlite3.Connection, stories: Iterable[str]) -> list[_Member]:
    wanted = sorted(stories)
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT a.site, a.news_id, a.published, f.fingerprint FROM articles AS a "
        "LEFT JOIN article_fingerprints AS f USING (site, news_id) "
        f"WHERE a.story_id IN ({','.join('?' * len(wanted))})",
        wanted,
    ).fetchall()
    return [_Member(*row) for row in rows]


def _stories(members: list[_Member]) -> dict[str, str]:
    """Each member's story: that of its closest earlier copy (ties: the earliest), else its
    own key."""
    ordered = sorted(members, key=lambda m: m.order)
    prints = _Prints.of(ordered)
    story: dict[str, str] = {}
    for start in range(0, len(ordered), _ROWS_AT_ONCE):
        end = min(start + _ROWS_AT_ONCE, len(ordered))
        scores = _copy_scores(prints.part(start, end), prints.part(0, end))
        for index in range(start, end):
            earlier = scores[index - start, :index]
            closest = int(np.argmax(earlier)) if index else 0  # the first of equal: earliest
            member = ordered[index]
            copied = index > 0 and earlier[closest] > 0
            story[member.key] = story[ordered[closest].key] if copied else member.key
    return story


def _forget(conn: sqlite3.Connection, site: str, news_id: str) -> None:
    """Remove an article's fingerprint and its band keys (found again from the fingerprint)."""
    stored = conn.execute(
        "SELECT fingerprint FROM article_fingerprints WHERE site = ? AND news_id = ?",
        (site, news_id),
    ).fetchone()
    if stored is None:
        return
    conn.executemany(
        "DELETE FROM story_bands WHERE band_key = ? AND site = ? AND news_id = ?",
        [(key, site, news_id) for key in band_keys(Fingerprint.from_bytes(stored[0]))],
    )
    conn.execute("DELETE FROM article_fingerprints WHERE site = ? AND news_id = ?", (site, news_id))
