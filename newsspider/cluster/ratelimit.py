"""Politeness for the whole cluster: per-host delay and concurrency kept in Redis.

Each worker asks Redis before every download; one Lua script grants a request only when
fewer than `concurrency` requests to the host are in flight anywhere in the cluster and
the host's next allowed start time has come (then pushes it `delay` further). Adding
workers therefore adds throughput across hosts, never pressure on one host.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

from newsspider.cluster.connection import connect
from newsspider.cluster.keys import Keys

logger = logging.getLogger(__name__)
SLOT_META = "newsspider_rate_slot"
MIN_POLL_MS = 20

# KEYS: next-start key, in-flight set. ARGV: delay ms, concurrency, token, slot lifetime ms.
# Returns 0 when granted, else how many ms to wait before asking again.
_ACQUIRE = """
local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(tonumber(first[2]) - now, 50))
end
local ready = tonumber(redis.call('GET', KEYS[1]) or '0')
if ready > now then return ready - now end
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + delay, 'PX', delay + 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
return 0
"""


class SharedRateLimit:
    """Grants download starts per host across every worker sharing one Redis."""

    def __init__(self, server: Any, keys: Keys):
        self.server = server
        self.keys = keys
        self._acquire = server.register_script(_ACQUIRE)

    def try_acquire(
        self, host: str, token: str, delay_s: float, concurrency: int, hold_s: float
    ) -> int:
        """0 when the request may start now, else milliseconds to wait before asking again."""
        keys = [self.keys.rate_next(host), self.keys.rate_slots(host)]
        args = [int(delay_s * 1000), concurrency, token, int(hold_s * 1000)]
        return int(self._acquire(keys=keys, args=args))

    def release(self, host: str, token: str) -> None:
        self.server.zrem(self.keys.rate_slots(host), token)


class ClusterRateLimitMiddleware:
    """Downloader middleware: wait for the cluster-wide grant, free the slot when done.

    Delay and concurrency are the requesting site's `download_delay` and `concurrency`;
    a slot whose worker died is freed after the site's timeout plus a margin.
    """

    def __init__(self, crawler: Crawler, limit: SharedRateLimit):
        self.crawler = crawler
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("REDIS_URL")
        if not url:
            raise NotConfigured("cluster rate limit needs REDIS_URL")
        keys = Keys(crawler.settings.get("NEWSSPIDER_CLUSTER_PREFIX", "newsspider"))
        return cls(crawler, SharedRateLimit(connect(url), keys))

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        site = getattr(self.crawler.spider, "site", None)
        if not host or site is None:
            return
        token = uuid.uuid4().hex
        hold = site.timeout + 30.0
        while wait_ms := self.limit.try_acquire(
            host, token, site.download_delay, site.concurrency, hold
        ):
            await sleep(max(wait_ms, MIN_POLL_MS) / 1000)
        request.meta[SLOT_META] = (host, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(SLOT_META, None)
        if slot is not None:
            self.limit.release(*slot)
