"""`serve`: `FeedApp` on granian, a Rust HTTP server, with timeouts and a graceful stop.

granian reads and writes every connection in Rust (hyper) and calls the WSGI application
in a bounded pool of Python threads only once a whole request head has arrived, so a slow
or silent client costs a socket, never a thread. A connection that has not sent a whole
request head within `HEADER_TIMEOUT` seconds (the first request, or the next one on a
kept-alive connection) is closed. SIGTERM or SIGINT stops accepting, lets in-flight
responses finish for up to `GRACE` seconds, and exits 0. `ServerProcess` runs the same
server in a child process, for tests, benchmarks and embedding.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from feeds.app import FeedApp
from newsspider.config import Config

WORKERS = 1  # processes; each answers from its own threads
# Python threads per worker answering requests: 2 per core + 1 (granian's own advice), at most 8.
THREADS = min(8, 2 * (os.cpu_count() or 1) + 1)
CONNECTIONS = 4096  # a worker's open connections (granian's backpressure); more wait unaccepted
BACKLOG = 2048  # connections the kernel queues before they are accepted
HEADER_TIMEOUT = 10  # seconds to send a whole request head (also the keep-alive idle limit)
GRACE = 5  # seconds in-flight responses get after SIGTERM
# granian's own messages (start, stop, errors) go to stderr, beside the access log.
GRANIAN_LOGGING = {
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "generic",
        },
        "access": {"class": "logging.NullHandler"},
    },
}


def check_port(host: str, port: int) -> int:
    """`port`, or a free one for 0; raises OSError when the address cannot be listened on."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as granian binds
        probe.bind((host, port))
        return int(probe.getsockname()[1])


def wait_until_listening(host: str, port: int, seconds: float = 30) -> bool:
    """Whether a connection to `host:port` succeeds within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def serve(
    app: Callable[[], Any],
    host: str,
    port: int,
    *,
    workers: int = WORKERS,
    on_ready: Callable[[], object] | None = None,
) -> None:
    """Serve the WSGI application `app()` builds (in each worker) until SIGTERM or SIGINT.

    `on_ready` is called (from another thread) once the port accepts connections.
    """
    if on_ready is not None:
        ready = on_ready
        threading.Thread(
            target=lambda: wait_until_listening(host, port) and ready(), daemon=True
        ).start()
    server = Server(
        "newsspider.feeds",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=THREADS,
        backpressure=CONNECTIONS,
        backlog=BACKLOG,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT * 1000),
        websockets=False,
        log_dictconfig=GRANIAN_LOGGING,
        log_level=_granian_level(),
        workers_kill_timeout=GRACE,
        respawn_failed_workers=True,
    )
    server.serve(target_loader=app, wrap_loader=False)


def _granian_level() -> Any:
    from granian.log import LogLevels

    quiet = logging.getLogger().getEffectiveLevel() > logging.WARNING
    return LogLevels.error if quiet else LogLevels.warning


def feed_app(out_dir: str | Path, db_path: str | Path, config: Config) -> Callable[[], FeedApp]:
    """The loader `serve` calls in each worker."""
    return lambda: FeedApp(Path(out_dir), Path(db_path), config)


class ServerProcess:
    """`serve(app)` in a forked child, logging to `log_file`; `stop()` sends SIGTERM."""

    def __init__(
        self,
        app: Callable[[], Any],
        host: str = "127.0.0.1",
        port: int = 0,
        log_file: Path | None = None,
    ):
        self.server_address = (host, check_port(host, port))
        context = multiprocessing.get_context("fork")
        target = (app, *self.server_address, log_file)
        self.process = context.Process(target=_child, args=target)
        self.process.start()
        if not wait_until_listening(*self.server_address):
            self.stop()
            raise RuntimeError(f"feed server did not start on {self.url}")

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}/"

    def stop(self, timeout: float = GRACE + 5) -> int | None:
        """SIGTERM, then wait; SIGKILL if it overstays. The exit status."""
        if self.process.is_alive() and self.process.pid:
            os.kill(self.process.pid, signal.SIGTERM)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        return self.process.exitcode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _child(app: Callable[[], Any], host: str, port: int, log_file: Path | None) -> None:
    if log_file is not None:
        logging.basicConfig(
            filename=log_file, level=logging.INFO, format="%(name)s %(message)s", force=True
        )
    serve(app, host, port)
