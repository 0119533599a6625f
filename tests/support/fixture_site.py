"""Serve a static fixture site on 127.0.0.1 (port 0) in a background thread.

`__BASE__` in served files becomes the server's own base URL, so sitemaps, feeds
and canonical links are absolute as on a real site. A WordPress-like `/?p=N`
shortlink serves the post whose `<body>` carries `postid-N`, as WordPress does
with plain permalinks. Every request path is recorded in `requests`, user agents in `user_agents`.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WPSITE = FIXTURES / "wpsite"
PLACEHOLDER = "__BASE__"
CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
}
FEED_TYPE = "application/rss+xml; charset=UTF-8"


class FixtureSite:
    """`with FixtureSite(WPSITE) as site:` serves the directory at `site.base`."""

    def __init__(self, root: Path = WPSITE):
        self.root = root
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.posts = _post_ids(root)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def render(self, relative: str) -> str:
        """A fixture file's text with the placeholder replaced by this server's base URL."""
        return (self.root / relative).read_text(encoding="utf-8").replace(PLACEHOLDER, self.base)

    def resolve(self, raw_path: str) -> tuple[Path, str] | None:
        """The file serving a request path, with its content type; None for a 404."""
        parts = urlsplit(raw_path)
        post = parse_qs(parts.query).get("p")
        if parts.path == "/" and post and post[0] in self.posts:
            return self.posts[post[0]], CONTENT_TYPES[".html"]
        target = (self.root / parts.path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root.resolve()):
            return None
        for candidate in (target, target / "index.html", target / "index.xml"):
            if candidate.is_file() and candidate.name != "expected.json":
                is_feed = candidate.name == "index.xml"
                return candidate, FEED_TYPE if is_feed else CONTENT_TYPES[candidate.suffix]
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                site.user_agents.add(self.headers.get("User-Agent", ""))
                found = site.resolve(self.path)
                if found is None:
                    self.send_error(404)
                    return
                path, content_type = found
                body = path.read_text(encoding="utf-8").replace(PLACEHOLDER, site.base)
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: tests read `site.requests` instead."""

        return Handler


def _post_ids(root: Path) -> dict[str, Path]:
    ids = {}
    for page in root.rglob("index.html"):
        found = re.search(r'<body class="[^"]*\bpostid-(\d+)', page.read_text(encoding="utf-8"))
        if found:
            ids[found.group(1)] = page
    return ids
