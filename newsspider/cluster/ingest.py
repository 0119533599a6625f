"""`newsspider ingest`: the single writer, from the Redis item queue into SQLite and feeds.

Ingest runs the very pipeline classes of a local crawl (Normalize, Validate, Store)
outside Scrapy's engine: each item is rebuilt as an `Article`, passed through them with
its site as the "spider", and upserted; a batch is committed, its articles published to
the known sets, and only then acknowledged (see `ItemQueue`). A killed ingest replays
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
from types import SimpleNamespace
from typing import Any, cast

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import StatsCollector

from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.connection import connect
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import ItemQueue
from newsspider.cluster.rounds import RoundRecorder, add_counts
from newsspider.config import Config
from newsspider.db import Database
from newsspider.items import Article
from newsspider.pipelines import NormalizePipeline, StorePipeline, ValidatePipeline

logger = logging.getLogger(__name__)
_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_RENEW_LOCK = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
)
SEED_CHUNK = 1000
_STORED = "newsspider/stored/"


class _PipelineHost:
    """What the pipelines need of a crawler: settings, stats, and the spider's site."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.spider = SimpleNamespace(site=None, name="ingest")
        self.stats = StatsCollector(cast(Crawler, self))


class Ingester:
    """Drains the item queue into one SQLite database; `run` is the command's loop."""

    def __init__(self, config: Config, options: ClusterOptions, db_path: str):
        self.config = config
        self.options = options
        self.keys = Keys(options.key_prefix)
        self.server = connect(options.redis_url)
        self.queue = ItemQueue(self.server, self.keys.items, self.keys.processing)
        settings = Settings({"NEWSSPIDER_DB": db_path, "NEWSSPIDER_COMMIT_ITEMS": 10**9})
        self.host = _PipelineHost(settings)
        crawler = cast(Crawler, self.host)
        self.normalize = NormalizePipeline(crawler)
        self.validate = ValidatePipeline(crawler)
        self.store = StorePipeline(crawler)
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
        self.store.open_spider()
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
                assert self.store.db is not None
                changed += self.rounds.record(self.store.db)  # finished rounds: alarm feed
                if changed:
                    on_idle(changed)
                    changed = 0
                if idle:
                    return self.outcomes
        finally:
            self.store.close_spider()
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
        assert self.store.db is not None
        self.store.db.commit()
        self.publish_known(stored)
        self.count_in_rounds()
        self.queue.ack()
        return sum(1 for r in stored if r["outcome"] in ("new", "updated"))

    def process(self, payload: bytes) -> dict[str, Any] | None:
        """One item through Normalize, Validate and Store; the stored fields, or None."""
        article = self.rebuild(payload)
        if article is None:
            return None
        self.host.spider.site = self.config.sites[article.site]
        before = self.host.stats.get_stats().copy()
        try:
            item = self.store.process_item(
                self.validate.process_item(self.normalize.process_item(article))
            )
        except DropItem as exc:
            self.outcomes["dropped"] += 1
            logger.info("dropped %s: %s", article.url, exc)
            return None
        finally:
            grown = _grown(before, self.host.stats.get_stats())
            self.round_counts.setdefault(article.site, Counter()).update(grown)
        outcome = next((k.removeprefix(_STORED) for k in grown if k.startswith(_STORED)), "unknown")
        self.outcomes[outcome] += 1
        return {
            "site": item.site,
            "news_id": item.news_id,
            "urls": (item.url, item.canonical_url),
            "outcome": outcome,
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
        assert self.store.db is not None
        rows = self.store.db.conn.execute("SELECT site, news_id, url, canonical_url FROM articles")
        while chunk := rows.fetchmany(SEED_CHUNK):
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


def _grown(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """The counters one item raised (stored/<outcome>, dropped/<reason>, warnings/...)."""
    return {
        key: value - before.get(key, 0)
        for key, value in after.items()
        if isinstance(value, int) and value != before.get(key, 0)
    }


def open_database(db_path: str) -> None:
    """Create the schema, or fail with a clear error before taking any item."""
    Database(db_path).close()
