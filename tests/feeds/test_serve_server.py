"""The production side of `newsspider serve`: access log, timeouts, disconnects, stop."""

from __future__ import annotations

import http.client
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
from feeds.serve import ServerProcess, feed_app
from tests.feeds.conftest import article, make_config

CONFIG = make_config("a")
REPO = Path(__file__).resolve().parents[2]


class SlowApp(FeedApp):
    """Takes a second per request, to hold a response in flight."""

    def respond(self, environ, target):
        time.sleep(1.0)
        return super().respond(environ, target)


@pytest.fixture
def exported(make_db, tmp_path) -> tuple[Path, Path]:
    db = make_db(article("a", "1", title="Port strike ends"))
    out = tmp_path / "out"
    export_feeds(db, out, CONFIG)
    return out, db


@pytest.fixture
def served(exported, tmp_path) -> Iterator[ServerProcess]:
    with ServerProcess(feed_app(*exported, CONFIG), log_file=tmp_path / "serve.log") as server:
        yield server


def request(address: tuple[str, int], method: str, path: str, **headers: str):
    """One request on its own connection: the response (read) and its body."""
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.request(method, path, body=b"x" if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_other_methods_are_405_with_allow(served):
    response, _ = request(served.server_address, "POST", "/a.atom.xml")
    assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"


def test_keep_alive_serves_many_requests_on_one_connection(served):
    conn = http.client.HTTPConnection(*served.server_address, timeout=10)
    for _ in range(3):
        conn.request("GET", "/a.atom.xml")
        response = conn.getresponse()
        assert response.status == 200 and response.read()
    conn.close()
    conn.close()


@pytest.mark.parametrize("sent", [b"GET /a.atom.xml HT", b""])
def test_a_silent_or_half_sent_request_head_is_closed_at_the_header_timeout(
    exported, tmp_path, monkeypatch, sent
):
    monkeypatch.setattr("feeds.serve.HEADER_TIMEOUT", 1)  # read in the forked child
    with ServerProcess(feed_app(*exported, CONFIG)) as server:
        with socket.create_connection(server.server_address, timeout=10) as slow:
            slow.sendall(sent)
            started = time.monotonic()
            assert b" 200 " not in slow.recv(1000)  # closed, with at most an error status
            assert time.monotonic() - started < 5
        assert request(server.server_address, "GET", "/")[0].status == 200  # others unaffected


def test_an_idle_kept_alive_connection_is_closed_at_the_timeout(exported, monkeypatch):
    monkeypatch.setattr("feeds.serve.HEADER_TIMEOUT", 1)
    with (
        ServerProcess(feed_app(*exported, CONFIG)) as server,
        socket.create_connection(server.server_address, timeout=10) as idle,
    ):
        idle.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(1000).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert idle.recv(1000) == b""
        assert time.monotonic() - started < 5


def test_a_client_leaving_mid_response_is_one_line_without_traceback(exported, tmp_path):
    out, db = exported
    (out / "big.html").write_bytes(b"x" * 20_000_000)
    log_file = tmp_path / "serve.log"
    with ServerProcess(feed_app(out, db, CONFIG), log_file=log_file) as server:
        for _ in range(3):
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.connect(server.server_address)
            client.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1000)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # a reset: the server's next send fails
        assert request(server.server_address, "GET", "/a.atom.xml")[0].status == 200
        deadline = time.monotonic() + 10
        while log_file.read_text().count("client disconnected") < 3:
            assert time.monotonic() < deadline, "a disconnect was not logged"
            time.sleep(0.05)
    log = log_file.read_text(encoding="utf-8")
    assert log.count('"GET /big.html HTTP/1.1" 200 20000000 ') == 3  # the access line
    left = [line for line in log.splitlines() if "client disconnected" in line]
    assert len(left) == 3 and all('"/big.html": client disconnected after' in x for x in left)
    assert "Traceback" not in log and "Error" not in log


def test_sigterm_lets_an_in_flight_response_finish(exported):
    server = ServerProcess(lambda: SlowApp(*exported, CONFIG))
    answers: list[int] = []

    def ask() -> None:
        response, body = request(server.server_address, "GET", "/a.atom.xml")
        answers.append(response.status if body else 0)

    client = threading.Thread(target=ask)
    client.start()
    time.sleep(0.3)  # the request is now being answered
    started = time.monotonic()
    assert server.stop() == 0
    client.join(10)
    assert answers == [200] and time.monotonic() - started < GRACE_BOUND
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
        idle.close()
    finally:
        server.kill()
        server.wait()
    assert server.returncode == 0 and time.monotonic() - started < GRACE_BOUND
    assert '"GET /a.atom.xml HTTP/1.1" 200 ' in err and '"probe/1"' in err  # INFO by default
    assert "Traceback" not in err


GRACE_BOUND = 7.0
