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

from newsspider import articles, stats
from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.connection import connect
from newsspider.cluster.itemqueue import ItemQueue
from newsspider.cluster.keys import Keys
from newsspider.cluster.rounds import RoundRecorder, add_counts
from newsspider.config import Config
from newsspider.db import Database, read
from newsspider.items import Article
from newsspider.stats import Group, Outcome

logger = logging.getLogger(__name__)
_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_RENEW_LOCK = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
)
SEED_CHUNK = 1000
_COMMIT_SECONDS = 2.0


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
        self.round_counts: dict[str, Counter[str]] = {}
        self.rounds = RoundRecorder(self.server, self.keys, list(config.sites))

    # The single-writer lock ---------------------------------------------------

    def acquire_lock(self) -> None:
        """Take the ingest lock; a second ingest waits as a standby: one writer per cluster."""
        announced = False
        while not self.server.set(self.keys.ingest_lock, self.token, nx=True, px=self.lock_ms):
            if not announced:
                logger.warning("another ingest is running; waiting for %s", self.keys.ingest_lock)
                announced = True
            time.sleep(1.0)

    def renew_lock(self) -> None:
        """Keep the lock; take it again when Redis lost it (a restart, a long outage)."""
        renewed = self.server.eval(_RENEW_LOCK, 1, self.keys.ingest_lock, self.token, self.lock_ms)
        if renewed:
            return
        logger.warning(
            "%s was lost (Redis restarted, or was away longer than lease_timeout); taking it again",
            self.keys.ingest_lock,
        )
        self.acquire_lock()
        self.seed_known()  # a Redis restarted without persistence lost the known sets

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
                idle = exit_when_idle and self.cluster_idle()
                changed += self.rounds.record(db)  # a finished round: the alarm feed
                if changed:
                    on_idle(changed)
                    changed = 0
                if idle:
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
        self.count_in_rounds()
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
        self.round_counts.setdefault(article.site, Counter()).update(_counts(result))
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

    def count_in_rounds(self) -> None:
        """Add the batch's outcomes per site to the sites' rounds (their crawl_runs rows)."""
        counts, self.round_counts = self.round_counts, {}

        def send() -> None:
            pipe = self.server.pipeline(transaction=False)
            for site, grown in counts.items():
                add_counts(pipe, self.keys.round(site), grown)
            pipe.execute()

        if counts:
            self.server.patiently(send)

    def cluster_idle(self) -> bool:
        """Nothing queued, leased or waiting to be ingested, for any configured site.

        Leases first: a worker pushes a request's article before it acknowledges it.
        """
        for name in self.config.sites:
            if self.server.llen(self.keys.requests(name)) or self.server.zcard(
                self.keys.leases(name)
            ):
                return False
        return not len(self.queue)


def _counts(result: articles.Result) -> Counter[str]:
    """One article's counters, named as a crawl's stats name them (`crawl_runs` reads them)."""
    counts = Counter(stats.full_name(stats.key(Group.WARNINGS, w)) for w in result.warnings)
    if result.outcome is Outcome.DROPPED and result.reason is not None:
        counts[stats.full_name(stats.key(Group.DROPPED, result.reason))] += 1
    elif result.outcome is not Outcome.DROPPED:
        counts[stats.full_name(stats.key(Group.STORED, result.outcome))] += 1
    return counts


def open_database(db_path: str) -> None:
    """Create the schema, or fail with a clear error before taking any item."""
    Database(db_path).close()
