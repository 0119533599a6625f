"""Scrapy middlewares that keep a hostile web from knocking the crawl over or turning it around.

- `AddressGuardMiddleware`: no connection to a denied IP address (private, loopback,
  link-local by default), checked on the resolved address of every request and redirect.
- `BackoffRetryMiddleware`: Scrapy's retries, spaced by exponential backoff and `Retry-After`.
- `EncodingRepairMiddleware`: a page whose declared charset is wrong is decoded right.
- `CrawlLimitsMiddleware`: per-site budgets (requests, depth, URL shape) end a branch.
- `RequestPurposeMiddleware`: every request sent is counted by purpose
  (`newsspider/requests/<purpose>`: robots, listing, article, recheck, asset).

Every branch ended is counted in the stats under `newsspider/skipped/<reason>`, every
request that failed for good under `newsspider/errors/<reason>` (see `failure_reason`).
"""

from __future__ import annotations

import logging
import time
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import run_in_thread, sleep
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from newsspider import stats
from newsspider.browser import RenderTimeoutError
from newsspider.extract.encoding import better_encoding
from newsspider.guard import (
    AddressPolicy,
    backoff_delay,
    ip_literal,
    resolve_host,
    retry_after_seconds,
    url_limit_reason,
)
from newsspider.incremental import REFRESH
from newsspider.politeness import request_purpose

logger = logging.getLogger(__name__)


