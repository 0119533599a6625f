"""The worker scheduler's asks of an empty shared queue: back off while idle, reset on work."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from scrapy import Request

from newsspider.cluster import scheduler as scheduler_module
from newsspider.cluster.queues import LEASE_META
from newsspider.cluster.scheduler import ClusterScheduler


class _Queue:
    """A shared queue holding whatever the test puts in `requests`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def pop(self) -> Request | None:
        return self.requests.pop(0) if self.requests else None


@pytest.fixture
def asks(monkeypatch):
    """The delays of the fallback asks the scheduler schedules, and the scheduler."""
    delays: list[float] = []
    calls: list = []

    def call_later(delay, function):
        delays.append(delay)
        calls.append(function)

    monkeypatch.setattr(scheduler_module, "call_later", call_later)
    scheduler = ClusterScheduler.__new__(ClusterScheduler)
    scheduler.queue = _Queue()
    scheduler.crawler = SimpleNamespace(engine=None)
    scheduler.held = set()
    scheduler.lease_seconds = 3600.0
    scheduler.last_reclaim = time.monotonic()  # no reclaim during the test
    scheduler.fallback_pending = False
    scheduler.idle_poll = scheduler_module.IDLE_POLL_SECONDS

    def idle_rounds(count: int) -> None:
        """The engine asks, finds nothing, and the scheduled fallback fires, `count` times."""
        for _ in range(count):
            assert scheduler.next_request() is None
            if calls:
                calls.pop()()

    return SimpleNamespace(scheduler=scheduler, delays=delays, idle_rounds=idle_rounds)


def test_an_idle_site_is_asked_less_and_less_then_left_to_the_heartbeat(asks):
    asks.idle_rounds(10)
    assert asks.delays == [1.0, 2.0, 4.0]


def test_asks_do_not_pile_up_while_one_is_pending(asks):
    for _ in range(5):
        assert asks.scheduler.next_request() is None
    assert asks.delays == [1.0]


def test_a_wake_up_or_a_request_taken_makes_the_next_ask_soon_again(asks):
    asks.idle_rounds(10)
    asks.scheduler._woken()
    asks.idle_rounds(1)
    assert asks.delays == [1.0, 2.0, 4.0, 1.0]

    asks.idle_rounds(10)
    asks.scheduler.queue.requests.append(Request("http://a.test/", meta={LEASE_META: b"m"}))
    assert asks.scheduler.next_request() is not None
    asks.idle_rounds(2)
    assert asks.delays == [1.0, 2.0, 4.0, 1.0, 2.0, 4.0, 1.0, 2.0]
