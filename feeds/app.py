"""`FeedApp`: the exported feed directory as a WSGI application, plus filtered feeds.

`GET /<feed>.<format>` serves the exported file; with `?limit=`, `?q=` or `?since=` the
feed is rebuilt from the database by the same builder and renderer as the files. Every
response carries a strong ETag, Last-Modified, Cache-Control and Vary, and answers
conditional requests with 304. Only plain file names directly inside the feed directory
are ever opened, so no path can reach outside it. Each request is logged once, at INFO,
in the combined log format.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from feeds.build import FeedBuilder
from feeds.export import DEFAULT_LIMIT, INDEX_FILE, site_title
from feeds.families import FeedSpec, feed_specs
from feeds.formats import FORMATS, split_feed_file
from feeds.http import CONTENT_TYPES, Representation, accepts_gzip, http_date, not_modified
from feeds.pages import PAGE_SUFFIX, render_page
from newsspider.config import Config
from newsspider.db.read import BadQueryError, fts_query, open_readonly
from newsspider.errors import NewsspiderError

log = logging.getLogger("feeds.serve")

MAX_LIMIT = 1000
FILTERS = ("limit", "q", "since")
METHODS = ("GET", "HEAD")
# A file name directly in the feed directory: no separators, no leading dot (temp files).
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# Bytes a log line must not carry verbatim (quotes, backslashes, controls): escaped as \xNN.
_UNSAFE_LOG = re.compile(r'["\\\x00-\x1f\x7f-\x9f]')

CHUNK = 256 * 1024  # larger bodies go out in chunks of this size, so a client leaving is seen

Headers = list[tuple[str, str]]
StartResponse = Callable[[str, Headers], Any]


class HttpError(Exception):
    """An answer other than 200: its status and a one-line message for the client."""

    def __init__(self, status: HTTPStatus, message: str, headers: Headers | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or []


class FeedApp:
    """Serves `out_dir` and answers filtered feed requests from `db_path` (WSGI)."""

    def __init__(self, out_dir: Path, db_path: Path, config: Config):
        self.out_dir = out_dir.resolve()
        self.db_path = db_path
        self.config = config
        self.specs: dict[str, FeedSpec] = {spec.name: spec for spec in feed_specs(config)}
        self._files: dict[str, tuple[tuple[int, int], Representation]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = request_target(environ)
        status, headers, body = self.respond(environ, target)
        start_response(f"{status.value} {status.phrase}", headers)
        sent = body if environ["REQUEST_METHOD"] != "HEAD" else b""
        log.info("%s", access_line(environ, target, status, len(sent)))
        if len(sent) > CHUNK:
            return ChunkedBody(sent, target, environ.get("REMOTE_ADDR") or "-")
        return [sent]

    def respond(self, environ: dict[str, Any], target: str) -> tuple[HTTPStatus, Headers, bytes]:
        """Status, headers and full body (HEAD drops the body later) for one request."""
        try:
            if environ["REQUEST_METHOD"] not in METHODS:
                allow = [("Allow", ", ".join(METHODS))]
                raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD", allow)
            parts = urlsplit(target)
            found = self.representation(parts.path, parts.query)
        except HttpError as exc:
            return _error(exc.status, str(exc), exc.headers)
        except NewsspiderError as exc:
            log.error("%s: %s", target, exc)
            return _error(HTTPStatus.SERVICE_UNAVAILABLE, "feed database unavailable")
        except Exception:
            log.exception("%s: internal error", target)
            return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        return self._negotiated(found, environ)

    def _negotiated(
        self, found: Representation, environ: dict[str, Any]
    ) -> tuple[HTTPStatus, Headers, bytes]:
        use_gzip = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        headers = [
            ("ETag", found.gzip_etag() if use_gzip else found.etag),
            ("Last-Modified", http_date(found.last_modified)),
            ("Cache-Control", f"max-age={self.config.feeds.max_age}"),
            ("Vary", "Accept-Encoding"),
        ]
        if not_modified(
            found, environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        ):
            return HTTPStatus.NOT_MODIFIED, headers, b""
        body = found.gzip_body if use_gzip else found.body
        headers += [("Content-Type", found.content_type), ("Content-Length", str(len(body)))]
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        return HTTPStatus.OK, headers, body

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
        stem = name.removesuffix("." + PAGE_SUFFIX)
        parts = split_feed_file(name) or ((stem, PAGE_SUFFIX) if stem != name else None)
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
        if suffix == PAGE_SUFFIX:
            page = render_page(feed, f"{name}?{canonical}", site_title(self.config))
            return Representation(page, CONTENT_TYPES[PAGE_SUFFIX], feed.updated)
        body = FORMATS[suffix].render(feed, f"{name}?{canonical}")
        return Representation(body, FORMATS[suffix].content_type, feed.updated)


class ChunkedBody:
    """A large body in chunks; `close()` before the last one logs a disconnect in one line."""

    def __init__(self, body: bytes, target: str, client: str):
        self.body, self.target, self.client = body, target, client
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), CHUNK):
            yield self.body[start : start + CHUNK]
            self.sent = min(start + CHUNK, len(self.body))

    def close(self) -> None:
        if self.sent < len(self.body):
            log.info(
                '%s "%s": client disconnected after %d of %d bytes',
                self.client, _log_safe(self.target), self.sent, len(self.body),
            )  # fmt: skip


def _error(
    status: HTTPStatus, message: str, extra: Headers | None = None
) -> tuple[HTTPStatus, Headers, bytes]:
    body = (message + "\n").encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    return status, headers + (extra or []), body


def request_target(environ: dict[str, Any]) -> str:
    """The path and query as the client sent them (servers without REQUEST_URI: rebuilt)."""
    raw = environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/%")
    query = environ.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def access_line(environ: dict[str, Any], target: str, status: HTTPStatus, sent: int) -> str:
    """One request in the combined log format (as Apache's and nginx's `combined`)."""
    moment = datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    request = f"{environ['REQUEST_METHOD']} {target} {environ.get('SERVER_PROTOCOL', '-')}"
    referer = environ.get("HTTP_REFERER") or "-"
    agent = environ.get("HTTP_USER_AGENT") or "-"
    return (
        f'{environ.get("REMOTE_ADDR") or "-"} - - [{moment}] "{_log_safe(request)}" '
        f'{status.value} {sent or "-"} "{_log_safe(referer)}" "{_log_safe(agent)}"'
    )


def _log_safe(text: str) -> str:
    return _UNSAFE_LOG.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def parse_filters(query: str, default_limit: int) -> tuple[int, str | None, datetime | None]:
    """`limit`, FTS expression and lower date bound from a query string; 400 when invalid."""
    try:
        values = parse_qs(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise HttpError(HTTPStatus.BAD_REQUEST, "malformed query string") from None
    for key, given in values.items():
        if key not in FILTERS:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, f"unknown parameter {key!r} (use {', '.join(FILTERS)})"
            )
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
