from __future__ import annotations

import html
import http.client
import threading
from contextlib import closing
from urllib.parse import quote, unquote

import pytest

from newsspider.demo.content import SEED_TITLE
from newsspider.demo.server import DemoServer
from tests.demo.conftest import fetch

SEED_PATH = "/alpha/newsview.aspx?NewsID=253326"


def test_article_page_is_served_as_utf8_html(server):
    reply = fetch(server, SEED_PATH)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert reply.text.count(SEED_TITLE) >= 2
    assert "News ID :" in reply.text and "Publish Date :" in reply.text
    assert "10/27/2025 7:52:21 AM" in reply.text


def test_unknown_paths_are_404(server):
    assert fetch(server, "/alpha/newsview.aspx?NewsID=1").status == 404
    assert fetch(server, "/nowhere").status == 404


def test_head_sends_headers_without_body(server):
    get = fetch(server, SEED_PATH)
    head = fetch(server, SEED_PATH, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_validators_and_conditional_get(server):
    reply = fetch(server, SEED_PATH)
    assert reply.headers["Last-Modified"] == "Mon, 27 Oct 2025 04:22:21 GMT"
    again = fetch(server, SEED_PATH, headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status == 304 and again.body == b""
    assert fetch(server, SEED_PATH, headers={"If-None-Match": '"other"'}).status == 200


def test_robots_and_home(server):
    robots = fetch(server, "/robots.txt")
    assert robots.headers["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in robots.text and "Disallow: /admin/" in robots.text
    home = fetch(server, "/").text
    for section in ("alpha", "beta", "gamma", "fa"):
        assert f'href="/{section}/news"' in home


def test_request_log_counts_every_request(server):
    fetch(server, "/robots.txt")
    fetch(server, SEED_PATH, method="HEAD")
    fetch(server, "/missing")
    assert server.requests == ["/robots.txt", SEED_PATH, "/missing"]
    server.clear_requests()
    assert server.requests == []


def test_request_log_is_thread_safe(server):
    def hammer():
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        for _ in range(25):
            connection.request("GET", "/robots.txt")
            connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.requests) == 100


def test_persian_url_is_served_however_it_is_encoded(server):
    article = server.truth().sections["fa"][0]
    decoded = unquote(article.url_path)
    assert fetch(server, article.url_path).status == 200
    lower_hex = quote(decoded).lower()
    assert lower_hex != article.url_path
    assert fetch(server, lower_hex).status == 200


def test_persian_page_is_rtl_with_persian_labels_and_digits(server):
    article = server.truth().sections["fa"][0]
    text = fetch(server, article.url_path).text
    assert '<html lang="fa" dir="rtl">' in text
    assert "کد خبر :" in text and "تاریخ انتشار :" in text
    assert "۶۱۲۳۴۵۰" in text and article.news_id == "6123450"
    assert "۵ آبان ۱۴۰۴ - ۰۷:۵۲" in text


def test_stopped_server_refuses_connections():
    server = DemoServer(articles_per_section=4).start()
    port = server.port
    server.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()


def test_large_site_serves_every_sampled_article():
    """The benchmark's site size; its speed is measured by bench/crawl.py, not here."""
    with DemoServer(articles_per_section=2000) as server:
        articles = server.truth().articles()[::16]
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        with closing(connection):
            for article in articles:
                connection.request("GET", article.url_path)
                response = connection.getresponse()
                assert response.status == 200
                assert html.escape(article.title, quote=False).encode() in response.read()
    assert len(articles) == 500
