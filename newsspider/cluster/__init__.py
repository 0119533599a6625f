"""Cluster mode: many workers share one frontier in Redis; one ingest writes SQLite.

Roles (docs/cluster.md): `enqueue` starts a round of the due sites, `worker` crawls
from the shared queue and pushes articles to Redis, `ingest` is the single writer.
Modules: config (the `[cluster]` table), keys (every Redis key), connection (a client
that waits for Redis), queues (leased requests, acknowledged items), scheduler and
ratelimit (what a worker's Scrapy uses), worker, enqueue, ingest.

This package's `__init__` stays light: `newsspider.config` imports `cluster.config`.
"""

from __future__ import annotations

from newsspider.cluster.config import ClusterOptions
from newsspider.config import Config
from newsspider.errors import ConfigError


def require_cluster(config: Config) -> ClusterOptions:
    """The `[cluster]` options, or a ConfigError saying how to set them."""
    if config.cluster is None:
        raise ConfigError(
            config.path, 'no [cluster] table: add one with redis_url = "redis://HOST:6379/0"'
        )
    return config.cluster
