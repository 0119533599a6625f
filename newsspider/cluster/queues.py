"""The reliable request queue on Redis: requests held under a lease (items: `itemqueue`).

scrapy-redis pops a request destructively, so a worker killed mid-download would lose it
for good. `LeaseQueue` keeps the scrapy-redis queue interface (push/pop/len/clear, the
same pickled encoding) but moves each popped request into a lease set with a deadline;
the worker acknowledges it once everything the request produced is in Redis, and an
expired lease (its worker died) puts the request back at the head of the queue.
"""

from __future__ import annotations

import uuid
from typing import Any

from scrapy import Request, Spider
from scrapy_redis.queue import Base

from newsspider.cluster.config import DEFAULT_LEASE_SECONDS
from newsspider.cluster.keys import Keys

LEASE_META = "newsspider_lease"
_TOKEN_LENGTH = 32  # uuid4().hex; a lease member is b"<token>|<request data>"

_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"
_TAKE = (
    _NOW_MS
    + """
local data = redis.call('RPOP', KEYS[1])
if not data then return false end
local member = ARGV[1] .. '|' .. data
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), member)
return member
"""
)
_RENEW = (
    _NOW_MS
    + """
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return #ARGV - 1
"""
)
# ARGV[1]: 1 to put back only expired leases, 0 to put back the members named after it.
_PUT_BACK = (
    _NOW_MS
    + """
local members
if ARGV[1] == '1' then
  members = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
else
  members = {unpack(ARGV, 2)}
end
local moved = 0
for _, member in ipairs(members) do
  if redis.call('ZREM', KEYS[2], member) == 1 then
    redis.call('RPUSH', KEYS[1], string.sub(member, TOKEN_END))
    moved = moved + 1
  end
end
return moved
""".replace("TOKEN_END", str(_TOKEN_LENGTH + 2))
)


class LeaseQueue(Base):
    """A per-site FIFO of requests whose pops are leases (see the module docstring).

    `lease_ms` comes from the `NEWSSPIDER_CLUSTER_LEASE` setting (seconds) of the spider.
    Every push, and every request put back, is announced on the `wake` channel of the
    `NEWSSPIDER_CLUSTER_PREFIX` keys (see `newsspider.cluster.wakeup`).
    """

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.lease_key = self.key.removesuffix(":requests") + ":leases"
        settings = getattr(spider, "settings", None)
        seconds = (
            settings.getfloat("NEWSSPIDER_CLUSTER_LEASE", DEFAULT_LEASE_SECONDS)
            if settings
            else DEFAULT_LEASE_SECONDS
        )
        self.lease_ms = int(seconds * 1000)
        prefix = settings.get("NEWSSPIDER_CLUSTER_PREFIX", "newsspider") if settings else ""
        self.wake_channel = Keys(prefix).wake
        self.site = spider.name
        self._take = server.register_script(_TAKE)
        self._renew = server.register_script(_RENEW)
        self._put_back = server.register_script(_PUT_BACK)

    def __len__(self) -> int:
        return int(self.server.llen(self.key))

    def encode(self, request: Request) -> bytes:
        """The queue's form of `request` (a pickle, as scrapy-redis stores it)."""
        request.meta.pop(LEASE_META, None)
        data: bytes = self._encode_request(request)
        return data

    def push(self, request: Request) -> None:
        data = self.encode(request)

        def send() -> None:
            pipe = self.server.pipeline(transaction=False)
            pipe.lpush(self.key, data)
            pipe.publish(self.wake_channel, self.site)
            pipe.execute()

        self.server.patiently(send)

    def pop(self, timeout: int = 0) -> Request | None:
        member = self._take(keys=[self.key, self.lease_key], args=[uuid.uuid4().hex, self.lease_ms])
        if not member:
            return None
        request: Request = self._decode_request(member[_TOKEN_LENGTH + 1 :])
        request.meta[LEASE_META] = member
        return request

    def ack(self, member: bytes) -> None:
        self.server.zrem(self.lease_key, member)

    def renew(self, members: list[bytes]) -> None:
        if members:
            self._renew(keys=[self.lease_key], args=[self.lease_ms, *members])

    def put_back(self, members: list[bytes]) -> int:
        """Return these leased requests to the head of the queue now (a worker stopping)."""
        if not members:
            return 0
        return self._announced(self._put_back(keys=[self.key, self.lease_key], args=[0, *members]))

    def reclaim_expired(self) -> int:
        """Put the requests whose lease ran out back at the head of the queue."""
        return self._announced(self._put_back(keys=[self.key, self.lease_key], args=[1]))

    def _announced(self, moved: int) -> int:
        if moved:
            self.server.publish(self.wake_channel, self.site)
        return int(moved)

    def leased(self) -> int:
        return int(self.server.zcard(self.lease_key))


def reclaim_expired(server: Any, requests_key: str, leases_key: str) -> int:
    """`LeaseQueue.reclaim_expired` for callers without a spider (enqueue, ingest)."""
    script = server.register_script(_PUT_BACK)
    return int(script(keys=[requests_key, leases_key], args=[1]))
