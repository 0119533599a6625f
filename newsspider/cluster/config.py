"""The `[cluster]` table: where the shared Redis is and how long leases last.

Kept apart from `newsspider.config` so that single-machine runs never import Redis;
`parse_cluster` validates the table up front like every other table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from newsspider.config.checks import check_declared, check_types
from newsspider.config.rules import at_least_one, key, required, toml_types
from newsspider.errors import ConfigError

# A killed worker's requests go back to the queue within this plus a third of it.
DEFAULT_LEASE_SECONDS = 10.0
REDIS_SCHEMES = ("redis", "rediss", "unix")


def _redis_url(url: str) -> str | None:
    ok = urlparse(url).scheme in REDIS_SCHEMES
    return None if ok else "must be a redis://, rediss:// or unix:// URL"


def _key_prefix(prefix: str) -> str | None:
    ok = re.fullmatch(r"[A-Za-z0-9_.:-]+", prefix)
    return None if ok else "use letters, digits, '_', '-', '.', ':'"


@dataclass(frozen=True)
class ClusterOptions:
    """The `[cluster]` table: how workers, enqueue and ingest share one Redis
    (docs/cluster.md's key table is generated from these declarations)."""

    redis_url: str = key(
        doc="the shared Redis: `redis://`, `rediss://` (TLS) or `unix://`", check=(_redis_url,)
    )
    key_prefix: str = key(
        "newsspider",
        doc="every Redis key starts with it, so several clusters can share one Redis",
        check=(_key_prefix,),
    )
    lease_timeout: float = key(
        DEFAULT_LEASE_SECONDS,
        doc="seconds after which the requests a worker took go back to the queue when it"
        " stopped renewing its lease (a killed worker); live workers renew every third of it",
        check=(at_least_one,),
    )
    ingest_batch: int = key(100, doc="items per SQLite commit in `ingest`", check=(at_least_one,))


CLUSTER_TYPES = toml_types(ClusterOptions)


def parse_cluster(where: str, table: Any) -> ClusterOptions | None:
    """The validated `[cluster]` table, or None when the file has none."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", key="cluster")
    check_types(where, None, table, CLUSTER_TYPES, prefix="cluster.")
    for name in required(ClusterOptions):
        if name not in table:
            raise ConfigError(where, "is required", key=f"cluster.{name}")
    check_declared(where, None, table, ClusterOptions, prefix="cluster.")
    return ClusterOptions(**table)
