"""A local HTTP server for the demo site: the crawler's test target and benchmark.

It binds 127.0.0.1 only, answers HTTP/1.1 with keep-alive, ETag and
Last-Modified (and 304 for a matching If-None-Match; `validators=False` sends
neither, as many ASP.NET portals do), logs nothing to stderr and records every
requested path so tests can count requests. Given a directory, it also publishes its
files under /feeds/ (`newsspider demo --serve`).
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from newsspider.demo.editions import Edition, build_editions
from newsspider.demo.site import DemoSite, route_key

FILES_PATH = "/feeds/"
FILE_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}
NOT_FOUND = b"<!DOCTYPE html><html><body><h1>404 - Page not found</h1></body></html>\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsspider-demo/1"
    sys_version = ""
    timeout = 10
    wbufsize = -1  # one write per response: no Nagle/delayed-ACK stalls on keep-alive
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        self.server.demo.record(self.path)
        if self.server.demo.files and self.path.startswith(FILES_PATH):
            self._send_file(with_body)
            return
        page = self.server.demo.site.page(route_key(self.path))
        if page is None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, with_body)
            return
        if not self.server.demo.validators:
            self._send(HTTPStatus.OK, page.content_type, page.body, with_body)
            return
        if self.headers.get("If-None-Match") == page.etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", page.etag)
            self.end_headers()
            return
        headers = {"ETag": page.etag, "Last-Modified": page.last_modified}
        self._send(HTTPStatus.OK, page.content_type, page.body, with_body, headers)

    def _send(
        self,
        status: HTTPStatus,
        content_type: str,
        body: bytes,
        with_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _send_file(self, with_body: bool) -> None:
        """A file of the directory published under /feeds/ (`demo --serve`), never outside it."""
        root = self.server.demo.files
        assert root is not None
        name = unquote(urlsplit(self.path).path.removeprefix(FILES_PATH)) or "index.html"
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, with_body)
            return
        kind = FILE_TYPES.get(path.suffix, "application/octet-stream")
        self._send(HTTPStatus.OK, kind, path.read_bytes(), with_body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log on DemoServer replaces stderr lines."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    demo: DemoServer


class DemoServer:
    """The demo portals on a free local port.

    >>> with DemoServer(articles_per_section=8) as server:
    ...     server.base_url  # doctest: +SKIP
    'http://127.0.0.1:40123'
    """

    def __init__(
        self,
        articles_per_section: int = 16,
        seed: int = 1,
        edition: int = 1,
        port: int = 0,
        validators: bool = True,
        scripted: bool = False,
        files: Path | None = None,
    ):
        """`scripted` adds the "js" section, built by JavaScript (docs/browser.md); `files`
        is a directory to publish under /feeds/ (`newsspider demo --serve`)."""
        self.files = files
        self.editions: dict[int, Edition] = build_editions(articles_per_section, seed, scripted)
        self.validators = validators
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.demo = self
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._sites: dict[int, DemoSite] = {}
        self._lock = threading.Lock()
        self._requests: list[str] = []
        self._thread: threading.Thread | None = None
        self.site = self._site_for(edition)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def edition(self) -> int:
        return self.site.edition.number

    def truth(self, edition: int | None = None) -> Edition:
        """The ground truth of an edition (the one being served by default)."""
        return self.editions[self.edition if edition is None else edition]

    def set_edition(self, number: int) -> None:
        """Switch what the running server serves; requests in flight finish on the old one."""
        self.site = self._site_for(number)

    def serve(self, edition: Edition) -> None:
        """Serve any edition (say, a living site's state at some moment) from now on."""
        self.site = DemoSite(edition, self.base_url)

    def _site_for(self, number: int) -> DemoSite:
        if number not in self.editions:
            raise ValueError(f"no edition {number} (have {sorted(self.editions)})")
        if number not in self._sites:
            self._sites[number] = DemoSite(self.editions[number], self.base_url)
        return self._sites[number]

    def record(self, path: str) -> None:
        with self._lock:
            self._requests.append(path)

    @property
    def requests(self) -> list[str]:
        """Every path requested so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def start(self) -> DemoServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="demo-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
