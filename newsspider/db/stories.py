"""Story identity: near-duplicate articles across sites share one `story_id`.

Each article's MinHash fingerprint and LSH band keys are stored; a new article
is compared in full only with the stored articles sharing a band.
"""

from __future__ import annotations

import sqlite3

from newsspider.extract.similarity import SIMILARITY_THRESHOLD, Fingerprint, band_keys, similarity

# How many articles sharing LSH bands are compared in full for a new article.
MAX_STORY_CANDIDATES = 20


def matching_story(conn: sqlite3.Connection, signature: Fingerprint) -> str | None:
    """The story of the most similar stored article sharing an LSH band, if similar enough."""
    keys = band_keys(signature)
    placeholders = ",".join("?" * len(keys))
    candidates = conn.execute(
        f"SELECT f.fingerprint, a.story_id FROM story_bands b "
        f"JOIN article_fingerprints f ON f.site = b.site AND f.news_id = b.news_id "
        f"JOIN articles a ON a.site = b.site AND a.news_id = b.news_id "
        f"WHERE b.band_key IN ({placeholders}) "
        f"GROUP BY b.site, b.news_id ORDER BY count(*) DESC LIMIT {MAX_STORY_CANDIDATES}",
        keys,
    ).fetchall()
    best_story, best_score = None, SIMILARITY_THRESHOLD
    for blob, story_id in candidates:
        score = similarity(signature, Fingerprint.from_bytes(blob))
        if score >= best_score:
            best_story, best_score = story_id, score
    return best_story


def store_fingerprint(
    conn: sqlite3.Connection, site: str, news_id: str, signature: Fingerprint | None
) -> None:
    """Replace the article's fingerprint and band keys (none for a text too short to judge)."""
    key = (site, news_id)
    conn.execute("DELETE FROM story_bands WHERE site = ? AND news_id = ?", key)
    conn.execute("DELETE FROM article_fingerprints WHERE site = ? AND news_id = ?", key)
    if signature is None:
        return
    conn.executemany(
        "INSERT INTO story_bands (band_key, site, news_id) VALUES (?, ?, ?)",
        [(band, *key) for band in band_keys(signature)],
    )
    conn.execute(
        "INSERT INTO article_fingerprints (site, news_id, fingerprint) VALUES (?, ?, ?)",
        (*key, signature.to_bytes()),
    )
