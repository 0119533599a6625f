"""Walk each section's listing pages the way a reader would: entries, then "Next"."""

from __future__ import annotations

import lxml.html
import pytest

from tests.demo.conftest import ENTRIES, fetch, walk_listing


@pytest.mark.parametrize("section", ["alpha", "beta", "gamma", "fa"])
def test_listing_pages_cover_every_article_once_newest_first(server, section):
    entries, pages = walk_listing(server, section)
    expected = [server.base_url + a.url_path for a in server.truth().sections[section]]
    assert entries == expected
    assert pages == 3


@pytest.mark.parametrize("section", ["alpha", "beta", "gamma", "fa"])
def test_every_listed_article_page_shows_its_title_twice(server, section):
    for article in server.truth().sections[section]:
        reply = fetch(server, article.url_path)
        assert reply.status == 200
        title = lxml.html.fromstring(reply.text).text_content().count(article.title)
        assert title >= 2, article.url_path


def test_listing_pages_show_six_entries_and_numbered_links(server):
    reply = fetch(server, "/beta/news/page/2/")
    page = lxml.html.fromstring(reply.text)
    assert len(page.xpath(ENTRIES["beta"])) == 6
    numbers = page.xpath("//ul[@class='pagination']//a/text()")
    assert {"1", "2", "3"} <= set(numbers)
