"""Feed cost against database size: a full export and served `?q=` requests at two sizes.

Fills a database with synthetic articles over 50 sites (through the real schema, so the
FTS and label triggers run), times a full export (every site, the combined feed and a few
families, three formats each; fsync-bound, so disk speed shows), building those feeds
without writing them, one site feed, and `?q=` requests to a running
`FeedServer`; then grows the database tenfold and times the same again. A rare word
matches the same 100 articles at both sizes, so its request should cost the same.

    python bench/feeds.py [--small 10000] [--large 100000]
"""

from __future__ import annotations

import argparse
import http.client
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feeds import export_feeds
from feeds.build import FeedBuilder
from feeds.families import feed_specs
from feeds.serve import make_server
from newsspider.config import Config, parse_config
from newsspider.db import Database
from newsspider.db.read import open_readonly
from newsspider.extract.text import search_form

SITES = 50
RARE_ARTICLES = 100
WORDS = [f"w{n}" for n in range(2000)]
START = datetime(2024, 1, 1, tzinfo=UTC)
FAMILIES = {
    "economy": {"kind": "category", "value": "economy"},
    "persian": {"kind": "language", "value": "fa"},
    "irna": {"kind": "source", "value": "IRNA"},
    "strike": {"kind": "search", "query": "strike"},
}
COLUMNS = ("site", "news_id", "url", "title", "body_text", "body_html", "source", "published",
           "language", "categories", "tags", "first_seen", "story_id", "search_text")  # fmt: skip


def config() -> Config:
    sites = {
        f"s{n:02d}": {
            "kind": "portal",
            "start_urls": [f"https://s{n:02d}.example.com/"],
            "timezone": "UTC",
            "language": "fa" if n % 5 == 0 else "en",
        }
        for n in range(SITES)
    }
    feeds = {"base_url": "http://127.0.0.1:8080/", "families": FAMILIES}
    return parse_config({"sites": sites, "feeds": feeds}, "bench")


def fill(db_path: Path, first: int, last: int, rng: random.Random) -> None:
    """Articles `first`..`last-1`; every 10th repeats the story of the one before it."""
    Database(db_path).close()  # the schema, with its indexes and triggers
    conn = sqlite3.connect(db_path)
    rows = (_row(n, rng) for n in range(first, last))
    with conn:
        conn.executemany(
            f"INSERT INTO articles ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            ([row[c] for c in COLUMNS] for row in rows),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as after a crawl: readers skip the WAL
    conn.close()


def _row(n: int, rng: random.Random) -> dict[str, object]:
    site = f"s{n % SITES:02d}"
    words = rng.choices(WORDS, k=60)
    if n < RARE_ARTICLES:
        words.append("rareword")
    if n % 20 == 0:
        words.append("strike")
    title = " ".join(words[:8]).capitalize()
    body = " ".join(words)
    published = START + timedelta(minutes=n)
    return {
        "site": site,
        "news_id": str(n),
        "url": f"https://{site}.example.com/news/{n}",
        "title": title,
        "body_text": body,
        "body_html": f"<p>{body}</p>",
        "source": "IRNA" if n % 7 == 0 else "ISNA",
        "published": published.isoformat(),
        "language": "fa" if n % SITES % 5 == 0 else "en",
        "categories": '["Economy"]' if n % 3 == 0 else '["Politics"]',
        "tags": "[]",
        "first_seen": published.isoformat(),
        "story_id": f"story:{n - 1 if n % 10 == 1 else n}",
        "search_text": search_form(f"{title}\n{body}"),
    }


def timed(action: Callable[[], object], repeat: int = 3) -> float:
    """Best of `repeat` wall-clock runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def build_feeds(db_path: Path, cfg: Config, count: int | None = None) -> None:
    """The database part of an export: the first `count` feeds (all by default), not written."""
    conn = open_readonly(db_path)
    builder = FeedBuilder(conn, cfg)
    for spec in feed_specs(cfg)[:count]:
        builder.build(spec, 50)
    conn.close()


def measure(db_path: Path, out: Path, cfg: Config) -> dict[str, float]:
    # Each run writes every file afresh into a new directory; the last one is served.
    runs = iter(range(1_000))
    figures = {"full export (ms)": timed(lambda: export_feeds(db_path, out / str(next(runs)), cfg))}
    out = out / str(next(runs) - 1)
    figures["build all 55 feeds, no writes (ms)"] = timed(lambda: build_feeds(db_path, cfg))
    figures["build one site feed (ms)"] = timed(lambda: build_feeds(db_path, cfg, 1))
    server = make_server(out, db_path, cfg, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    port = server.server_address[1]
    for label, path in (
        ("served ?q=rareword (ms)", "/all.atom.xml?q=rareword"),
        ("served ?q=strike (ms)", "/all.atom.xml?q=strike"),
        ("served s01 ?limit=50 (ms)", "/s01.rss.xml?limit=50"),
        ("served file all.atom.xml (ms)", "/all.atom.xml"),
    ):
        figures[label] = timed(lambda path=path: _get(port, path))
    server.shutdown()
    server.server_close()
    return figures


def _get(port: int, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    assert response.status == 200, (path, response.status)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    cfg = config()
    rng = random.Random(7)
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_path, out = Path(tmp) / "bench.db", Path(tmp) / "out"
        previous = 0
        for size in (args.small, args.large):
            started = time.perf_counter()
            fill(db_path, previous, size, rng)
            print(f"filled {size:,} articles in {time.perf_counter() - started:.1f} s", flush=True)
            previous = size
            results[size] = measure(db_path, out, cfg)
    print(f"\n{'':36}{args.small:>12,}{args.large:>12,}")
    for label in results[args.small]:
        print(f"{label:36}{results[args.small][label]:>12.1f}{results[args.large][label]:>12.1f}")


if __name__ == "__main__":
    main()
