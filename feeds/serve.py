"""`FeedServer`: the exported feed directory over HTTP, plus filtered feeds from the database.

`GET /<feed>.<format>` serves the exported file; with `?limit=`, `?q=` or `?since=` the
feed is rebuilt from the database by the same builder and renderer as the files. Every
response carries a strong ETag, Last-Modified, Cache-Control and Vary, and answers
conditional requests with 304. Only plain file names directly inside the feed directory
are ever opened, so no path can reach outside it.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from feeds.build import FeedBuilder
from feeds.export import DEFAULT_LIMIT, INDEX_FILE
from feeds.families import FeedSpec, feed_specs
from feeds.formats import FORMATS, split_feed_file
from feeds.http import (
    CONTENT_TYPES,
    Representation,
    accepts_gzip,
    gzipped,
    http_date,
    not_modified,
)
from newsspider.config import Config
from newsspider.db.read import BadQueryError, fts_query, open_readonly
from newsspider.errors import NewsspiderError

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
FILTERS = ("limit", "q", "since")
# A file name directly in the feed directory: no separators, no leading dot (temp files).
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class HttpError(Exception):
    """An answer other than 200: its status and a one-line message for the client."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class FeedServer(ThreadingHTTPServer):
    """Serves `out_dir` and answers filtered feed requests from `db_path`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], out_dir: Path, db_path: Path, config: Config):
        super().__init__(address, FeedRequestHandler)
        self.out_dir = out_dir.resolve()
        self.db_path = db_path
        self.config = config
        self.specs: dict[str, FeedSpec] = {spec.name: spec for spec in feed_specs(config)}
        self._files: dict[str, tuple[tuple[int, int], Representation]] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def representation(self, path: str, query: str) -> Representation:
        """The response body for a request path and query string, or an `HttpError`."""
        name = unquote(path).removeprefix("/") or INDEX_FILE
        if not _FILE_NAME.fullmatch(name):
            raise HttpError(HTTPStatus.NOT_FOUND, f"not found: {path}")
        if query:
            return self._filtered(name, query)
        return self._file(name)

    def _file(self, name: str) -> Representation:
        path = self.out_dir / name
        try:
            stat = path.stat()
        except OSError:
            raise HttpError(HTTPStatus.NOT_FOUND, f"not found: /{name}") from None
        if not path.is_file() or path.resolve().parent != self.out_dir:
            raise HttpError(HTTPStatus.NOT_FOUND, f"not found: /{name}")
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._files.get(name)
        if cached and cached[0] == key:
            return cached[1]
        found = Representation(
            body=path.read_bytes(),
            content_type=content_type(name),
            last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        )
        with self._lock:
            self._files[name] = (key, found)
        return found

    def _filtered(self, name: str, query: str) -> Representation:
        parts = split_feed_file(name)
        if parts is None or parts[0] not in self.specs:
            raise HttpError(HTTPStatus.NOT_FOUND, f"not found: /{name} (filters need a feed)")
        spec, suffix = self.specs[parts[0]], parts[1]
        limit, match, since = parse_filters(query, self.config.feeds.limit or DEFAULT_LIMIT)
        conn = open_readonly(self.db_path)
        try:
            selection = spec.selection.narrowed(match=match, since=since)
            feed = FeedBuilder(conn, self.config).build(spec, limit, selection)
        finally:
            conn.close()
        canonical = urlencode(sorted(parse_qs(query, keep_blank_values=True).items()), doseq=True)
        body = FORMATS[suffix].render(feed, f"{name}?{canonical}")
        return Representation(body, FORMATS[suffix].content_type, feed.updated)


def parse_filters(query: str, default_limit: int) -> tuple[int, str | None, datetime | None]:
    """`limit`, FTS expression and lower date bound from a query string; 400 when invalid."""
    try:
        values = parse_qs(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise HttpError(HTTPStatus.BAD_REQUEST, "malformed query string") from None
    for key, given in values.items():
        if key not in FILTERS:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown parameter {key!r} (use {FILTERS})")
        if len(given) > 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"parameter {key!r} given more than once")
    limit = _limit(values["limit"][0]) if "limit" in values else default_limit
    match = None
    if "q" in values:
        try:
            match = fts_query(values["q"][0])
        except BadQueryError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"q: {exc}") from None
    since = _since(values["since"][0]) if "since" in values else None
    return limit, match, since


def _limit(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"limit: must be a whole number 1-{MAX_LIMIT}")
    return int(text)


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise HttpError(
            HTTPStatus.BAD_REQUEST, "since: must be an ISO 8601 date or date-time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def content_type(file_name: str) -> str:
    parts = split_feed_file(file_name)
    if parts:
        return FORMATS[parts[1]].content_type
    extension = file_name.rpartition(".")[2].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


class FeedRequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD; never sends a traceback, logs one line per request."""

    server: FeedServer
    server_version = "newsspider"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        target = urlsplit(self.path)
        try:
            found = self.server.representation(target.path, target.query)
        except HttpError as exc:
            self._send_error(exc.status, str(exc), send_body)
            return
        except NewsspiderError as exc:
            log.error("%s: %s", self.path, exc)
            self._send_error(HTTPStatus.SERVICE_UNAVAILABLE, "feed database unavailable", send_body)
            return
        except Exception:
            log.exception("%s: internal error", self.path)
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error", send_body)
            return
        self._send(found, send_body)

    def _send(self, found: Representation, send_body: bool) -> None:
        use_gzip = accepts_gzip(self.headers.get("Accept-Encoding"))
        headers = {
            "ETag": found.gzip_etag() if use_gzip else found.etag,
            "Last-Modified": http_date(found.last_modified),
            "Cache-Control": f"max-age={self.server.config.feeds.max_age}",
            "Vary": "Accept-Encoding",
        }
        if not_modified(
            found, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._headers(headers)
            return
        body = gzipped(found.body) if use_gzip else found.body
        self.send_response(HTTPStatus.OK)
        headers["Content-Type"] = found.content_type
        headers["Content-Length"] = str(len(body))
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
        self._headers(headers)
        if send_body:
            self.wfile.write(body)

    def _send_error(self, status: HTTPStatus, message: str, send_body: bool) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self._headers(
            {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
        )
        if send_body:
            self.wfile.write(body)

    def _headers(self, headers: dict[str, str]) -> None:
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        status = code.value if isinstance(code, HTTPStatus) else code
        log.info('%s "%s" %s', self.client_address[0], self.requestline, status)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.client_address[0], format % args)


def make_server(
    out_dir: str | Path, db_path: str | Path, config: Config, host: str, port: int
) -> FeedServer:
    """A bound (not yet serving) server; port 0 picks a free port (see `.url`)."""
    return FeedServer((host, port), Path(out_dir), Path(db_path), config)
