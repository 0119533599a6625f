"""`FeedServer`: `FeedApp` on waitress, with timeouts, bounded threads and a graceful stop.

waitress reads every request fully on one event loop before a worker thread sees it, so a
slow or silent client costs a socket and a small buffer, never a thread. On top of its idle
timeout this adds a header timeout: a connection that has not sent a whole request head
within `HEADER_TIMEOUT` seconds of its first byte is closed. `stop()` (safe in a signal
handler) stops accepting, lets in-flight responses finish for up to `GRACE` seconds, then
closes every connection.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from feeds.app import FeedApp
from newsspider.config import Config

log = logging.getLogger("feeds.serve")

THREADS = 8  # worker threads: requests answered at once
CONNECTION_LIMIT = 2000  # open connections; past it new ones wait in the listen backlog
BACKLOG = 2048
HEADER_TIMEOUT = 10  # seconds from a request's first byte to its complete head
IDLE_TIMEOUT = 30  # seconds a connection may sit silent (keep-alive or mid-request)
GRACE = 5.0  # seconds in-flight responses get after stop()
_CHECK_EVERY = 1  # seconds between timeout sweeps


class _Channel(HTTPChannel):
    """A connection that remembers when its request began and says when a client left early."""

    head_started = 0.0
    closed = False

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.head_started = time.time()
        return bool(super().received(data))

    def handle_close(self) -> None:
        if not self.closed and (self.requests or self.total_outbufs_len):
            unsent = self.total_outbufs_len
            log.info("%s: client disconnected, %d bytes unsent", self.addr[0], unsent)
        self.closed = True
        super().handle_close()


class _Listener(TcpWSGIServer):
    channel_class = _Channel

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle timeout
        cutoff = now - HEADER_TIMEOUT
        for channel in list(self.active_channels.values()):
            head = channel.request
            if head is not None and not head.headers_finished and channel.head_started < cutoff:
                channel.will_close = True


class FeedServer:
    """A bound server: `serve_forever()` in one thread, `stop()` or `shutdown()` from any."""

    def __init__(self, app: FeedApp, host: str, port: int, *, threads: int = THREADS):
        self.app = app
        self._map: dict[int, Any] = {}
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=threads,
            connection_limit=CONNECTION_LIMIT,
            backlog=BACKLOG,
            channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=_CHECK_EVERY,
            asyncore_use_poll=True,
            log_socket_errors=False,  # a reset is a client leaving: one line, no traceback
            ident="newsspider",
        )
        self._listener = _Listener(app, map=self._map, adj=adjustments)
        self._stopping = threading.Event()
        self._stopped = threading.Event()

    @property
    def server_address(self) -> tuple[str, int]:
        return str(self._listener.effective_host), int(self._listener.effective_port)

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}/"

    @property
    def out_dir(self) -> Path:
        return self.app.out_dir

    @property
    def db_path(self) -> Path:
        return self.app.db_path

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer requests until `stop()`, then drain and close (see the module docstring)."""
        self._stopped.clear()
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)
            self._drain(time.monotonic() + GRACE)
        finally:
            self._close_all()
            self._stopped.set()

    def stop(self) -> None:
        """Ask `serve_forever` to finish; returns at once (fit for a signal handler)."""
        self._stopping.set()

    def shutdown(self) -> None:
        """Stop and wait until `serve_forever` has returned."""
        self.stop()
        self._stopped.wait()

    def server_close(self) -> None:
        self._close_all()

    def _drain(self, deadline: float) -> None:
        listener = self._listener
        listener.accepting = False
        listener.del_channel()
        listener.socket.close()
        while time.monotonic() < deadline:
            busy = False
            for channel in list(listener.active_channels.values()):
                if channel.requests or channel.total_outbufs_len:
                    busy = True
                else:
                    channel.will_close = True
            if not busy:
                return
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)

    def _close_all(self) -> None:
        self._listener.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(self._map)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server_close()


def make_server(
    out_dir: str | Path, db_path: str | Path, config: Config, host: str, port: int
) -> FeedServer:
    """A bound (not yet serving) server; port 0 picks a free port (see `.url`)."""
    return FeedServer(FeedApp(Path(out_dir), Path(db_path), config), host, port)
