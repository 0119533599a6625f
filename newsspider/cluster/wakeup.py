"""Push-based scheduling: a worker hears at once that a site's queue got requests.

Whoever queues requests (a worker, `enqueue`, a lease put back) publishes the site's name
on `<prefix>:wake` in the same round trip. Each worker process listens on one thread and
has the site's engine ask the shared queue right away, instead of polling it. Messages
published while the listener was away are lost, so on reconnecting it wakes every site.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from redis.exceptions import RedisError

from newsspider.cluster.connection import RETRY_SECONDS, client_options

_LISTENERS: dict[tuple[str, str], Wakeups] = {}


class Wakeups:
    """The wake-up messages of one channel, dispatched to the reactor per site."""

    def __init__(self, url: str, channel: str):
        self.url = url
        self.channel = channel
        self.callbacks: dict[str, list[Callable[[], None]]] = {}
        threading.Thread(target=self._listen, name=f"wakeups {channel}", daemon=True).start()

    @classmethod
    def shared(cls, url: str, channel: str) -> Wakeups:
        """One listening thread per Redis and channel in a process."""
        key = (url, channel)
        return _LISTENERS.get(key) or _LISTENERS.setdefault(key, cls(url, channel))

    def on_wake(self, site: str, callback: Callable[[], None]) -> None:
        """Call `callback` in the reactor thread whenever `site`'s queue gets requests."""
        self.callbacks.setdefault(site, []).append(callback)

    def _listen(self) -> None:
        from twisted.internet import reactor

        options = client_options(self.url)
        client = redis.Redis.from_url(self.url, health_check_interval=30, **options)
        reconnecting = False
        while True:
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                if reconnecting:
                    everyone = [c for site in list(self.callbacks.values()) for c in site]
                    self._call(reactor, everyone)
                for message in pubsub.listen():
                    self._call(reactor, self.callbacks.get(message["data"].decode(), []))
            except RedisError:  # the patient clients report the outage; listen again after
                reconnecting = True
                time.sleep(RETRY_SECONDS)

    @staticmethod
    def _call(reactor: Any, callbacks: list[Callable[[], None]]) -> None:
        for callback in callbacks:
            reactor.callFromThread(callback)
