"""The names of every Redis key the cluster uses, in one place (sizing: docs/cluster.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str

    def requests(self, site: str) -> str:
        """List of pickled requests waiting for a worker (LPUSH in, RPOP out)."""
        return f"{self.prefix}:{site}:requests"

    def leases(self, site: str) -> str:
        """Sorted set of requests taken by a worker, scored by the lease deadline (ms)."""
        return f"{self.prefix}:{site}:leases"

    def dupefilter(self, site: str) -> str:
        """scrapy-redis' set of request fingerprints seen in the site's current round."""
        return f"{self.prefix}:{site}:dupefilter"

    def known(self, site: str) -> str:
        """Set of `id:<news_id>` and `url:<url>` of stored articles, published by ingest."""
        return f"{self.prefix}:{site}:known"

    def round(self, site: str) -> str:
        """Hash of the site's current round: when it started, its counters (cluster/rounds)."""
        return f"{self.prefix}:{site}:round"

    @property
    def items(self) -> str:
        """List of finished articles as JSON, waiting for ingest."""
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:
        """Items ingest has taken but not yet committed (replayed after a crash)."""
        return f"{self.prefix}:items:processing"

    @property
    def rejected(self) -> str:
        """Items ingest could not read (bad JSON, unknown site), kept for inspection."""
        return f"{self.prefix}:items:rejected"

    @property
    def wake(self) -> str:
        """Pub/sub channel: a site's name when its queue got requests (cluster/wakeup)."""
        return f"{self.prefix}:wake"

    @property
    def ingest_lock(self) -> str:
        return f"{self.prefix}:ingest:lock"

    def rate_next(self, host: str) -> str:
        """When the next request to `host` may start (ms, Redis clock)."""
        return f"{self.prefix}:rate:{host}:next"

    def rate_slots(self, host: str) -> str:
        """Sorted set of requests to `host` in flight, scored by when they are presumed dead."""
        return f"{self.prefix}:rate:{host}:slots"
