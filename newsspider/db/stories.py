"""Story identity: near-duplicate articles across sites share one `story_id`.

Each article's MinHash fingerprint and LSH band keys are stored. Two articles are
*copies* when they share a band key and their similarity reaches the threshold (far
higher within one site, where templated articles share much text).

Stories are a function of the stored articles, never of the order they arrived in
(a cluster's ingest stores them in any order): articles are taken in canonical order
(earliest published first, then site, then news ID); an article's *parent* is its
closest copy among the articles before it (ties: the earlier one), and it belongs to
its parent's story, or starts its own, whose id is its own `site:news_id`.

Parents are stored beside the fingerprints, so the cost of storing an article depends
on its own copies only, never on the size of their stories: it takes its parent among
its earlier copies, later copies whose closest earlier copy it now is adopt it, and the
stories of the adopters' descendants follow. Removing an article (its body or date
changed) re-parents its children. The result equals `stories_from_scratch` over all
articles (the tests compare the two on random corpora in random orders).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
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
class Member:
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
class Placement:
    """Where an article sits in the story forest."""

    story: str
    parent: Member | None  # its closest earlier copy


@dataclass(frozen=True)
class _Copy:
    """A stored copy of the article being placed, with its own stored placement."""

    member: Member
    score: float  # similarity to the article being placed
    story: str
    parent_order: tuple[bool, str, str, str] | None
    parent_score: float  # similarity to its parent, from both fingerprints (never stored)

    def prefers(self, other: Member, score: float) -> bool:
        """Whether `other`, an earlier copy at `score`, is closer than this one's parent."""
        if self.parent_order is None or score > self.parent_score:
            return True
        return score == self.parent_score and other.order < self.parent_order


