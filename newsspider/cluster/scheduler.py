"""The worker's scheduler: scrapy-redis' shared queue and dupefilter, with leases and known IDs.

On top of `scrapy_redis.scheduler.Scheduler` it

- takes requests under a lease (`LeaseQueue`), renews the leases it holds while alive,
  puts them back when it closes, and reclaims leases other workers let expire;
- skips an article request whose URL, or news ID read from the URL by the site's
  `id_pattern`, is already stored (the `known` set that ingest publishes);
- acknowledges a lease when a follow-up of the request (retry, redirect) is queued.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import call_later
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsspider import stats
from newsspider.cluster.config import DEFAULT_LEASE_SECONDS
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import LEASE_META, LeaseQueue
from newsspider.cluster.rounds import RoundCounters, add_counts
from newsspider.cluster.wakeup import Wakeups

logger = logging.getLogger(__name__)
# How soon a worker with nothing to do for a site asks the shared queue again, should it
# miss a wake-up (they are what normally tells it: newsspider.cluster.wakeup). The wait
# doubles while the queue stays empty; past Scrapy's own heartbeat, which asks every 5 s
# anyway, no extra ask is scheduled, so an idle worker costs next to nothing.
IDLE_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 5.0


class ClusterScheduler(Scheduler):
    crawler: Crawler
    keys: Keys
    lease_seconds: float
    held: set[bytes]
    last_reclaim: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler: Self = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.keys = Keys(crawler.settings.get("NEWSSPIDER_CLUSTER_PREFIX", "newsspider"))
        scheduler.lease_seconds = crawler.settings.getfloat(
            "NEWSSPIDER_CLUSTER_LEASE", DEFAULT_LEASE_SECONDS
        )
        scheduler.held = set()
        scheduler.last_reclaim = 0.0
        return scheduler

    def open(self, spider: Any) -> None:
        """scrapy-redis' `open` without its "Resuming crawl" `spider.log` (deprecated)."""
        self.spider = spider
        self.queue = LeaseQueue(
            self.server, spider, self.queue_key % {"spider": spider.name}, self.serializer
        )
        if not self.df:
            self.df: Any = load_object(self.dupefilter_cls).from_spider(spider)
        self.site = spider.site
        self.round_key = self.keys.round(self.site.name)
        self.counters = RoundCounters()
        self.known_key = self.keys.known(self.site.name)
        self.id_pattern = re.compile(self.site.id_pattern) if self.site.id_pattern else None
        url = self.crawler.settings["REDIS_URL"]
        Wakeups.shared(url, self.keys.wake).on_wake(self.site.name, self._woken)
        self.fallback_pending = False
        self.idle_poll = IDLE_POLL_SECONDS
        self.renewer = LoopingCall(self.renew)
        self.renewer.start(self.lease_seconds / 3, now=False)

    def close(self, reason: str) -> None:
        if self.renewer.running:
            self.renewer.stop()
        returned = self.lease_queue.put_back(sorted(self.held))
        if returned:
            logger.info("%s: %d requests in flight returned to the queue", self.site.name, returned)
        self.held.clear()
        super().close(reason)

    @property
    def lease_queue(self) -> LeaseQueue:
        queue: LeaseQueue = self.queue
        return queue

    def enqueue_request(self, request: Request) -> bool:
        parent = request.meta.pop(LEASE_META, None)
        try:
            if self.is_known_article(request):
                self.count("skipped/known")
                return False
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.lease_queue.push(request)
            self.count("cluster/enqueued")
            return True
        finally:
            if parent is not None:
                self.ack(parent)

    def next_request(self) -> Request | None:
        self.reclaim_if_due()
        request = self.lease_queue.pop()
        if request is None:
            self._ask_again_soon()
        else:
            self.idle_poll = IDLE_POLL_SECONDS
            self.held.add(request.meta[LEASE_META])
        return request

    def _ask_again_soon(self) -> None:
        """Should a wake-up be missed, look again soon (1, 2, 4 s while the queue stays
        empty), then leave it to Scrapy's 5 s heartbeat."""
        if self.fallback_pending or self.idle_poll > HEARTBEAT_SECONDS:
            return
        self.fallback_pending = True
        call_later(self.idle_poll, self._fallback)
        self.idle_poll *= 2

    def _fallback(self) -> None:
        self.fallback_pending = False
        self._ask_now()

    def _woken(self) -> None:
        """The site's queue got requests: ask now, and soon again should the others take them."""
        self.idle_poll = IDLE_POLL_SECONDS
        self._ask_now()

    def _ask_now(self) -> None:
        """Have the engine ask this scheduler for requests at once. Scrapy has no public
        hook for this; the engine slot's `nextcall` is what its own heartbeat schedules."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def ack(self, member: bytes) -> None:
        """The request is done: everything it produced is in Redis. Its counts go to the
        site's round first, so a round without leases has all its counts."""
        if member not in self.held:
            return
        self.held.discard(member)
        deltas = self.counters.deltas(self.stats.get_stats() if self.stats else {})

        def send() -> None:
            pipe = self.server.pipeline(transaction=False)
            add_counts(pipe, self.round_key, deltas)
            pipe.zrem(self.lease_queue.lease_key, member)
            pipe.execute()

        self.server.patiently(send)
        self.counters.sent_ok(deltas)

    def renew(self) -> None:
        self.lease_queue.renew(sorted(self.held))

    def reclaim_if_due(self) -> None:
        now = time.monotonic()
        if now - self.last_reclaim < self.lease_seconds / 3:
            return
        self.last_reclaim = now
        reclaimed = self.lease_queue.reclaim_expired()
        if reclaimed:
            self.count("cluster/reclaimed", reclaimed)
            logger.warning(
                "%s: %d requests of a worker that stopped renewing its leases re-queued",
                self.site.name,
                reclaimed,
            )

    def is_known_article(self, request: Request) -> bool:
        if getattr(request.callback, "__name__", None) != "parse_article":
            return False
        members = [f"url:{request.url}"]
        match = self.id_pattern.search(request.url) if self.id_pattern else None
        if match:
            members.append(f"id:{match.group('id')}")
        return any(self.server.smismember(self.known_key, members))

    def count(self, key: str, value: int = 1) -> None:
        if self.stats is not None:
            stats.inc(self.stats, key, value)
