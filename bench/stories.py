"""Story cost as a story grows: storing one more copy against recomputing the story.

Stores N near-copies of one story (each on its own site, newest first as a crawl finds
them, so every new article is the earliest: it starts the story anew, and every copy's
story id changes with it, the worst case) and prints the milliseconds per stored article
as the story grows. The baseline, in the same run, is what stories cost before parents
were stored: every store recomputed the whole story from scratch (`stories_from_scratch`
over its members).

    python bench/stories.py [--copies 400] [--words 300]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsspider.db import Database
from newsspider.db.stories import Member, stories_from_scratch

NEWEST = datetime(2025, 10, 27, 23, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=400)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(20251027)
    vocabulary = [f"word{n}" for n in range(5000)]
    base = rng.choices(vocabulary, k=args.words)
    texts = [
        " ".join(rng.choice(vocabulary) if rng.random() < 0.03 else w for w in base)
        for _ in range(args.copies)
    ]
    marks = sorted({max(1, args.copies * share // 8) for share in range(1, 9)})
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(Path(tmp) / "news.db")
        database.batch_writes(100, 2.0)  # as a crawl stores them
        stored_ms: list[float] = []
        for index, text in enumerate(texts):
            published = (NEWEST - timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = {"site": f"site{index}", "news_id": "1", "title": "t", "body_text": text,
                      "url": f"http://site{index}.test/1", "published": published}  # fmt: skip
            started = time.perf_counter()
            database.upsert_article(record, now="2025-10-28T00:00:00Z")
            stored_ms.append((time.perf_counter() - started) * 1000)
        members = [
            Member(*row)
            for row in database.conn.execute(
                "SELECT a.site, a.news_id, a.published, f.fingerprint FROM articles AS a "
                "JOIN article_fingerprints AS f USING (site, news_id)"
            )
        ]
        stories = {row[0] for row in database.conn.execute("SELECT story_id FROM articles")}
        database.close()
    print(
        f"{args.copies} copies of one story ({args.words} words, 3% changed),"
        f" stored as {len(stories)} story(ies)"
    )
    # store: the whole upsert of one more copy (row, search index, story); recompute: the
    # story's placement alone, from fingerprints already in memory (no SQL), as before.
    print(f"{'story size':>10} {'store ms':>9} {'recompute ms':>13} {'ratio':>6}")
    for size in marks:
        window = stored_ms[max(0, size - 10) : size]
        incremental = sum(window) / len(window)
        started = time.perf_counter()
        stories_from_scratch(members[:size])
        recompute = (time.perf_counter() - started) * 1000
        print(f"{size:>10} {incremental:>9.2f} {recompute:>13.2f} {recompute / incremental:>6.1f}")


if __name__ == "__main__":
    main()
