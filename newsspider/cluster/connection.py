"""A Redis client that waits for Redis instead of failing, with a clear log line.

Every command of the cluster (scrapy-redis' scheduler and dupefilter included) goes
through `execute_command`. Only an unreachable Redis is waited out (connection refused,
a timeout, Redis loading its data): the caller retries every `RETRY_SECONDS`, so a worker
pauses while Redis restarts rather than crash-looping. A setting that cannot work (a
wrong password, a database number Redis does not have, a TLS mismatch) raises
`RedisConfigError` at once: waiting would never fix it.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import redis
from redis.exceptions import AuthenticationError, AuthorizationError, RedisError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from newsspider.errors import NewsspiderError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
T = TypeVar("T")
_OUTAGE: dict[str, float] = {}  # "since": when the current outage started (monotonic)


class RedisConfigError(NewsspiderError):
    """`[cluster] redis_url` names a Redis that refuses us: password, database or TLS."""

    exit_status = 2


class RedisUnavailable(NewsspiderError):
    """Redis stayed unreachable for longer than the caller would wait (`enqueue --wait`)."""

    exit_status = 5


def waiting_for_redis() -> bool:
    """Whether this process is waiting for an unreachable Redis right now."""
    return "since" in _OUTAGE


class PatientRedis(redis.Redis):
    """`redis.Redis` whose commands retry every `RETRY_SECONDS` while Redis is away.

    `max_wait` (seconds, None: for ever) bounds one outage; past it `RedisUnavailable`.
    """

    max_wait: float | None = None

    def execute_command(self, *args: Any, **options: Any) -> Any:
        return self.patiently(lambda: super(PatientRedis, self).execute_command(*args, **options))

    def patiently(self, call: Callable[[], T]) -> T:
        """`call()` (a command, or a pipeline built and executed inside it), retried
        while Redis is unreachable."""
        while True:
            try:
                result = call()
            except RedisError as exc:
                self._wait_or_raise(exc)
                continue
            if waiting_for_redis():
                started = _OUTAGE.pop("since")
                logger.warning(
                    "Redis at %s is back after %.0f s", where(self), time.monotonic() - started
                )
            return result

    def _wait_or_raise(self, exc: RedisError) -> None:
        problem = config_problem(exc)
        if problem is not None:
            raise RedisConfigError(f"[cluster] redis_url: Redis at {where(self)}: {problem}")
        if not isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
            raise exc
        if not waiting_for_redis():
            _OUTAGE["since"] = time.monotonic()
            logger.warning(
                "Redis unreachable at %s (%s); waiting, retrying every %.0f s",
                where(self),
                exc,
                RETRY_SECONDS,
            )
        waited = time.monotonic() - _OUTAGE["since"]
        if self.max_wait is not None and waited >= self.max_wait:
            _OUTAGE.pop("since", None)
            raise RedisUnavailable(
                f"Redis at {where(self)} unreachable for {waited:.0f} s ({exc}); gave up"
            )
        time.sleep(RETRY_SECONDS)


def config_problem(exc: RedisError) -> str | None:
    """What is wrong with the settings, when `exc` is one that waiting cannot fix."""
    message = str(exc)
    if isinstance(exc, (AuthenticationError, AuthorizationError)) or _auth_refused(message):
        return f"authentication failed ({message}): check the password in the URL"
    if isinstance(exc, ResponseError) and "DB index is out of range" in message:
        return f"{message}: the database number (the URL's /N) is too large for this Redis"
    context = exc.__context__
    if isinstance(context, ssl.SSLError) or "handshake" in str(context):
        return f"TLS failed ({context}): rediss:// needs a TLS port, redis:// a plain one"
    return None


def _auth_refused(message: str) -> bool:
    return message.startswith(("NOAUTH", "WRONGPASS")) or "without any password" in message


def where(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return str(kwargs["path"])
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '')}/{kwargs.get('db', 0)}"


class BoundedHandshakeConnection(redis.SSLConnection):
    """A TLS connection whose handshake has the connect timeout, not the (long) socket
    timeout: a plain Redis never answers a TLS hello, and a `rediss://` URL pointing at one
    must fail as quickly as a refused connection."""

    def _connect(self) -> Any:
        timeout = self.socket_timeout
        self.socket_timeout = self.socket_connect_timeout  # what the handshake runs under
        try:
            sock = super()._connect()
        finally:
            self.socket_timeout = timeout
        sock.settimeout(timeout)
        return sock


def client_options(url: str) -> dict[str, Any]:
    """The connect timeout for every client of `url`, and the bounded TLS handshake for
    `rediss://` (the wake-up listener blocks on its socket: it adds no socket timeout)."""
    options: dict[str, Any] = {"socket_connect_timeout": 5}
    if url.startswith("rediss://"):
        options["connection_class"] = BoundedHandshakeConnection
    return options


def connect(url: str, max_wait: float | None = None) -> PatientRedis:
    """A patient client for `url` (bytes replies; connect and socket timeouts set)."""
    client = cast(PatientRedis, PatientRedis.from_url(url, **_command_options(url)))
    client.max_wait = max_wait
    return client


def redis_params(url: str) -> dict[str, Any]:
    """scrapy-redis' `REDIS_PARAMS` for `url`: its connections are patient clients too."""
    return {"redis_cls": "newsspider.cluster.connection.PatientRedis", **_command_options(url)}


def _command_options(url: str) -> dict[str, Any]:
    return {**client_options(url), "socket_timeout": 60}
