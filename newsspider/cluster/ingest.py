"""`newsspider ingest`: the single writer, from the Redis item queue into SQLite and feeds.

Ingest runs the article path of a local crawl (`newsspider.articles.process`):
each item is rebuilt as an `Article`, normalized for its site, validated and upserted;
a batch is committed, its articles published to the known sets, and only then
acknowledged (see `ItemQueue`). A killed ingest replays
its unacknowledged batch on start; the `(site, news_id)` upsert makes the replay a no-op.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from newsspider import articles
from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.connection import connect
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import ItemQueue
from newsspider.config import Config
from newsspider.db import Database, read
from newsspider.items import Article
from newsspider.stats import Outcome

logger = logging.getLogger(__name__)
_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_RENEW_LOCK = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
)
SEED_CHUNK = 1000
_COMMIT_SECONDS = 2.0


class IngestLockHeld(Exception):
    """Another ingest holds the lock: there is one writer per cluster."""


class Ingester:
    """Drains the item queue into one SQLite database; `run` is the command's loop."""

    def __init__(self, config: Config, options: ClusterOptions, db_path: str):
        self.config = config
        self.options = options
        self.keys = Keys(options.key_prefix)
        self.server = connect(options.redis_url)
        self.queue = ItemQueue(self.server, self.keys.items, self.keys.processing)
        self.db_path = db_path
        self.db: Database | None = None
        self.token = uuid.uuid4().hex
        self.lock_ms = int(options.lease_timeout * 1000)
        self.outcomes: Counter[str] = Counter()

    # The single-writer lock ---------------------------------------------------

    def acquire_lock(self, wait: bool = True) -> None:
        """Take the ingest lock; a second ingest waits (a standby) or fails."""
        announced = False
        while not self.server.set(self.keys.ingest_lock, self.token, nx=True, px=self.lock_ms):
            if not wait:
                raise IngestLockHeld(f"another ingest holds {self.keys.ingest_lock}")
            if not announced:
                logger.warning("another ingest is running; waiting for %s", self.keys.ingest_lock)
                announced = True
            time.sleep(1.0)

    def renew_lock(self) -> None:
        renewed = self.server.eval(_RENEW_LOCK, 1, self.keys.ingest_lock, self.token, self.lock_ms)
        if not renewed:
            raise IngestLockHeld(f"lost {self.keys.ingest_lock} (was ingest paused too long?)")

    def release_lock(self) -> None:
        self.server.eval(_RENEW_LOCK, 1, self.keys.ingest_lock, self.token, 1)

    # Draining -----------------------------------------------------------------

    def run(self, *, exit_when_idle: bool, on_idle: Callable[[int], None]) -> Counter[str]:
        """Ingest until stopped (or until the cluster is idle); `on_idle(changed)` exports."""
        self.acquire_lock()
        self.db = db = Database(self.db_path)
        db.batch_writes(10**9, _COMMIT_SECONDS)  # one transaction per batch, mostly
        try:
            self.seed_known()
            changed = self.ingest_batch(self.queue.unacknowledged())
            while True:
                self.renew_lock()
                batch = self.queue.take(self.options.ingest_batch, block_seconds=1.0)
                changed += self.ingest_batch(batch)
                if batch:
                    continue
                if changed:
                    on_idle(changed)
                    changed = 0
                if exit_when_idle and self.cluster_idle():
                    return self.outcomes
        finally:
            db.close()
            self.release_lock()

    def ingest_batch(self, payloads: list[bytes]) -> int:
        """Store a batch, commit, publish, acknowledge; return how many articles changed."""
        if not payloads:
            return 0
        stored: list[dict[str, Any]] = []
        for payload in payloads:
            record = self.process(payload)
            if record is not None:
                stored.append(record)
        assert self.db is not None
        self.db.commit()
        self.publish_known(stored)
        self.queue.ack()
        return sum(1 for r in stored if r["outcome"] in (Outcome.NEW, Outcome.UPDATED))

    def process(self, payload: bytes) -> dict[str, Any] | None:
        """One item through the article path; the stored fields, or None."""
        article = self.rebuild(payload)
        if article is None:
            return None
        assert self.db is not None
        fields = dataclasses.asdict(article)
        result = articles.process(self.db, fields, self.config.sites[article.site])
        self.outcomes[result.outcome] += 1
        if result.outcome is Outcome.DROPPED:
            logger.info("dropped %s: %s: %s", article.url, result.reason, result.detail)
            return None
        return {
            "site": fields["site"],
            "news_id": fields["news_id"],
            "urls": (fields["url"], fields["canonical_url"]),
            "outcome": result.outcome,
        }

    def rebuild(self, payload: bytes) -> Article | None:
        """The worker's article, or None (kept in the rejected list) when unusable."""
        try:
            fields = json.loads(payload)
            article = Article(**{k: v for k, v in fields.items() if k in _ARTICLE_FIELDS})
        except (ValueError, TypeError) as exc:
            return self.reject(payload, f"unreadable item: {exc}")
        if article.site not in self.config.sites:
            return self.reject(payload, f"site {article.site!r} is not in {self.config.path}")
        return article

    def reject(self, payload: bytes, reason: str) -> Article | None:
        logger.error("%s; kept in %s", reason, self.keys.rejected)
        self.server.lpush(self.keys.rejected, payload)
        self.outcomes["rejected"] += 1
        return None

    # What workers may skip ----------------------------------------------------

    def publish_known(self, stored: list[dict[str, Any]]) -> None:
        by_site: dict[str, set[str]] = {}
        for record in stored:
            members = by_site.setdefault(record["site"], set())
            members.add(f"id:{record['news_id']}")
            members.update(f"url:{url}" for url in record["urls"] if url)
        for site, members in by_site.items():
            self.server.sadd(self.keys.known(site), *members)

    def seed_known(self) -> None:
        """Publish every stored article once, so workers skip what an earlier run stored."""
        assert self.db is not None
        for chunk in read.stored_keys(self.db.conn, SEED_CHUNK):
            self.publish_known([{"site": s, "news_id": n, "urls": (u, c)} for s, n, u, c in chunk])

    def cluster_idle(self) -> bool:
        """Nothing queued, leased or waiting to be ingested, for any configured site."""
        if len(self.queue):
            return False
        for name in self.config.sites:
            if self.server.llen(self.keys.requests(name)) or self.server.zcard(
                self.keys.leases(name)
            ):
                return False
        return True


def open_database(db_path: str) -> None:
    """Create the schema, or fail with a clear error before taking any item."""
    Database(db_path).close()
