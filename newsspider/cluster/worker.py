"""`newsspider worker`: crawl from the shared queue, push articles to Redis, write nothing locally.

A worker runs the same site spiders and extraction as `newsspider crawl`, with
scrapy-redis' scheduler and dupefilter (through `ClusterScheduler`) in place of the
in-memory ones, the cluster-wide rate limit, and no item pipeline: finished articles
go to the Redis item queue as JSON, where the one `ingest` picks them up.

Why articles are pushed here rather than by scrapy-redis' `RedisPipeline`: the pipeline
pushes from a thread after the callback returned, so the request's lease could be
acknowledged before its article is safe. `ClusterOutputMiddleware` pushes every article
and queues every follow-up request synchronously, then acknowledges the lease.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.asyncio import call_later

from newsspider import stats
from newsspider.cluster import stopping
from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.connection import connect, redis_params
from newsspider.cluster.itemqueue import ItemQueue
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import LEASE_META
from newsspider.cluster.scheduler import ClusterScheduler
from newsspider.config import Config, SiteConfig
from newsspider.crawl import crawl_settings
from newsspider.spiders import spider_class_for

logger = logging.getLogger(__name__)


def worker_settings(
    config: Config,
    options: ClusterOptions,
    *,
    exit_when_idle: bool,
    concurrency: int = 16,
    log_level: str = "INFO",
) -> Settings:
    settings = crawl_settings(config, "", log_level)
    prefix = options.key_prefix
    cluster = {
        "REDIS_URL": options.redis_url,
        "REDIS_PARAMS": redis_params(options.redis_url),
        "SCHEDULER": "newsspider.cluster.scheduler.ClusterScheduler",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # a worker closing must never flush the shared queue
        "NEWSSPIDER_CLUSTER_PREFIX": prefix,
        "NEWSSPIDER_CLUSTER_LEASE": options.lease_timeout,
        "NEWSSPIDER_CLUSTER_EXIT_WHEN_IDLE": exit_when_idle,
        # Requests this worker leases at once: its share of the work, not a site's limit.
        "CONCURRENT_REQUESTS": concurrency,
        # Politeness is the cluster's (ClusterRateLimitMiddleware), not added per worker.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {
            "newsspider.runlog.RunLog": None,
            "newsspider.cluster.worker.WorkerIdle": 500,
        },
        "DOWNLOADER_MIDDLEWARES": {
            **settings.getdict("DOWNLOADER_MIDDLEWARES"),
            "newsspider.cluster.worker.LeaseAckMiddleware": 10,
            "newsspider.cluster.ratelimit.ClusterRateLimitMiddleware": 890,
        },
        "SPIDER_MIDDLEWARES": {
            **settings.getdict("SPIDER_MIDDLEWARES"),
            "newsspider.cluster.worker.ClusterOutputMiddleware": 5,
        },
    }
    settings.setdict(cluster, priority="cmdline")
    return settings


def worker_spider_class(site: SiteConfig) -> type[Spider]:
    """The site's spider without start requests (those come from `enqueue`, once), whose
    errback acknowledges a failed request's lease once the failure is counted."""

    async def start(self: Spider) -> AsyncIterator[Request]:
        requests: tuple[Request, ...] = ()
        for request in requests:
            yield request

    def count_error(self: Spider, failure: Any) -> None:
        base.count_error(self, failure)
        member = failure.request.meta.get(LEASE_META)
        if member is not None and self.crawler is not None:
            _scheduler(self.crawler).ack(member)

    base: Any = spider_class_for(site)
    return type(f"Worker{base.__name__}", (base,), {"start": start, "count_error": count_error})


@dataclass(frozen=True)
class WorkerResult:
    site: str
    requests: int
    articles: int
    known_skipped: int
    reclaimed: int
    errors: int


def run_worker(
    config: Config,
    options: ClusterOptions,
    sites: list[SiteConfig],
    *,
    exit_when_idle: bool = False,
    concurrency: int = 16,
    log_level: str = "INFO",
) -> tuple[list[WorkerResult], int | None]:
    """Crawl from the shared queue until stopped (or, with `exit_when_idle`, until idle).

    Returns one result per site and the signal that stopped the worker, if one did.
    """
    settings = worker_settings(
        config, options, exit_when_idle=exit_when_idle, concurrency=concurrency, log_level=log_level
    )
    process = CrawlerProcess(settings)
    starter = _Starter(process, sites)
    received = stopping.install(lambda signum: starter.stop())
    connect(options.redis_url).ping()  # waits for Redis; a bad setting fails here, cleanly
    if not starter.stopping:
        starter.next()  # the first crawl installs Scrapy's reactor; the others once it runs
        process.start(stop_after_crawl=False, install_signal_handlers=False)
    results = [_result(site, starter.crawlers.get(site.name)) for site in sites]
    return results, (received[0] if received else None)


