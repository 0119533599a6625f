"""XML bombs and compression bombs: parsed without expansion, refused past their caps."""

from __future__ import annotations

import gzip
import time

import pytest
from scrapy.utils.gz import gunzip

from newsspider.extract.sitemaps import MAX_SITEMAP_BYTES, parse_feed, parse_sitemap, sitemap_body
from tests.hostile.scenarios import LAUGHS
from tests.support.hostile_server import MiB, gzip_bomb


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET", encoding="utf-8")
    return path


def _quick(call, *args):
    """Expanded, &lol9; is 10^9 characters: minutes and gigabytes. Unexpanded, milliseconds;
    the bound is loose so that a loaded machine cannot make the test flaky."""
    started = time.monotonic()
    result = call(*args)
    assert time.monotonic() - started < 15.0
    return result


def test_billion_laughs_sitemap_expands_nothing():
    body = (LAUGHS + "<urlset><url><loc>&lol9;</loc></url></urlset>").encode()
    sitemap = _quick(parse_sitemap, body)
    assert all("lol" not in link.url for link in sitemap.links)


def test_billion_laughs_feed_expands_nothing():
    body = (LAUGHS + "<rss><channel><item><title>&lol9;</title><link>http://a/&lol9;</link>"
            "</item></channel></rss>").encode()  # fmt: skip
    links = _quick(parse_feed, body, "application/rss+xml")
    assert all(len(link.url) < 100 and "lollol" not in (link.title or "") for link in links)


def test_xxe_sitemap_reads_no_local_file(secret):
    body = (f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
            "<urlset><url><loc>http://a/&e;</loc></url></urlset>").encode()  # fmt: skip
    assert all("TOPSECRET" not in link.url for link in parse_sitemap(body).links)


def test_xxe_feed_reads_no_local_file(secret):
    doctype = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
    item = "<item><title>&e;</title><link>http://a/&e;</link></item>"
    body = f"{doctype}<rss><channel>{item}</channel></rss>".encode()
    for link in parse_feed(body, "application/rss+xml"):
        assert "TOPSECRET" not in link.url and "TOPSECRET" not in (link.title or "")


def test_gzip_sitemap_is_capped_on_its_decompressed_size():
    bomb = gzip_bomb(MAX_SITEMAP_BYTES + MiB)
    assert len(bomb) < MAX_SITEMAP_BYTES // 100
    with pytest.raises(ValueError):
        gunzip(bomb, max_size=MAX_SITEMAP_BYTES)
    assert gunzip(gzip.compress(b"<urlset/>"), max_size=MAX_SITEMAP_BYTES) == b"<urlset/>"
    # What the crawl and `discover` call: the same cap, refused without raising.
    assert sitemap_body(bomb) is None
    assert sitemap_body(gzip.compress(b"<urlset/>")) == b"<urlset/>"
    assert sitemap_body(b"<urlset/>") == b"<urlset/>"
    assert sitemap_body(gzip_bomb(MAX_SITEMAP_BYTES)) is not None  # at the cap: read
    # Several gzip members (as `cat a.gz b.gz` makes) are read whole, and capped together.
    two = gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>")
    assert sitemap_body(two) == gunzip(two) == b"<urlset></urlset>"
    assert sitemap_body(gzip_bomb(MAX_SITEMAP_BYTES // 2 + MiB) * 2) is None
