"""A hostile script-built site on 127.0.0.1, an allowed server on another port, and a
witness on 127.0.0.2 that must never be reached (tests/fixtures/browser/)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "browser"
HANG_SECONDS = 8


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        self.routes = routes
        self.requests: list[str] = []
        super().__init__((host, 0), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        if self.path == "/never.js":
            time.sleep(HANG_SECONDS)
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def _html(text: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, text.encode()


def _redirect(location: str) -> tuple[int, dict[str, str], bytes]:
    return 302, {"Location": location}, b""


@contextmanager
def hostile_world() -> Iterator[dict[str, Recorder]]:
    witness = Recorder("127.0.0.2", {})
    other = Recorder("127.0.0.1", {})
    site = Recorder("127.0.0.1", {})
    data = {"headline": "Envoy arrives", "lead": "The envoy arrived in the capital on Monday."}
    other.routes["/data.json"] = (
        200,
        {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
        json.dumps(data).encode(),
    )
    article = (FIXTURES / "article.html").read_text(encoding="utf-8")
    article = article.replace("{witness}", str(witness.port)).replace("{other}", str(other.port))
    site.routes.update(
        {
            "/": _html((FIXTURES / "listing.html").read_text(encoding="utf-8")),
            "/hop": _redirect(f"http://127.0.0.2:{witness.port}/redirected"),
            "/moved/4": _redirect(f"http://127.0.0.2:{witness.port}/moved"),
            "/hang/5": _html((FIXTURES / "hang.html").read_text(encoding="utf-8")),
            "/never.js": (200, {"Content-Type": "text/javascript"}, b""),
            "/photo.jpg": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff"),
        }
    )
    for news_id in ("1", "2", "3"):
        site.routes[f"/news/{news_id}"] = _html(article.replace("{id}", news_id))
    servers = {"site": site, "other": other, "witness": witness}
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for thread in threads:
        thread.start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def site_toml(site_port: int) -> str:
    return f"""
[sites.hostile]
kind = "portal"
start_urls = ["http://127.0.0.1:{site_port}/"]
timezone = "UTC"
language = "en"
render = "browser"
render_timeout = 4
download_delay = 0
retries = 0
allow_addresses = ["127.0.0.1/32"]
article_url_pattern = '/(news|moved|hang)/\\d+$'
id_pattern = '/(?:news|moved|hang)/(?P<id>\\d+)$'
"""


def only_paths(requests: list[str], pattern: str) -> list[str]:
    return [path for path in requests if re.search(pattern, path)]
