"""Story identity: near-duplicate articles across sites share one `story_id`.

Each article's MinHash fingerprint and LSH band keys are stored; a new article
is compared in full only with the stored articles sharing most bands with it.
"""

from __future__ import annotations

import sqlite3

from newsspider.extract.similarity import (
    SIMILARITY_THRESHOLD,
    Fingerprint,
    band_keys,
    fingerprint,
    similarity,
)

# How many articles sharing LSH bands are compared in full for a new article.
MAX_STORY_CANDIDATES = 20
# Within one site, templated articles (weather warnings, price reports) share much of
# their text without being one story: a copy on the same site must be far closer.
SAME_SITE_THRESHOLD = 0.8


def assign_story(
    conn: sqlite3.Connection, site: str, news_id: str, body: str, *, is_new: bool
) -> str | None:
    """Store the article's fingerprint; for a new article, the story of its closest copy.

    Returns None when no stored article is similar enough (or the text is too short
    to judge): the article then starts its own story.
    """
    signature = fingerprint(body)
    keys = band_keys(signature) if signature is not None else []
    story = None
    if is_new and signature is not None:
        story = _matching_story(conn, site, signature, keys)
    if not is_new:
        _forget(conn, site, news_id)
    if signature is not None:
        conn.executemany(
            "INSERT INTO story_bands (band_key, site, news_id) VALUES (?, ?, ?)",
            [(key, site, news_id) for key in keys],
        )
        conn.execute(
            "INSERT INTO article_fingerprints (site, news_id, fingerprint) VALUES (?, ?, ?)",
            (site, news_id, signature.to_bytes()),
        )
    return story


def _matching_story(
    conn: sqlite3.Connection, site: str, signature: Fingerprint, keys: list[str]
) -> str | None:
    placeholders = ",".join("?" * len(keys))
    candidates = conn.execute(
        "SELECT c.site, f.fingerprint, a.story_id FROM ("
        f"  SELECT site, news_id, count(*) AS shared FROM story_bands"
        f"  WHERE band_key IN ({placeholders}) GROUP BY site, news_id"
        f"  ORDER BY shared DESC LIMIT {MAX_STORY_CANDIDATES}"
        ") AS c JOIN article_fingerprints AS f USING (site, news_id) "
        "JOIN articles AS a USING (site, news_id)",
        keys,
    ).fetchall()
    best_story, best_score = None, 0.0
    for candidate_site, blob, story_id in candidates:
        needed = SAME_SITE_THRESHOLD if candidate_site == site else SIMILARITY_THRESHOLD
        score = similarity(signature, Fingerprint.from_bytes(blob))
        if score >= needed and score > best_score:
            best_story, best_score = story_id, score
    return best_story


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