@dataclass(frozen=True)
class _Prints:
    """Members' fingerprints as the rows of one matrix: one member is scored against many
    in a few array operations instead of one comparison per pair."""

    matrix: np.ndarray  # one row of NUM_PERM values per member, zeros where it has none
    present: np.ndarray  # whether each member has a fingerprint
    sites: np.ndarray

    @classmethod
    def of(cls, members: Sequence[Member]) -> _Prints:
        return cls.of_rows([m.print for m in members], [m.site for m in members])

    @classmethod
    def of_rows(cls, prints: list[bytes | None], sites: list[str]) -> _Prints:
        return cls(
            fingerprint_matrix(prints),
            np.array([p is not None for p in prints], dtype=bool),
            np.array(sites, dtype=object),
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
    """Store the article's fingerprint and return its story id, rewriting (in `articles`)
    the stories of the stored articles whose place it changes."""
    if not is_new:
        _remove(conn, site, news_id)
    signature = fingerprint(body)
    this = Member(site, news_id, published, signature.to_bytes() if signature else None)
    if signature is None:
        story = this.key
    else:
        keys = band_keys(signature)
        copies = _copies(conn, this, keys)
        closest = _closest_earlier(copies, this)
        story = closest.story if closest else this.key
        _store(conn, this, keys, closest)
        adopters = [c for c in copies if c.member.order > this.order and c.prefers(this, c.score)]
        _set_parents(conn, [(c.member, this) for c in adopters])
        for adopter in adopters:
            if adopter.story != story:  # else its descendants, sharing its story, keep it
                _set_subtree_story(conn, adopter.member, story)
    if not is_new:
        _set_subtree_story(conn, this, story)
    return story


def _closest_earlier(copies: list[_Copy], member: Member) -> _Copy | None:
    """The parent `member` takes among its copies (in canonical order): the closest of
    those before it, the earliest of equals."""
    earlier = [c for c in copies if c.member.order < member.order]
    return max(earlier, key=lambda c: c.score, default=None)


def _copies(conn: sqlite3.Connection, this: Member, keys: list[str]) -> list[_Copy]:
    """The stored copies of `this`, in canonical order. Candidates are scored on their
    fingerprints alone; only the copies among them are read from `articles`, whose wide
    rows (bodies before dates) cost far more to read."""
    placeholders = ",".join("?" * len(keys))
    candidates = conn.execute(
        "SELECT c.site, c.news_id, f.fingerprint FROM ("
        f"  SELECT site, news_id, count(*) AS shared FROM story_bands"
        f"  WHERE band_key IN ({placeholders}) GROUP BY site, news_id"
        f"  ORDER BY shared DESC, site, news_id LIMIT {MAX_STORY_CANDIDATES}"
        ") AS c JOIN article_fingerprints AS f USING (site, news_id)",
        keys,
    ).fetchall()
    if not candidates:
        return []
    sites, news_ids, prints = zip(*candidates, strict=True)
    scores = _copy_scores(_Prints.of([this]), _Prints.of_rows(list(prints), list(sites)))[0]
    found = {
        (sites[index], news_ids[index]): float(scores[index])
        for index in np.flatnonzero(scores)
        if (sites[index], news_ids[index]) != (this.site, this.news_id)
    }
    if not found:
        return []
    rows = _placements(conn, list(found))
    # Each copy's similarity to its own parent, from both fingerprints (rows without a
    # parent compare with zeros, and their figure is never used).
    own, parents = (
        fingerprint_matrix([r[3] for r in rows]),
        fingerprint_matrix([r[8] for r in rows]),
    )
    closeness = np.count_nonzero(own == parents, axis=1) / NUM_PERM
    copies = [
        _copy_of(row, found[(row[0], row[1])], float(close))
        for row, close in zip(rows, closeness, strict=True)
    ]
    return sorted(copies, key=lambda c: c.member.order)


def _placements(conn: sqlite3.Connection, articles: list[tuple[str, str]]) -> list[tuple]:
    """Each copy's row: itself, its story, and its parent (order and fingerprint)."""
    return conn.execute(
        "SELECT a.site, a.news_id, a.published, f.fingerprint, a.story_id,"
        " f.parent_site, f.parent_news_id, p.published, pf.fingerprint "
        "FROM article_fingerprints AS f JOIN articles AS a USING (site, news_id) "
        "LEFT JOIN articles AS p ON p.site = f.parent_site AND p.news_id = f.parent_news_id "
        "LEFT JOIN article_fingerprints AS pf"
        " ON pf.site = f.parent_site AND pf.news_id = f.parent_news_id "
        f"WHERE (f.site, f.news_id) IN (VALUES {','.join(['(?, ?)'] * len(articles))})",
        [value for article in articles for value in article],
    ).fetchall()


def _copy_of(row: tuple, score: float, parent_closeness: float) -> _Copy:
    member = Member(*row[:4])
    if row[5] is None or row[8] is None:
        return _Copy(member, score, row[4] or member.key, None, 0.0)
    parent_order = Member(row[5], row[6], row[7], None).order
    return _Copy(member, score, row[4] or member.key, parent_order, parent_closeness)


def _store(conn: sqlite3.Connection, this: Member, keys: list[str], parent: _Copy | None) -> None:
    conn.executemany(
        "INSERT INTO story_bands (band_key, site, news_id) VALUES (?, ?, ?)",
        [(key, this.site, this.news_id) for key in keys],
    )
    conn.execute(
        "INSERT INTO article_fingerprints (site, news_id, fingerprint) VALUES (?, ?, ?)",
        (this.site, this.news_id, this.print),
    )
    if parent:
        _set_parents(conn, [(this, parent.member)])


def _set_parents(conn: sqlite3.Connection, changes: list[tuple[Member, Member | None]]) -> None:
    """Give each child (first) its parent (second; None: none)."""
    conn.executemany(
        "UPDATE article_fingerprints SET parent_site = ?, parent_news_id = ? "
        "WHERE site = ? AND news_id = ?",
        [
            (parent and parent.site, parent and parent.news_id, child.site, child.news_id)
            for child, parent in changes
        ],
    )


def _set_subtree_story(conn: sqlite3.Connection, root: Member, story: str) -> None:
    """Give `root` and every article descending from it (through parents) `story`."""
    conn.execute(
        "WITH RECURSIVE subtree (site, news_id) AS (VALUES (?, ?) UNION "
        "  SELECT f.site, f.news_id FROM article_fingerprints AS f JOIN subtree AS s"
        "  ON f.parent_site = s.site AND f.parent_news_id = s.news_id) "
        "UPDATE articles SET story_id = ? "
        "WHERE (site, news_id) IN subtree AND story_id IS NOT ?",
        (root.site, root.news_id, story, story),
    )


def _remove(conn: sqlite3.Connection, site: str, news_id: str) -> None:
    """Take an article out of the forest: forget its fingerprint and band keys, and give
    each of its children (earliest first) its closest earlier copy among the rest."""
    stored = conn.execute(
        "SELECT fingerprint FROM article_fingerprints WHERE site = ? AND news_id = ?",
        (site, news_id),
    ).fetchone()
    if stored is None:
        return
    children = [
        Member(*row)
        for row in conn.execute(
            "SELECT f.site, f.news_id, a.published, f.fingerprint FROM article_fingerprints AS f "
            "JOIN articles AS a USING (site, news_id) "
            "WHERE f.parent_site = ? AND f.parent_news_id = ?",
            (site, news_id),
        )
    ]
    conn.executemany(
        "DELETE FROM story_bands WHERE band_key = ? AND site = ? AND news_id = ?",
        [(key, site, news_id) for key in band_keys(Fingerprint.from_bytes(stored[0]))],
    )
    conn.execute("DELETE FROM article_fingerprints WHERE site = ? AND news_id = ?", (site, news_id))
    for child in sorted(children, key=lambda m: m.order):
        assert child.print is not None  # a parent is only ever given to a fingerprinted one
        keys = band_keys(Fingerprint.from_bytes(child.print))
        closest = _closest_earlier(_copies(conn, child, keys), child)
        _set_parents(conn, [(child, closest.member if closest else None)])
        _set_subtree_story(conn, child, closest.story if closest else child.key)


def stories_from_scratch(members: list[Member]) -> dict[str, Placement]:
    """Each member's place, computed from nothing but the members: its parent is its
    closest earlier copy (ties: the earliest), its story its parent's, else its own key."""
    ordered = sorted(members, key=lambda m: m.order)
    prints = _Prints.of(ordered)
    placed: dict[str, Placement] = {}
    for start in range(0, len(ordered), _ROWS_AT_ONCE):
        end = min(start + _ROWS_AT_ONCE, len(ordered))
        scores = _copy_scores(prints.part(start, end), prints.part(0, end))
        for index in range(start, end):
            earlier = scores[index - start, :index]
            closest = int(np.argmax(earlier)) if index else 0  # the first of equal: earliest
            member = ordered[index]
            if index > 0 and earlier[closest] > 0:
                parent = ordered[closest]
                placed[member.key] = Placement(placed[parent.key].story, parent)
            else:
                placed[member.key] = Placement(member.key, None)
    return placed


def backfill_parents(conn: sqlite3.Connection) -> None:
    """Give a database from before stored parents (schema 4) its parents: within each
    story of several articles, computed from scratch as its stories were."""
    stories = [
        row[0]
        for row in conn.execute(
            "SELECT story_id FROM articles WHERE story_id IS NOT NULL "
            "GROUP BY story_id HAVING count(*) > 1"
        )
    ]
    for story in stories:
        members = _story_members(conn, story)
        placed = stories_from_scratch(members)
        _set_parents(conn, [(member, placed[member.key].parent) for member in members])


def _story_members(conn: sqlite3.Connection, story: str) -> list[Member]:
    rows = conn.execute(
        "SELECT a.site, a.news_id, a.published, f.fingerprint FROM articles AS a "
        "LEFT JOIN article_fingerprints AS f USING (site, news_id) WHERE a.story_id = ?",
        (story,),
    ).fetchall()
    return [Member(*row) for row in rows]
