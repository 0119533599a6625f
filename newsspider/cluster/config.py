"""The `[cluster]` table: where the shared Redis is and how long leases last.

Kept apart from `newsspider.config` so that single-machine runs never import Redis;
`parse_cluster` validates the table up front like every other table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from newsspider.errors import ConfigError

_TYPES: dict[str, tuple[type, ...]] = {
    "redis_url": (str,),
    "key_prefix": (str,),
    "lease_timeout": (int, float),
    "ingest_batch": (int,),
}


# A killed worker's requests go back to the queue within this plus a third of it.
DEFAULT_LEASE_SECONDS = 10.0


@dataclass(frozen=True)
class ClusterOptions:
    """How workers, enqueue and ingest share one Redis.

    `lease_timeout`: seconds after which a request taken by a worker that stopped
    renewing its lease (a killed worker) goes back to the queue; live workers renew
    every third of it. `ingest_batch`: items per SQLite commit in `ingest`.
    """

    redis_url: str
    key_prefix: str = "newsspider"
    lease_timeout: float = DEFAULT_LEASE_SECONDS
    ingest_batch: int = 100


def parse_cluster(where: str, table: Any) -> ClusterOptions | None:
    """The validated `[cluster]` table, or None when the file has none."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="cluster")
    for key, value in table.items():
        expected = _TYPES.get(key)
        if expected is None:
            raise ConfigError(
                where, f"unknown key (known keys: {', '.join(_TYPES)})", key=f"cluster.{key}"
            )
        if not isinstance(value, expected) or isinstance(value, bool):
            names = " or ".join(t.__name__ for t in expected)
            raise ConfigError(
                where, f"must be {names}, got {type(value).__name__}", key=f"cluster.{key}"
            )
    if "redis_url" not in table:
        raise ConfigError(where, "is required", key="cluster.redis_url")
    if urlparse(table["redis_url"]).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            where, "must be a redis://, rediss:// or unix:// URL", key="cluster.redis_url"
        )
    if not re.fullmatch(r"[A-Za-z0-9_.:-]+", table.get("key_prefix", "newsspider")):
        raise ConfigError(
            where, "use letters, digits, '_', '-', '.', ':'", key="cluster.key_prefix"
        )
    if table.get("lease_timeout", DEFAULT_LEASE_SECONDS) < 1 or table.get("ingest_batch", 100) < 1:
        bad = (
            "lease_timeout"
            if table.get("lease_timeout", DEFAULT_LEASE_SECONDS) < 1
            else "ingest_batch"
        )
        raise ConfigError(where, "must be at least 1", key=f"cluster.{bad}")
    return ClusterOptions(**table)
