"""A hostile web on 127.0.0.1: one small "site" per fault, trap, bomb or attack.

Every site lives under `/s/<name>/`: its listing links two good articles
(`/news/1`, `/news/2`) that must be stored intact, plus the hostile ones.
`SCENARIOS` says, per site, which category it belongs to, the site-definition
overrides it needs and what the crawl must record. The server only ever binds
127.0.0.1 (and, for the address guard, a witness on 127.0.0.2 that must receive
nothing); no request ever leaves the machine.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_IDS = ("1", "2")
MiB = 1024 * 1024
PERSIAN = "خبرگزاري جمهوري اسلامي گزارش داد كه وزير امور خارجه امروز با همتاي خود ديدار كرد"
FRENCH = "Le ministère des Affaires étrangères annonce que la délégation arrivera à Genève"
ARABIC = "أعلنت الوزارة اليوم أن الوفد سيصل إلى العاصمة غدا لإجراء محادثات"


def good_title(site: str, news_id: str) -> str:
    return f"Minister of {site} meets envoy {news_id}"


def good_body(site: str, news_id: str) -> list[str]:
    return [
        f"The minister of {site} met envoy {news_id} on Monday to discuss trade and energy.",
        "Both sides agreed to continue the talks next month in the capital, officials said.",
    ]


def article_page(
    news_id: str, title: str, paragraphs: list[str], head: str = "", links: str = ""
) -> str:
    """A portal article: title twice, the News ID and Publish Date labels, the body, a source."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head>{head}<title>{title}</title></head><body><nav>{links}</nav>"
        f"<h1>{title}</h1><p>News ID : {news_id}</p>"
        f"<p>Publish Date : 10/27/2025 7:52:21 AM</p><div class='body'>{body}</div>"
        "<p>IRNA</p></body></html>"
    )


def listing_page(links: list[str], next_url: str | None = None) -> str:
    items = "".join(f"<li><a href='{u}'>Minister meets the envoy of {u}</a></li>" for u in links)
    following = f"<a rel='next' href='{next_url}'>Next</a>" if next_url else ""
    return f"<html><body><h1>News</h1><ul>{items}</ul>{following}</body></html>"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    action: str = "send"  # send | reset | truncate | stall


Route = Callable[["HostileServer", int], Reply]  # (server, n-th hit of this path) -> reply


def html(text: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> Reply:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return Reply(body=text.encode(encoding), headers={"Content-Type": content_type})


def xml(body: bytes, content_type: str = "application/xml") -> Reply:
    return Reply(body=body, headers={"Content-Type": content_type})


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        hostile = self.server.hostile
        path = self.path.split("?")[0]
        hits = hostile.record(self.server.server_address[0], self.path)
        route = hostile.routes.get(path) or hostile.prefix_route(path)
        reply = route(hostile, hits) if route else Reply(404, b"not found")
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_response(reply.status)
        length = len(reply.body) * (5 if reply.action == "truncate" else 1)
        self.send_header("Content-Length", str(length))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.action == "truncate":
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.action == "stall":
            time.sleep(3)
            return
        with contextlib.suppress(OSError):  # the client gave up (size cap): that is the point
            self.wfile.write(reply.body)
        if reply.action == "truncate":
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `requests` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hostile: HostileServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients hanging up on a bomb or a stall is what these tests provoke."""


class HostileServer:
    """Serves every scenario on 127.0.0.1 (port 0) and a witness on 127.0.0.2 that must stay idle.

    `requests` counts hits by (address, path); `times` keeps when each path was hit.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.prefixes: dict[str, Route] = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.main = self._bind("127.0.0.1")
        self.witness = self._bind("127.0.0.2")
        self.port = self.main.server_address[1]
        self.witness_port = self.witness.server_address[1]

    def _bind(self, address: str) -> _Server:
        server = _Server((address, 0), _Handler)
        server.hostile = self
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def witness_url(self) -> str:
        return f"http://127.0.0.2:{self.witness_port}"

    def record(self, address: str, path: str) -> int:
        with self.lock:
            self.requests[(address, path)] += 1
            self.times.setdefault(path, []).append(time.monotonic())
            return self.requests[(address, path)]

    def witness_hits(self) -> int:
        return sum(n for (address, _), n in self.requests.items() if address == "127.0.0.2")

    def prefix_route(self, path: str) -> Route | None:
        for prefix, route in self.prefixes.items():
            if path.startswith(prefix):
                return route
        return None

    def __enter__(self) -> HostileServer:
        for server in (self.main, self.witness):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self.main, self.witness):
            server.shutdown()
            server.server_close()


def gzip_bomb(decompressed_bytes: int) -> bytes:
    """A small gzip stream that inflates to `decompressed_bytes` of spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = b" " * MiB
    parts = [compressor.compress(chunk) for _ in range(decompressed_bytes // MiB)]
    return b"".join(parts) + compressor.flush()
