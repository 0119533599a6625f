"""A Redis client that waits for Redis instead of failing, with a clear log line.

Every command of the cluster (scrapy-redis' scheduler and dupefilter included) goes
through `execute_command`; when Redis is unreachable the caller waits and retries,
so a worker pauses while Redis restarts rather than crash-looping.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 2.0


class PatientRedis(redis.Redis):
    """`redis.Redis` whose commands retry every `RETRY_SECONDS` while Redis is away."""

    def execute_command(self, *args: Any, **options: Any) -> Any:
        outage_started: float | None = None
        while True:
            try:
                result = super().execute_command(*args, **options)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                if outage_started is None:
                    outage_started = time.monotonic()
                    logger.warning(
                        "Redis unreachable at %s (%s); waiting, retrying every %.0f s",
                        _where(self),
                        exc,
                        RETRY_SECONDS,
                    )
                time.sleep(RETRY_SECONDS)
                continue
            if outage_started is not None:
                logger.warning(
                    "Redis at %s is back after %.0f s",
                    _where(self),
                    time.monotonic() - outage_started,
                )
            return result


def _where(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('host', kwargs.get('path', '?'))}:{kwargs.get('port', '')}"


def connect(url: str) -> PatientRedis:
    """A patient client for `url` (bytes replies; connect and socket timeouts set)."""
    client = PatientRedis.from_url(url, socket_connect_timeout=5, socket_timeout=60)
    return cast(PatientRedis, client)


REDIS_PARAMS = {
    "redis_cls": "newsspider.cluster.connection.PatientRedis",
    "socket_connect_timeout": 5,
    "socket_timeout": 60,
}
"""scrapy-redis' `REDIS_PARAMS`: its connections are patient clients too."""
