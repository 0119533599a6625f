"""nginx in front of `serve`, with exactly the site file of docs/serve.md (paths, ports swapped)."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from feeds import export_feeds
from feeds.serve import ServerProcess, check_port, feed_app, wait_until_listening
from tests.feeds.conftest import article, make_config

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx; .ci/run does)"
)
DOC = Path(__file__).resolve().parents[2] / "docs" / "serve.md"
CONFIG = make_config("a", max_age=900)
# The values the doc's site file uses, and what the test puts in their place.
DOC_LISTEN, DOC_ROOT, DOC_UPSTREAM = "listen 80;", "/srv/newsspider/feeds-out", "127.0.0.1:8080"
MAIN_CONF = """
{user}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def site_config() -> str:
    """The one ```nginx block of docs/serve.md."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/serve.md must hold exactly one nginx block"
    return blocks[0]


def swapped(config: str, **values: str) -> str:
    for old, new in values.items():
        doc_value = {"listen": DOC_LISTEN, "root": DOC_ROOT, "upstream": DOC_UPSTREAM}[old]
        assert config.count(doc_value) == 1, f"the doc's site file no longer has {doc_value!r}"
        config = config.replace(doc_value, new)
    return config


@pytest.fixture
def front(make_db, tmp_path) -> Iterator[tuple[str, int, Path]]:
    """nginx on a free port in front of `serve`, both over freshly exported feeds."""
    db = make_db(
        article("a", "1", title="Port strike ends", published="2025-10-01T00:00:00Z"),
        article("a", "2", title="Budget passes", published="2025-10-02T00:00:00Z"),
    )
    out = tmp_path / "out"
    export_feeds(db, out, CONFIG)
    work = tmp_path / "nginx"
    work.mkdir()
    port = check_port("127.0.0.1", 0)
    with ServerProcess(feed_app(out, db, CONFIG)) as backend:
        site = swapped(
            site_config(),
            listen=f"listen 127.0.0.1:{port};",
            root=str(out),
            upstream="{}:{}".format(*backend.server_address),
        )
        (work / "site.conf").write_text(site, encoding="utf-8")
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read tmp_path
        (work / "nginx.conf").write_text(MAIN_CONF.format(user=user, tmp=work), encoding="utf-8")
        command = [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"),
                   "-e", str(work / "error.log")]  # fmt: skip
        nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not wait_until_listening("127.0.0.1", port, seconds=10):
                log = (work / "error.log").read_text(errors="replace")
                pytest.fail(f"nginx did not start: {log[-500:]}")
            yield "127.0.0.1", port, out
        finally:
            nginx.terminate()
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
    assert "[emerg]" not in (work / "error.log").read_text(errors="replace")


def get(front, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(front[0], front[1], timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_nginx_serves_a_static_feed_with_validators_304_and_gzip(front):
    out = front[2]
    response, body = get(front, "/a.atom.xml")
    assert response.status == 200 and body == (out / "a.atom.xml").read_bytes()
    assert response.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
    assert response.getheader("Cache-Control") == "max-age=900"
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert etag.startswith('"') and modified
    assert get(front, "/a.atom.xml", **{"If-None-Match": etag})[0].status == 304
    assert get(front, "/a.atom.xml", **{"If-Modified-Since": modified})[0].status == 304
    assert get(front, "/a.atom.xml", **{"If-None-Match": '"other"'})[0].status == 200
    zipped, data = get(front, "/a.rss.xml", **{"Accept-Encoding": "gzip"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert zipped.getheader("Content-Type") == "application/rss+xml; charset=utf-8"
    assert "Accept-Encoding" in zipped.getheader("Vary")
    assert gzip.decompress(data) == (out / "a.rss.xml").read_bytes()
    again = {"Accept-Encoding": "gzip", "If-None-Match": zipped.getheader("ETag")}
    assert get(front, "/a.rss.xml", **again)[0].status == 304


def test_nginx_serves_pages_index_and_hides_temporary_files(front):
    index, body = get(front, "/")
    assert index.getheader("Content-Type") == "text/html; charset=utf-8"
    assert body == (front[2] / "index.html").read_bytes()
    assert get(front, "/a.html")[0].getheader("Content-Type") == "text/html; charset=utf-8"
    assert get(front, "/a.json")[0].getheader("Content-Type") == (
        "application/feed+json; charset=utf-8"
    )
    (front[2] / ".a.atom.xml.tmp").write_text("partial", encoding="utf-8")
    assert get(front, "/.a.atom.xml.tmp")[0].status == 404


def test_nginx_passes_filters_to_serve(front):
    response, body = get(front, "/a.atom.xml?q=strike")
    assert response.status == 200
    assert [e.title for e in feedparser.parse(body).entries] == ["Port strike ends"]
    assert "-" not in response.getheader("ETag")  # serve's content tag, not nginx's mtime-size
    revalidate = {"If-None-Match": response.getheader("ETag")}
    assert get(front, "/a.atom.xml?q=strike", **revalidate)[0].status == 304
    since = feedparser.parse(get(front, "/a.rss.xml?since=2025-10-02&limit=5")[1])
    assert [e.title for e in since.entries] == ["Budget passes"]
    page, html = get(front, "/a.html?q=budget")
    assert page.status == 200 and b"Budget passes" in html and b"Port strike" not in html
    bad, message = get(front, "/a.atom.xml?limit=0")
    assert bad.status == 400 and b"limit" in message
