from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
import pytest

from newsspider.demo.server import DemoServer


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    server: DemoServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        reply = connection.getresponse()
        return Response(reply.status, reply.headers, reply.read())
    finally:
        connection.close()


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(articles_per_section=16) as running:
        yield running


# The demo's own knowledge of its markups (the crawler must not rely on these).
ENTRIES = {
    "alpha": "//table[contains(@class, 'NewsList')]//a[@class='NewsLink']/@href",
    "beta": "//div[@class='news-list']//h3/a/@href",
    "gamma": "//ul[@class='archive-list']/li/a/@href",
    "fa": "//div[@class='archive']//a[@class='item-title']/@href",
}
NEXT = {
    "alpha": "//div[@class='Pager']/a[. = 'Next']/@href",
    "beta": "//a[@rel='next']/@href",
    "gamma": "//a[@class='older']/@href",
    "fa": "//a[@class='next']/@href",
}


def walk_listing(server, section: str) -> tuple[list[str], int]:
    """Every entry of every listing page, in order, and the number of pages visited."""
    url, entries, pages = f"{server.base_url}/{section}/news", [], 0
    while url:
        reply = fetch(server, url.removeprefix(server.base_url))
        assert reply.status == 200, url
        page = lxml.html.fromstring(reply.text)
        entries += [urljoin(url, href) for href in page.xpath(ENTRIES[section])]
        following = page.xpath(NEXT[section])
        url = urljoin(url, following[0]) if following else ""
        pages += 1
    return entries, pages
