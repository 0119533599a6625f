"""`newsspider enqueue`: start a crawl round of the due sites on the shared queue.

A site is due when the cluster holds no work for it (nothing queued, no lease): its
previous round is over. Starting a round clears the site's dupefilter (so an article
that failed last time is tried again; stored ones are skipped by the known set) and
pushes the site's start requests exactly as its spider makes them, then the conditional
re-fetches of its stored articles whose re-check is due (read from the database, and
marked checked there, as `run` does at a crawl's start).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.settings import Settings
from scrapy_redis.dupefilter import RFPDupeFilter

from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.connection import connect
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import LeaseQueue, reclaim_expired
from newsspider.cluster.rounds import open_round
from newsspider.cluster.worker import worker_spider_class
from newsspider.config import SiteConfig
from newsspider.db import Database, read
from newsspider.db.crawlstate import mark_checked
from newsspider.errors import DatabaseError
from newsspider.incremental import RefreshTarget, due_rechecks, refresh_request
from newsspider.spiders import spider_class_for


@dataclass(frozen=True)
class EnqueueResult:
    site: str
    pushed: int  # start requests queued; 0 when the site was not due
    queued: int  # requests waiting when enqueue looked (not due when > 0 or in flight)
    in_flight: int
    reclaimed: int
    rechecks: int = 0  # conditional re-fetches of stored articles queued

    @property
    def due(self) -> bool:
        return self.pushed > 0


def enqueue_sites(
    options: ClusterOptions,
    sites: list[SiteConfig],
    db_path: str,
    max_wait: float | None = None,
) -> list[EnqueueResult]:
    """Start a round of each due site; `max_wait` bounds a wait for an unreachable Redis."""
    server = connect(options.redis_url, max_wait=max_wait)
    keys = Keys(options.key_prefix)
    return [_enqueue_site(server, keys, options, site, db_path) for site in sites]


def _enqueue_site(
    server: Any, keys: Keys, options: ClusterOptions, site: SiteConfig, db_path: str
) -> EnqueueResult:
    name = site.name
    reclaimed = reclaim_expired(server, keys.requests(name), keys.leases(name))
    queued = int(server.llen(keys.requests(name)))
    in_flight = int(server.zcard(keys.leases(name)))
    if queued or in_flight:
        return EnqueueResult(name, 0, queued, in_flight, reclaimed)
    spider = _spider_for(site, options)
    queue = LeaseQueue(server, spider, keys.requests(name))
    dupefilter = RFPDupeFilter(server, key=keys.dupefilter(name))
    dupefilter.clear()
    starts = [
        request
        for request in asyncio.run(_start_requests(spider))
        if request.dont_filter or not dupefilter.request_seen(request)
    ]
    now = datetime.now(UTC)
    due = _due_rechecks(db_path, site, now)
    rechecks = [refresh_request(spider, target) for target in due]
    open_round(server, keys, name, [queue.encode(r) for r in [*starts, *rechecks]])
    if due:  # marked once queued: a failure between the two re-checks twice, never not at all
        _mark_checked(db_path, site.name, [target.news_id for target in due], now)
    return EnqueueResult(name, len(starts), queued, in_flight, reclaimed, len(rechecks))


def _due_rechecks(db_path: str, site: SiteConfig, now: datetime) -> list[RefreshTarget]:
    try:
        with read.reading(db_path) as conn:
            return due_rechecks(conn, site, now)
    except DatabaseError:  # no database yet: nothing stored to re-check
        return []


def _mark_checked(db_path: str, site: str, news_ids: list[str], now: datetime) -> None:
    db = Database(db_path)
    try:
        mark_checked(db, site, news_ids, now)
    finally:
        db.close()


def _spider_for(site: SiteConfig, options: ClusterOptions) -> Spider:
    """A spider instance of the workers' class: requests are encoded by callback name."""
    spider = worker_spider_class(site)()
    spider.settings = Settings(
        {
            "NEWSSPIDER_CLUSTER_LEASE": options.lease_timeout,
            "NEWSSPIDER_CLUSTER_PREFIX": options.key_prefix,
        }
    )
    return spider


async def _start_requests(spider: Spider) -> list[Request]:
    """The site spider's own start requests (listings, feeds, sitemaps, robots.txt), made
    by the workers' spider so that their callbacks are its methods."""
    site_start = spider_class_for(spider.site).start  # type: ignore[attr-defined]
    return [request async for request in site_start(spider)]
