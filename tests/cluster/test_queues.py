"""Leases, the acknowledged item queue, the rate limit and waiting for Redis, on a real Redis."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from types import SimpleNamespace

from scrapy import Request
from scrapy.settings import Settings

from newsspider.cluster.connection import connect
from newsspider.cluster.ingest import Ingester
from newsspider.cluster.itemqueue import ItemQueue
from newsspider.cluster.keys import Keys
from newsspider.cluster.queues import LEASE_META, LeaseQueue, reclaim_expired
from newsspider.cluster.ratelimit import SharedRateLimit
from newsspider.config import load_config
from tests.cluster.conftest import RedisProcess, free_port
from tests.support.programs import requires_redis

pytestmark = requires_redis

KEYS = Keys("t")


def _queue(redis_server: RedisProcess, lease_s: float = 60.0) -> LeaseQueue:
    spider = SimpleNamespace(name="site", settings=Settings({"NEWSSPIDER_CLUSTER_LEASE": lease_s}))
    return LeaseQueue(connect(redis_server.url), spider, KEYS.requests("site"))


def test_a_taken_request_is_leased_until_acknowledged(redis_server, redis_client):
    queue = _queue(redis_server)
    queue.push(Request("http://example.org/a"))
    request = queue.pop()
    assert request is not None and request.url == "http://example.org/a"
    assert len(queue) == 0 and queue.leased() == 1
    assert reclaim_expired(queue.server, queue.key, queue.lease_key) == 0  # lease still valid
    queue.ack(request.meta[LEASE_META])
    assert queue.leased() == 0 and queue.pop() is None


def test_an_expired_lease_goes_back_to_the_head_of_the_queue(redis_server, redis_client):
    queue = _queue(redis_server, lease_s=0.2)
    for name in ("first", "second"):
        queue.push(Request(f"http://example.org/{name}"))
    assert queue.pop().url.endswith("/first")
    time.sleep(0.3)
    assert queue.reclaim_expired() == 1
    assert [queue.pop().url[-5:], queue.pop().url[-6:]] == ["first", "second"]


def test_renewed_leases_outlive_their_timeout_and_put_back_is_immediate(redis_server, redis_client):
    queue = _queue(redis_server, lease_s=0.3)
    queue.push(Request("http://example.org/a"))
    member = queue.pop().meta[LEASE_META]
    for _ in range(3):
        time.sleep(0.15)
        queue.renew([member])
    assert queue.reclaim_expired() == 0
    assert queue.put_back([member]) == 1 and len(queue) == 1 and queue.leased() == 0


def test_ingest_replays_what_a_killed_ingest_had_taken(tmp_path, redis_server, redis_client):
    config_path = tmp_path / "sites.toml"
    config_path.write_text(
        '[sites.s]\nkind = "portal"\nstart_urls = ["http://example.org/"]\n'
        f'timezone = "UTC"\n[cluster]\nredis_url = "{redis_server.url}"\nkey_prefix = "t"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    items = ItemQueue(connect(redis_server.url), KEYS.items, KEYS.processing)
    article = '{"site": "s", "url": "http://example.org/1", "news_id": "1", "title": "One"}'
    items.push(article)
    items.push(article.replace('"1"', '"2"').replace("One", "Two"))
    assert len(items.take(10, block_seconds=0.1)) == 2  # taken, then the ingest "died"
    assert len(items.unacknowledged()) == 2

    def run() -> None:
        options = config.cluster
        assert options is not None
        Ingester(config, options, str(tmp_path / "news.db")).run(
            exit_when_idle=True, on_idle=lambda changed: None
        )

    run()
    run()  # a replay of the same items changes nothing
    with sqlite3.connect(tmp_path / "news.db") as conn:
        stored = conn.execute("SELECT news_id FROM articles ORDER BY 1").fetchall()
    assert stored == [("1",), ("2",)]
    assert items.unacknowledged() == [] and len(items) == 0
    assert redis_client.sismember("t:s:known", "id:2")


def test_rate_limit_caps_concurrency_and_spaces_starts(redis_server, redis_client):
    limit = SharedRateLimit(connect(redis_server.url), KEYS)
    assert limit.try_acquire("h", "a", 0.0, 2, 10) == 0
    assert limit.try_acquire("h", "b", 0.0, 2, 10) == 0
    assert limit.try_acquire("h", "c", 0.0, 2, 10) > 0  # two in flight already
    limit.release("h", "a")
    assert limit.try_acquire("h", "c", 0.0, 2, 10) == 0
    assert limit.try_acquire("other", "x", 0.5, 9, 10) == 0
    assert 400 <= limit.try_acquire("other", "y", 0.5, 9, 10) <= 500


def test_commands_wait_for_redis_to_come_back(caplog):
    late = RedisProcess(free_port())
    client = connect(late.url, max_wait=30)  # never hangs, even if Redis cannot start
    starter = threading.Timer(0.5, late.start)
    starter.start()
    try:
        with caplog.at_level(logging.WARNING, logger="newsspider.cluster.connection"):
            assert client.ping()
    finally:
        starter.join()
        late.stop()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "Redis unreachable" in messages and "is back" in messages
