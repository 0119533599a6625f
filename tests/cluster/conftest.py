"""A private redis-server on 127.0.0.1 and a random port, for the cluster tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProcess:
    """`redis-server` on loopback; `stop`/`start` simulate Redis going away.

    Without `data_dir` nothing persists (a restart starts empty); with it, appendonly
    persistence keeps everything across a restart, as docs/cluster.md recommends.
    `password` makes Redis require it.
    """

    def __init__(
        self, port: int | None = None, data_dir: Path | None = None, password: str | None = None
    ):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.data_dir = data_dir
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisProcess:
        assert REDIS_SERVER is not None
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--loglevel", "warning"]
        if self.data_dir is None:
            command += ["--appendonly", "no"]
        else:
            command += ["--appendonly", "yes", "--dir", str(self.data_dir)]
        if self.password:
            command += ["--requirepass", self.password]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, password=self.password)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Kill Redis (SIGKILL): without persistence everything is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def shut_down(self) -> None:
        """Stop Redis as an operator does (SIGTERM: the append-only file is flushed)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisProcess]:
    server = RedisProcess().start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server: RedisProcess) -> Iterator[redis.Redis]:
    client = redis.Redis(port=redis_server.port)
    client.flushall()
    yield client
    client.close()
