"""The finished articles on Redis, acknowledged after commit: workers push, ingest takes.

Apart from the request queue (`newsspider.cluster.queues`) so that ingest, which stores
articles and never crawls, starts without loading Scrapy.
"""

from __future__ import annotations

from typing import Any


class ItemQueue:
    """The finished articles: workers push JSON; the one ingest takes and acknowledges.

    `take` moves items atomically (LMOVE) into a processing list; `ack` empties it only
    after the SQLite commit, and `unacknowledged` gives what a killed ingest had taken.
    """

    def __init__(self, server: Any, items_key: str, processing_key: str):
        self.server = server
        self.items_key = items_key
        self.processing_key = processing_key

    def push(self, payload: str) -> None:
        self.server.lpush(self.items_key, payload)

    def unacknowledged(self) -> list[bytes]:
        return list(self.server.lrange(self.processing_key, 0, -1))

    def take(self, count: int, block_seconds: float) -> list[bytes]:
        """Up to `count` items, waiting up to `block_seconds` for the first one."""
        first = self.server.blmove(
            self.items_key, self.processing_key, block_seconds, "RIGHT", "LEFT"
        )
        if first is None:
            return []
        taken = [first]
        while len(taken) < count:
            item = self.server.lmove(self.items_key, self.processing_key, "RIGHT", "LEFT")
            if item is None:
                break
            taken.append(item)
        return taken

    def ack(self) -> None:
        """Everything taken is committed: forget it (one ingest, so the list is ours)."""
        self.server.delete(self.processing_key)

    def __len__(self) -> int:
        return int(self.server.llen(self.items_key))
