"""Faults with a real redis-server: restarts with and without persistence, an outage longer
than the lease, a wrong password, signals while Redis is down, a worker stopped mid-crawl.

Every process must end without a traceback; every article is stored exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from newsspider.demo import DemoServer
from tests.cluster.conftest import RedisProcess, free_port
from tests.cluster.test_cluster_run import (
    PER_SECTION,
    SECTIONS,
    _article_requests,
    _cli,
    _config,
    _enqueue,
    _start,
    _stored,
)
from tests.support.programs import requires_redis

pytestmark = requires_redis
EXPECTED = 3 * PER_SECTION


@pytest.fixture(scope="module")
def demo():
    with DemoServer(articles_per_section=PER_SECTION) as server:
        yield server


def _clean_exit(process: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert "Traceback" not in err, err
    assert process.returncode == 0, err
    return out


def _crawl_with_outage(
    tmp_path: Path, demo: DemoServer, server: RedisProcess, outage_s: float, *, graceful: bool
) -> tuple[Path, Path, int]:
    """enqueue, one worker and ingest; Redis goes away mid-crawl (see `_stop_mid_crawl`).

    Returns the config, the database and how many requests were queued at the outage.
    """
    config, db = _config(tmp_path, demo, server, "fault", delay=0.04), tmp_path / "news.db"
    demo.clear_requests()
    _enqueue(config, db)
    worker = _start(config, db, "worker", "--exit-when-idle", "--concurrency", "4")
    ingest = _start(config, db, "ingest", "--exit-when-idle", "--out", str(tmp_path / "feeds"))
    queued = _stop_mid_crawl(demo, server, graceful=graceful)
    time.sleep(outage_s)
    server.start()
    _clean_exit(worker)
    _clean_exit(ingest)
    return config, db, queued


def _stop_mid_crawl(demo: DemoServer, server: RedisProcess, *, graceful: bool) -> int:
    """Stop Redis once 30 articles were fetched and requests wait in a site's queue.

    A worker holds up to `--concurrency` requests per site under lease, in its own memory;
    it finishes them after the outage and queues their links in the Redis that is back.
    A listing page among them carries its site's crawl on to the last page, so a site
    whose queue is empty at the outage loses nothing (all leased: common on a loaded
    machine). The queues are read with writes paused (CLIENT PAUSE WRITE), so what they
    hold is exactly what the outage takes; queued requests always include the site's next
    listing page (FIFO: it is queued after its page's articles), and with it the rest of
    the site. Returns how many requests were queued.
    """
    client = redis.Redis(port=server.port)
    queues = [f"fault:demo_{section}:requests" for section in SECTIONS]
    deadline = time.monotonic() + 60
    while len(_article_requests(demo)) < 30:
        assert time.monotonic() < deadline, "the crawl never reached 30 articles"
        time.sleep(0.05)
    while True:
        client.client_pause(10_000, all=False)  # writes wait; reads, and the state, stay
        queued = sum(client.llen(key) for key in queues)
        if queued:
            break
        client.client_unpause()
        assert time.monotonic() < deadline, "no request was ever queued, all were leased"
        time.sleep(0.02)
    assert len(_article_requests(demo)) < EXPECTED, "the crawl was over before the outage"
    client.close()
    server.shut_down() if graceful else server.stop()
    return queued


@pytest.mark.parametrize(
    "outage_s",
    # 3 s: a restart; 6 s: longer than lease_timeout (3 s in _config), so the ingest lock and
    # every lease expire meanwhile.
    [3, 6],
    ids=["restart", "outage_longer_than_the_lease"],
)
def test_with_persistence_a_restart_or_outage_loses_nothing(tmp_path, demo, outage_s):
    server = RedisProcess(data_dir=tmp_path).start()
    try:
        _, db, _ = _crawl_with_outage(tmp_path, demo, server, outage_s, graceful=True)
    finally:
        server.stop()
    stored = _stored(db)
    assert len(stored) == len(set(stored)) == EXPECTED


def test_without_persistence_the_next_round_fetches_only_what_is_missing(tmp_path, demo):
    server = RedisProcess().start()
    try:
        config, db, queued = _crawl_with_outage(tmp_path, demo, server, 1, graceful=False)
        before = set(_stored(db))
        assert queued > 0  # what the outage took: requests no worker held
        assert 0 < len(before) < EXPECTED  # the queue was lost with Redis
        out = tmp_path / "feeds"
        _clean_exit(_start(config, db, "ingest", "--exit-when-idle", "--out", str(out)))
        demo.clear_requests()
        _enqueue(config, db)
        worker = _start(config, db, "worker", "--exit-when-idle", "--concurrency", "4")
        ingest = _start(config, db, "ingest", "--exit-when-idle", "--out", str(out))
        _clean_exit(worker)
        _clean_exit(ingest)
    finally:
        server.stop()
    stored = _stored(db)
    assert len(stored) == len(set(stored)) == EXPECTED
    truth = demo.truth().by_path()
    refetched = [
        path
        for path in _article_requests(demo)
        if (f"demo_{truth[path].section}", truth[path].news_id) in before
    ]
    assert not refetched, "a stored article was fetched again"


@pytest.mark.parametrize("command", ["enqueue", "worker", "ingest"])
def test_a_wrong_password_is_a_configuration_error(tmp_path, command):
    server = RedisProcess(password="right").start()
    try:
        config = tmp_path / "sites.toml"
        url = f"redis://:wrong@127.0.0.1:{server.port}/0"
        config.write_text(
            '[sites.s]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/"]\n'
            f'timezone = "UTC"\n[cluster]\nredis_url = "{url}"\n',
            encoding="utf-8",
        )
        done = subprocess.run(
            _cli(config, tmp_path / "n.db", command), capture_output=True, text=True, timeout=60
        )
    finally:
        server.stop()
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "redis_url" in lines[0] and "authentication failed" in lines[0]


@pytest.mark.parametrize("command", ["enqueue", "worker", "ingest"])
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("redis://127.0.0.1:{port}/999", "database number"),
        ("rediss://127.0.0.1:{port}/0", "TLS failed"),  # a plain Redis never answers TLS
    ],
)
def test_a_database_redis_lacks_or_a_tls_mismatch_fails_fast(tmp_path, command, url, problem):
    server = RedisProcess().start()
    try:
        config = tmp_path / "sites.toml"
        config.write_text(
            '[sites.s]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/"]\n'
            f'timezone = "UTC"\n[cluster]\nredis_url = "{url.format(port=server.port)}"\n',
            encoding="utf-8",
        )
        started = time.monotonic()
        done = subprocess.run(
            _cli(config, tmp_path / "n.db", command), capture_output=True, text=True, timeout=60
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "redis_url" in lines[0] and problem in lines[0], lines
    assert elapsed < 30, "a TLS handshake must time out like a connection, not like a command"


def _unreachable_config(tmp_path: Path) -> Path:
    config = tmp_path / "sites.toml"
    config.write_text(
        '[sites.s]\nkind = "portal"\nstart_urls = ["http://127.0.0.1:9/"]\n'
        f'timezone = "UTC"\n[cluster]\nredis_url = "redis://127.0.0.1:{free_port()}/0"\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_worker_obeys_signals_while_redis_is_down(tmp_path, signum, status):
    config = _unreachable_config(tmp_path)
    worker = _start(config, tmp_path / "n.db", "worker")
    deadline = time.monotonic() + 60
    while "Redis unreachable" not in (line := worker.stderr.readline()):  # type: ignore[union-attr]
        assert line and time.monotonic() < deadline, "the worker never said Redis is down"
    worker.send_signal(signum)
    _, err = worker.communicate(timeout=10)
    assert worker.returncode == status and "Traceback" not in err, err


def test_enqueue_waits_for_redis_a_bounded_time(tmp_path):
    config = _unreachable_config(tmp_path)
    started = time.monotonic()
    done = subprocess.run(
        _cli(config, tmp_path / "n.db", "enqueue", "--wait", "1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 5, done.stderr
    assert "unreachable" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 30


def test_a_stopped_worker_returns_its_leases_at_once(tmp_path, demo, redis_server):
    config, db = _config(tmp_path, demo, redis_server, "stop", delay=0.2), tmp_path / "news.db"
    _enqueue(config, db)
    worker = _start(config, db, "worker", "--concurrency", "8")
    client = redis.Redis(port=redis_server.port)
    leases = [f"stop:demo_{s}:leases" for s in ("alpha", "beta", "gamma")]
    deadline = time.monotonic() + 60
    while sum(client.zcard(key) for key in leases) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGINT)
    _, err = worker.communicate(timeout=30)
    assert worker.returncode == 130 and "Traceback" not in err, err
    assert sum(client.zcard(key) for key in leases) == 0
