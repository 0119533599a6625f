"""The feed server over HTTP: files with validators, 304s, gzip, filters, 400/404."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import feedparser
import pytest

from feeds import export_feeds
from feeds.serve import ServerProcess, feed_app
from tests.feeds.conftest import BASE_URL, article, make_config

COMBINED = (  # the combined log format
    r"127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "
    r'"[^"]*" \d{3} (\d+|-) "[^"]*" "[^"]*"'
)
CONFIG = make_config("a", "fa", max_age=123, families={"econ": {"kind": "category", "value": "x"}})


@dataclass
class Served:
    """A running feed server over `out_dir` and `db_path`, logging to `log_file`."""

    process: ServerProcess
    out_dir: Path
    db_path: Path
    log_file: Path

    @property
    def server_address(self) -> tuple[str, int]:
        return self.process.server_address

    def log_lines(self, logger: str = "feeds.serve") -> list[str]:
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        return [line.removeprefix(logger + " ") for line in lines if line.startswith(logger)]


def fetch(server: Served, path: str, method: str = "GET", **headers: str):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.fixture
def server(make_db, tmp_path) -> Iterator[Served]:
    db = make_db(
        article("a", "1", title="Port strike ends", published="2025-10-01T00:00:00Z"),
        article("a", "2", title="Budget passes", published="2025-10-02T00:00:00Z",
                categories=["X"]),
        article("fa", "1", title="خبر کشور", language="fa", published="2025-10-03T00:00:00Z",
                body_text="اخبار کشور امروز"),
    )  # fmt: skip
    out = tmp_path / "out"
    export_feeds(db, out, CONFIG)
    log_file = tmp_path / "serve.log"
    with ServerProcess(feed_app(out, db, CONFIG), log_file=log_file) as running:
        yield Served(running, out.resolve(), db, log_file)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/a.rss.xml", "application/rss+xml; charset=utf-8"),
        ("/a.atom.xml", "application/atom+xml; charset=utf-8"),
        ("/econ.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
    ],
)
def test_files_are_served_with_validators(server, path, content_type):
    response, body = fetch(server, path)
    assert response.status == 200 and response.getheader("Content-Type") == content_type
    assert body == (server.out_dir / (path.strip("/") or "index.html")).read_bytes()
    assert response.getheader("Cache-Control") == "max-age=123"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("ETag").startswith('"') and response.getheader("Last-Modified")


def test_conditional_requests_get_304(server):
    response, _ = fetch(server, "/a.atom.xml")
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    again, body = fetch(server, "/a.atom.xml", **{"If-None-Match": etag})
    assert again.status == 304 and body == b"" and again.getheader("ETag") == etag
    assert fetch(server, "/a.atom.xml", **{"If-Modified-Since": modified})[0].status == 304
    assert fetch(server, "/a.atom.xml", **{"If-None-Match": '"other"'})[0].status == 200
    # If-None-Match decides when both are sent.
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert fetch(server, "/a.atom.xml", **both)[0].status == 200
    past = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert fetch(server, "/a.atom.xml", **{"If-Modified-Since": past})[0].status == 200


def test_gzip_when_asked_with_its_own_etag(server):
    plain, plain_body = fetch(server, "/a.rss.xml")
    zipped, body = fetch(server, "/a.rss.xml", **{"Accept-Encoding": "br, gzip;q=0.5"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == plain_body
    assert zipped.getheader("ETag") != plain.getheader("ETag")
    refused, _ = fetch(server, "/a.rss.xml", **{"Accept-Encoding": "gzip;q=0"})
    assert refused.getheader("Content-Encoding") is None
    again = {"Accept-Encoding": "gzip", "If-None-Match": zipped.getheader("ETag")}
    assert fetch(server, "/a.rss.xml", **again)[0].status == 304


def test_head_sends_headers_only(server):
    response, body = fetch(server, "/a.atom.xml", method="HEAD")
    assert response.status == 200 and body == b""
    assert (
        int(response.getheader("Content-Length")) == (server.out_dir / "a.atom.xml").stat().st_size
    )


@pytest.mark.parametrize(
    "path",
    ["/nope.xml", "/../news.db", "/%2e%2e/news.db", "/..%2fnews.db", "/out/a.rss.xml",
     "/.a.rss.xml.tmp", "//etc/passwd", "/a.rss.xml/", "/%00"],
)  # fmt: skip
def test_unknown_and_escaping_paths_are_404(server, path):
    response, body = fetch(server, path)
    assert response.status == 404 and body.startswith(b"not found")


def test_filters_are_answered_from_the_database(server):
    prefixed = feedparser.parse(fetch(server, "/a.atom.xml?q=STRIK*")[1])
    assert [e.title for e in prefixed.entries] == ["Port strike ends"]  # FTS5 prefix syntax
    response, body = fetch(server, "/a.atom.xml?q=STRIKE")
    parsed = feedparser.parse(body)
    assert response.status == 200 and parsed.bozo == 0
    assert [e.title for e in parsed.entries] == ["Port strike ends"]
    assert parsed.feed.links[0].href == BASE_URL + "a.atom.xml?q=STRIKE"
    limited = feedparser.parse(fetch(server, "/all.rss.xml?limit=1")[1])
    assert [e.title for e in limited.entries] == ["خبر کشور"]
    since = feedparser.parse(fetch(server, "/a.rss.xml?since=2025-10-02")[1])
    assert [e.title for e in since.entries] == ["Budget passes"]
    persian = feedparser.parse(fetch(server, "/all.atom.xml?q=%D9%83%D8%B4%D9%88%D8%B1")[1])
    assert [e.title for e in persian.entries] == ["خبر کشور"]  # Arabic kaf finds Persian keheh
    assert fetch(server, "/econ.json?q=budget")[1].count(b'"title": "Budget passes"') == 1


def test_filtered_responses_have_etags_and_304(server):
    response, _ = fetch(server, "/a.atom.xml?limit=1")
    again = fetch(server, "/a.atom.xml?limit=1", **{"If-None-Match": response.getheader("ETag")})
    assert again[0].status == 304
    assert response.getheader("Last-Modified") == "Thu, 02 Oct 2025 00:00:00 GMT"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", b"limit"), ("limit=x", b"limit"), ("limit=99999", b"limit"),
        ("since=yesterday", b"since"), ("q=%22%21", b"q:"), ("colour=red", b"unknown parameter"),
        ("limit=1&limit=2", b"more than once"), ("q", b"malformed"),
        ("q=%22open", b"not closed"), ("q=a%20OR", b"q:"), ("q=x%3Ay", b"unknown column"),
        ("colour=red", b"(use limit, q, since)"),
    ],
)  # fmt: skip
def test_bad_parameters_are_400_with_a_message(server, query, message):
    response, body = fetch(server, f"/a.rss.xml?{query}")
    assert response.status == 400 and message in body


def test_filters_on_non_feeds_are_404_and_broken_db_is_503(server):
    assert fetch(server, "/index.html?q=x")[0].status == 404
    assert fetch(server, "/zz.atom.xml?q=x")[0].status == 404
    server.db_path.unlink()
    response, body = fetch(server, "/a.atom.xml?q=x")
    assert response.status == 503 and b"Traceback" not in body
    assert fetch(server, "/a.atom.xml")[0].status == 200  # files need no database


def test_each_request_is_logged_once(server):
    fetch(server, "/a.atom.xml")
    fetch(server, "/missing")
    lines = server.log_lines()
    # The combined log format: the request line and status, then bytes, referer and agent.
    assert len(lines) == 2 and '"GET /a.atom.xml HTTP/1.1" 200 ' in lines[0]
    assert re.fullmatch(COMBINED, lines[0]) and lines[0].endswith(' "-" "-"')
    assert re.fullmatch(COMBINED, lines[1]) and '" 404 ' in lines[1]
