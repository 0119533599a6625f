"""The production side of `FeedServer`: access log, timeouts, disconnects, graceful stop."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds import export_feeds
from feeds.app import FeedApp
from feeds.serve import FeedServer
from tests.feeds.conftest import article, make_config

CONFIG = make_config("a")
REPO = Path(__file__).resolve().parents[2]


class SlowApp(FeedApp):
    """Takes `delay` seconds per request, to hold a response in flight."""

    delay = 1.0

    def respond(self, environ, target):
        time.sleep(self.delay)
        return super().respond(environ, target)


@pytest.fixture
def exported(make_db, tmp_path) -> tuple[Path, Path]:
    db = make_db(article("a", "1", title="Port strike ends"))
    out = tmp_path / "out"
    export_feeds(db, out, CONFIG)
    return out, db


def start(app: FeedApp) -> tuple[FeedServer, threading.Thread]:
    server = FeedServer(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def served(exported) -> Iterator[FeedServer]:
    server, _ = start(FeedApp(*exported, CONFIG))
    yield server
    server.shutdown()


def test_other_methods_are_405_with_allow(served):
    conn = http.client.HTTPConnection(*served.server_address, timeout=10)
    conn.request("POST", "/a.atom.xml", body=b"x")
    response = conn.getresponse()
    assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"


def test_keep_alive_serves_many_requests_on_one_connection(served):
    conn = http.client.HTTPConnection(*served.server_address, timeout=10)
    for _ in range(3):
        conn.request("GET", "/a.atom.xml")
        response = conn.getresponse()
        assert response.status == 200 and response.read()
    conn.close()


def test_a_half_sent_request_head_is_closed_at_the_header_timeout(served, monkeypatch):
    monkeypatch.setattr("feeds.serve.HEADER_TIMEOUT", 1)
    with socket.create_connection(served.server_address, timeout=10) as slow:
        slow.sendall(b"GET /a.atom.xml HT")
        started = time.monotonic()
        assert slow.recv(100) == b""  # closed by the server, no answer
        assert time.monotonic() - started < 5
    assert (
        http.client.HTTPConnection(*served.server_address, timeout=10).request("GET", "/") is None
    )


def test_a_client_leaving_mid_response_is_one_line_without_traceback(exported, caplog):
    out, db = exported
    (out / "big.html").write_bytes(b"x" * 20_000_000)
    server, _ = start(FeedApp(out, db, CONFIG))
    with caplog.at_level(logging.INFO):
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(server.server_address)
        client.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
        client.recv(1000)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset: the server's next send fails
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "disconnected" not in caplog.text:
            time.sleep(0.05)
        server.shutdown()
    left = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(left) == 1 and "bytes unsent" in left[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_stop_lets_an_in_flight_response_finish(exported):
    server, thread = start(SlowApp(*exported, CONFIG))
    answers: list[int] = []

    def ask() -> None:
        conn = http.client.HTTPConnection(*server.server_address, timeout=10)
        conn.request("GET", "/a.atom.xml")
        response = conn.getresponse()
        answers.append(response.status if response.read() else 0)

    client = threading.Thread(target=ask)
    client.start()
    time.sleep(0.3)  # the request is now being answered
    server.stop()
    client.join(10)
    thread.join(10)
    assert answers == [200] and not thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(server.server_address, timeout=2)


def test_sigterm_stops_serve_within_seconds_without_traceback(exported, tmp_path):
    out, db = exported
    config = tmp_path / "news.toml"
    config.write_text(
        '[feeds]\nbase_url = "http://127.0.0.1:8080/"\n[sites.a]\nkind = "portal"\n'
        'start_urls = ["https://a.example.com/"]\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "newsspider.cli", "serve", "--config", str(config),
               "--db", str(db), "--out", str(out), "--port", "0"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" at ")[1].split()[0]
        host, port = url.removeprefix("http://").strip("/").split(":")
        idle = http.client.HTTPConnection(host, int(port), timeout=10)
        idle.request("GET", "/a.atom.xml", headers={"User-Agent": "probe/1"})
        assert idle.getresponse().read()  # the connection stays open (keep-alive)
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=10)
    finally:
        server.kill()
    assert server.returncode == 0 and time.monotonic() - started < GRACE_BOUND
    assert '"GET /a.atom.xml HTTP/1.1" 200 ' in err and '"probe/1"' in err  # INFO by default
    assert "Traceback" not in err


GRACE_BOUND = 7.0