class _Starter:
    """Creates and starts the sites' crawls one reactor turn apart, so the first site
    fetches while the others are still being set up (tens of ms each); stops the reactor
    when all are done."""

    def __init__(self, process: CrawlerProcess, sites: list[SiteConfig]):
        self.process = process
        self.crawlers: dict[str, Crawler] = {}
        self.pending = list(sites)
        self.stopping = False
        self.started = False

    def next(self) -> None:
        if self.pending and not self.stopping:
            self.started = True
            site = self.pending.pop(0)
            crawler = self.process.create_crawler(worker_spider_class(site))
            self.crawlers[site.name] = crawler
            self.process.crawl(crawler)
            from twisted.internet import reactor

            reactor.callWhenRunning(call_later, 0, self.next)
            return
        self.process.join().addBoth(_stop_reactor)

    def stop(self) -> None:
        """First SIGINT/SIGTERM: close every site's crawl; the scheduler returns its leases."""
        logger.warning("stopping: returning leases to the queue (a second signal stops at once)")
        self.stopping = True
        if self.started:  # else the reactor is not even installed: nothing to stop
            from twisted.internet import reactor

            reactor.callFromThread(self.process.stop)


def _stop_reactor(_: object) -> None:
    from twisted.internet import reactor

    if reactor.running:
        reactor.stop()  # type: ignore[misc]  # twisted types stop() as an interface method


def _result(site: SiteConfig, crawler: Crawler | None) -> WorkerResult:
    """The site's figures; zeros for a site whose crawl a stop came before."""
    figures: dict[str, Any] = crawler.stats.get_stats() if crawler and crawler.stats else {}
    return WorkerResult(
        site=site.name,
        requests=int(figures.get("downloader/request_count", 0)),
        articles=stats.value(figures, "cluster/articles_pushed"),
        known_skipped=stats.value(figures, "skipped/known"),
        reclaimed=stats.value(figures, "cluster/reclaimed"),
        errors=stats.value(figures, "errors/requests"),
    )


def _scheduler(crawler: Crawler) -> ClusterScheduler:
    assert crawler.engine is not None
    scheduler = crawler.engine.scheduler
    assert isinstance(scheduler, ClusterScheduler)
    return scheduler


class ClusterOutputMiddleware:
    """Outermost spider middleware: articles to Redis, requests to the shared queue, then ack.

    Requests are queued here (`engine.crawl`, as Scrapy would) rather than yielded on,
    because Scrapy processes yielded output after the callback's iterator is exhausted;
    queuing them here makes "acknowledged" mean "all it produced is in Redis".
    """

    def __init__(self, crawler: Crawler, items: ItemQueue):
        self.crawler = crawler
        self.items = items

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        keys = Keys(crawler.settings.get("NEWSSPIDER_CLUSTER_PREFIX", "newsspider"))
        server = connect(crawler.settings["REDIS_URL"])
        return cls(crawler, ItemQueue(server, keys.items, keys.processing))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            if self._forward(output):
                yield output
        self._ack(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            if self._forward(output):
                yield output
        self._ack(response)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        self._ack(response)

    def _forward(self, output: Any) -> bool:
        """Queue a request (False: nothing to yield on) or push an article (True)."""
        assert self.crawler.engine is not None and self.crawler.stats is not None
        if isinstance(output, Request):
            self.crawler.engine.crawl(output)
            return False
        payload = json.dumps(ItemAdapter(output).asdict(), ensure_ascii=False)
        self.items.push(payload)
        stats.inc(self.crawler.stats, "cluster/articles_pushed")
        return True

    def _ack(self, response: Response) -> None:
        member = response.meta.get(LEASE_META)
        if member is not None:
            _scheduler(self.crawler).ack(member)


class LeaseAckMiddleware:
    """Last downloader middleware: a request without errback that failed for good is done
    (the spider's errback acknowledges the others, after counting the failure)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        member = request.meta.get(LEASE_META)
        if member is not None and request.errback is None:
            _scheduler(self.crawler).ack(member)


class WorkerIdle:
    """Keeps an idle worker waiting for work; with exit-when-idle, stops once the site is done.

    "Done" is cluster-wide: the site's queue is empty and no worker holds a lease on
    one of its requests (a lease of a killed worker is reclaimed after it expires).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.exit_when_idle = crawler.settings.getbool("NEWSSPIDER_CLUSTER_EXIT_WHEN_IDLE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self) -> None:
        scheduler = _scheduler(self.crawler)
        scheduler.reclaim_if_due()
        if self.exit_when_idle and not len(scheduler.queue) and not scheduler.lease_queue.leased():
            return
        raise DontCloseSpider
