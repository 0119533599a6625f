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
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsspider import stats
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import LEASE_META, LeaseQueue

logger = logging.getLogger(__name__)
# How soon a worker with nothing to do for a site asks the shared queue again.
IDLE_POLL_SECONDS = 0.25


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
        scheduler.lease_seconds = crawler.settings.getfloat("NEWSSPIDER_CLUSTER_LEASE", 60.0)
        scheduler.held = set()
        scheduler.last_reclaim = 0.0
        return scheduler

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.site = spider.site
        self.known_key = self.keys.known(self.site.name)
        self.id_pattern = re.compile(self.site.id_pattern) if self.site.id_pattern else None
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
            return bool(super().enqueue_request(request))
        finally:
            if parent is not None:
                self.ack(parent)

    def next_request(self) -> Request | None:
        self.reclaim_if_due()
        request: Request | None = super().next_request()
        if request is None:
            self._ask_again_soon()
        else:
            self.held.add(request.meta[LEASE_META])
        return request

    def _ask_again_soon(self) -> None:
        """Another worker may queue this site's next page any moment: look again shortly,
        not at Scrapy's 5 s heartbeat (which left added workers idle). Scrapy has no public
        hook for this; the engine slot's `nextcall` is what its own heartbeat schedules."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule(IDLE_POLL_SECONDS)

    def ack(self, member: bytes) -> None:
        """The request is done: everything it produced is in Redis."""
        if member in self.held:
            self.held.discard(member)
            self.lease_queue.ack(member)

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
