import re

from newsspider.extract.links import article_links, in_domains, next_page
from newsspider.extract.portal import parse_html

LISTING = """<html><body>
<nav><a href="/">Home</a><a href="/about">About the ministry</a></nav>
<div class="list">
 <a href="/en/news/300/minister-meets-counterpart">Minister meets counterpart in Hanoi today</a>
 <a href="/en/news/299/second-story#comments">Second story of the day is here</a>
 <a href="https://other.example.com/en/news/5/x">Elsewhere story with a long title</a>
 <a href="javascript:void(0)">Print this page now please</a>
</div>
<div class="pager"><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a></div>
</body></html>"""
BASE = "https://example.org/en/news?page=1"


def test_article_links_by_pattern_stay_in_domain():
    urls = article_links(
        parse_html(LISTING),
        BASE,
        pattern=re.compile(r"/news/\d+/"),
        allowed_domains=("example.org",),
    )
    assert urls == [
        "https://example.org/en/news/300/minister-meets-counterpart",
        "https://example.org/en/news/299/second-story",
    ]


def test_article_links_without_pattern_use_link_shape():
    urls = article_links(parse_html(LISTING), BASE, pattern=None, allowed_domains=("example.org",))
    assert "https://example.org/about" not in urls
    assert "https://example.org/en/news/300/minister-meets-counterpart" in urls


def test_next_page_by_number_text_and_rel():
    assert next_page(parse_html(LISTING), BASE, page=1) == "https://example.org/en/news?page=2"
    assert next_page(parse_html(LISTING), BASE, page=3) is None
    texted = parse_html('<body><a href="/n?p=9">Next »</a><a href="/n?p=2">2</a></body>')
    assert next_page(texted, BASE, page=1) == "https://example.org/n?p=9"
    rel = parse_html('<head><link rel="next" href="/n/2"></head><body></body>')
    assert next_page(rel, BASE, page=1) == "https://example.org/n/2"


def test_in_domains_includes_subdomains():
    assert in_domains("https://www.example.org/x", ("example.org",))
    assert not in_domains("https://example.org.evil.com/x", ("example.org",))
