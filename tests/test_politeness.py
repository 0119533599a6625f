"""Request purposes, listing fingerprints, robots.txt max-age and Crawl-delay."""

from __future__ import annotations

import pytest

from newsspider.politeness import (
    ROBOTS_MAX_AGE,
    crawl_delay,
    link_fingerprint,
    request_purpose,
    robots_max_age,
)


@pytest.mark.parametrize(
    ("url", "callback", "recheck", "purpose"),
    [
        ("https://a.example/robots.txt", None, False, "robots"),
        ("https://a.example/robots.txt", "parse_robots", False, "robots"),
        ("https://a.example/news", "parse_listing", False, "listing"),
        ("https://a.example/feed.xml", "parse_feed", False, "listing"),
        ("https://a.example/sitemap.xml", "parse_sitemap", False, "listing"),
        ("https://a.example/news/1", "parse_article", False, "article"),
        ("https://a.example/news/1", "parse_article", True, "recheck"),
        ("https://a.example/logo.png", None, False, "asset"),
    ],
)
def test_request_purpose(url, callback, recheck, purpose):
    assert request_purpose(url, callback, recheck) == purpose


def test_fingerprint_is_of_the_set_of_links():
    links = ["https://a.example/n/1", "https://a.example/n/2"]
    assert link_fingerprint(links) == link_fingerprint([*reversed(links), links[0]])
    assert link_fingerprint(links) != link_fingerprint([*links, "https://a.example/n/3"])
    assert link_fingerprint(links) != link_fingerprint(links[:1])


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, ROBOTS_MAX_AGE),
        ("public", ROBOTS_MAX_AGE),
        ("public, max-age=3600", 3600),
        ('max-age="600"', 600),
        ("s-maxage=5, max-age=120", 120),
        ("no-store", 0),
        ("no-cache, max-age=60", 0),
    ],
)
def test_robots_max_age(header, seconds):
    assert robots_max_age(header) == seconds


ROBOTS = b"User-agent: *\nCrawl-delay: 5\n\nUser-agent: newsspider\nCrawl-delay: 2\nDisallow:\n"


def test_crawl_delay_for_our_agent_else_everyone():
    assert crawl_delay(ROBOTS, "newsspider/0.1 (+https://example.org)") == 2.0
    assert crawl_delay(ROBOTS, "otherbot") == 5.0
    assert crawl_delay(b"User-agent: *\nDisallow: /x\n", "newsspider") is None
    assert crawl_delay(b"User-agent: *\nCrawl-delay: soon\n", "newsspider") is None
    assert crawl_delay(b"\xff\xfe garbage", "newsspider") is None