class RequestSkipped(IgnoreRequest):
    """A request refused on purpose (address, limit): counted as skipped, not as an error."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class UnresolvedHost(IgnoreRequest):
    """A host name that resolves to no address: a failed request (`dns`), not a refusal."""


class Interrupted(IgnoreRequest):
    """A queued request dropped because the run was interrupted (counted as skipped)."""


STOP_CHECK_SECONDS = 0.2  # how soon a wait notices that the crawl is stopping


async def wait_unless_stopping(crawler: Crawler, seconds: float) -> None:
    """Sleep `seconds` (a retry's backoff, a Crawl-delay) unless the crawl is stopping
    (Ctrl-C, SIGTERM, `scrapy crawl` included): then raise `Interrupted` at once, counted as
    skipped, so a stop never waits out a server's `Retry-After` nor sends the retry."""
    end = time.monotonic() + seconds
    while True:
        engine = crawler.engine
        if engine is not None and not engine.running:
            count(crawler, "skipped/interrupted")
            raise Interrupted("the run was interrupted")
        left = end - time.monotonic()
        if left <= 0:
            return
        await sleep(min(left, STOP_CHECK_SECONDS))


def failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed for good (`http_503`, `timeout`, ...)."""
    error = failure.value
    if isinstance(error, RequestSkipped | RenderTimeoutError):
        return error.reason
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, ResponseDataLossError):
        return "data_loss"
    if isinstance(error, DownloadCancelledError):
        return "too_large"
    if isinstance(error, Interrupted):
        return "interrupted"
    if isinstance(error, CannotResolveHostError | UnresolvedHost):
        return "dns"
    if isinstance(error, DownloadConnectionRefusedError | ConnectionRefusedError):
        return "connection_refused"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "offsite" in message:
            return "offsite"
        if "max size" in message.lower() or "DOWNLOAD_MAXSIZE" in message:
            return "too_large"
        if "redirect" in message.lower():
            return "redirect_loop"
        return "ignored"
    if isinstance(
        error,
        ConnectError
        | ConnectionLost
        | ConnectionDone
        | ResponseNeverReceived
        | DownloadFailedError,
    ):
        return "connection"
    if isinstance(error, ResponseFailed):
        return "data_loss" if "DataLoss" in repr(error.reasons) else "connection"
    return type(error).__name__


# Refusals counted where they are decided (Scrapy's `offsite/filtered`, our address guard).
SKIP_REASONS = frozenset({"offsite", "blocked_address", "interrupted"})


def count(crawler: Crawler, key: str) -> None:
    stats.inc(crawler.stats, key)


class AddressGuardMiddleware:
    """Refuse requests whose host resolves to a denied address, before connecting.

    Runs for every request, so redirects (new requests) are checked again. Hosts
    are resolved once per crawl (every address of a name must be allowed).
    """

    def __init__(self, crawler: Crawler, policy: AddressPolicy):
        self.crawler = crawler
        self.policy = policy
        self.resolved: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        policy = AddressPolicy.from_strings(
            settings.getlist("NEWSSPIDER_DENY_ADDRESSES"),
            settings.getlist("NEWSSPIDER_ALLOW_ADDRESSES"),
        )
        return cls(crawler, policy)

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if not host:
            return
        addresses = await self.addresses_of(host)
        if not addresses:
            raise UnresolvedHost(f"{host} resolves to no address")
        denied = self.policy.denied(addresses)
        if denied:
            count(self.crawler, "skipped/blocked_address")
            logger.warning("blocked %s: %s resolves to %s", request.url, host, denied)
            raise RequestSkipped("blocked_address", f"{host} -> {', '.join(denied)}")

    async def addresses_of(self, host: str) -> tuple[str, ...]:
        literal = ip_literal(host)
        if literal is not None:
            return (str(literal),)
        if host not in self.resolved:
            self.resolved[host] = await run_in_thread(resolve_host, host)
        return self.resolved[host]


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 429, resets, timeouts, cut responses), spaced out.

    The n-th retry waits `NEWSSPIDER_RETRY_BACKOFF * 2**(n-1)` seconds, or what
    `Retry-After` asks if longer; a server asking for more than the site's
    `max_retry_delay` is not retried. The wait holds the request's download slot,
    so a struggling site is given room rather than more requests.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSSPIDER_RETRY_BACKOFF", 1.0)
        self.max_delay = settings.getfloat("NEWSSPIDER_MAX_RETRY_DELAY", 60.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        header = response.headers.get("Retry-After")
        asked = retry_after_seconds(header.decode("latin-1") if header else None)
        if asked is not None and asked > self.max_delay:
            count(self.crawler, "warnings/retry_after_too_long")
            return response
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await wait_unless_stopping(self.crawler, max(asked or 0.0, self._backoff(retry)))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await wait_unless_stopping(self.crawler, self._backoff(retry))
        return retry

    def _backoff(self, retry: Request) -> float:
        return backoff_delay(int(retry.meta.get("retry_times", 1)), self.backoff, self.max_delay)


class EncodingRepairMiddleware:
    """Re-decode an HTML page whose declared (or guessed) charset gives mojibake or noise."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        encoding = better_encoding(response.body, response.text, response.encoding)
        if encoding is None:
            return response
        count(self.crawler, "warnings/charset_repaired")
        logger.info("%s: decoded as %s, not %s", response.url, encoding, response.encoding)
        return response.replace(encoding=encoding)


class CrawlLimitsMiddleware(BaseSpiderMiddleware):
    """Per-site budgets on what a spider may request: count, depth and URL shape.

    A request over a limit is dropped with `newsspider/skipped/<reason>`; the rest
    of the crawl goes on. Depth counts links followed from the start URLs
    (DepthMiddleware's `depth`); the budget counts every request admitted.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.max_requests = settings.getint("NEWSSPIDER_MAX_REQUESTS", 2000)
        self.max_depth = settings.getint("NEWSSPIDER_MAX_DEPTH", 20)
        self.max_url_length = settings.getint("NEWSSPIDER_MAX_URL_LENGTH", 2048)
        self.max_query_params = settings.getint("NEWSSPIDER_MAX_QUERY_PARAMS", 12)
        self.requested = 0

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        depth = response.meta.get("depth", 0) + 1 if response is not None else 0
        reason = url_limit_reason(request.url, self.max_url_length, self.max_query_params)
        if reason is None and depth > self.max_depth:
            reason = "max_depth"
        if reason is None and self.requested >= self.max_requests:
            reason = "max_requests"
        if reason is not None:
            count(self.crawler, f"skipped/{reason}")
            logger.debug("skipped %s (%s)", request.url, reason)
            return None
        self.requested += 1
        return request


class RequestPurposeMiddleware:
    """Counts each request that goes out by why it is sent (just before Scrapy's own count,
    so retries and redirects count, and a robots.txt answered from the cache does not)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        callback = getattr(request.callback, "__name__", None)
        purpose = request_purpose(request.url, callback, bool(request.meta.get(REFRESH)))
        count(self.crawler, f"requests/{purpose}")
