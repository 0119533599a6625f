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

    def copy_scores(self, member: _Member, values: np.ndarray, upto: int) -> np.ndarray:
        """The similarity to `member` (its fingerprint `values`) of each of the first `upto`
        members that is a copy of it: a shared LSH band (all ROWS values of some band agree)
        and the threshold reached (higher on the same site); 0 for the others."""
        equal = self.matrix[:upto] == values
        shares_band = equal.reshape(upto, BANDS, ROWS).all(axis=2).any(axis=1)
        scores = np.count_nonzero(equal, axis=1) / NUM_PERM
        needed = np.where(
            self.sites[:upto] == member.site, SAME_SITE_THRESHOLD, SIMILARITY_THRESHOLD
        )
        copies = self.present[:upto] & shares_band & (scores >= needed)
        return np.where(copies, scores, 0.0)


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
        touched.update(_copies_stories(conn, this, signature, keys))
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


def _copies_stories(
    conn: sqlite3.Connection, this: _Member, signature: Fingerprint, keys: list[str]
) -> set[str]:
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
    prints = _Prints.of([_Member(*row[:4]) for row in candidates])
    scores = prints.copy_scores(this, signature.hashvalues, len(candidates))
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
    for index, member in enumerate(ordered):
        best = None
        if index and prints.present[index]:
            scores = prints.copy_scores(member, prints.matrix[index], index)
            closest = int(np.argmax(scores))  # the first of equal scores: the earliest
            best = ordered[closest] if scores[closest] > 0 else None
        story[member.key] = story[best.key] if best is not None else member.key
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
