"""Sitemaps and news feeds as lists of article links, parsed without entity expansion.

Both are XML from the open web: the parser resolves no entities, loads no DTD
and touches no network, so a "billion laughs" or an XXE document yields nothing
rather than exploding or reading local files. A gzipped sitemap is unzipped up to
`MAX_SITEMAP_BYTES` and refused past it. The crawl (`spiders/generic.py`) and
`discover` (`discovery.py`) both read sitemaps, feeds and robots.txt's `Sitemap:`
lines through these functions, so they obey the same rules.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_GZIP_MAGIC = b"\x1f\x8b"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # a sitemap's size once unzipped (the protocol's cap)


@dataclass(frozen=True)
class Link:
    """An article URL with what the sitemap or feed says about it."""

    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    links: list[Link]


def sitemaps_in_robots(body: bytes, base_url: str) -> Iterator[str]:
    """The `Sitemap:` URLs of a robots.txt, absolute (as Scrapy's `sitemap_urls_from_robots`)."""
    for line in body.splitlines():
        if line.lstrip()[:8].lower() == b"sitemap:":
            try:
                url = line.partition(b":")[2].strip().decode()
            except UnicodeDecodeError:
                continue
            yield urljoin(base_url, url)


def sitemap_body(body: bytes) -> bytes | None:
    """The sitemap's XML: gunzipped when gzip; None when unzipped it passes MAX_SITEMAP_BYTES
    (a compression bomb) or is not gzip after all."""
    if body[:2] != _GZIP_MAGIC:
        return body
    parts, size, rest = [], 0, body
    try:
        while rest[:2] == _GZIP_MAGIC:  # a gzip file may hold several members, one after another
            member = zlib.decompressobj(wbits=31)
            parts.append(member.decompress(rest, MAX_SITEMAP_BYTES + 1 - size))
            size += len(parts[-1])
            if size > MAX_SITEMAP_BYTES:
                return None
            if not member.eof:  # truncated: keep what was read, as a browser would
                break
            rest = member.unused_data
    except zlib.error:
        return None
    return b"".join(parts)


def parse_sitemap(body: bytes) -> Sitemap:
    """A sitemap index (links to sitemaps) or a urlset (links to pages, with Google News data)."""
    try:
        root = etree.fromstring(body, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError:
        return Sitemap(False, [])
    if root is None:
        return Sitemap(False, [])
    is_index = etree.QName(root).localname == "sitemapindex"
    links = []
    for entry in root:
        if not isinstance(entry.tag, str) or etree.QName(entry).localname not in ("url", "sitemap"):
            continue
        loc = _child_text(entry, "loc")
        if loc:
            links.append(
                Link(
                    url=loc,
                    title=_news_text(entry, "title"),
                    # Only Google News dates: <lastmod> is when a page last changed.
                    published=_news_text(entry, "publication_date"),
                )
            )
    return Sitemap(is_index, links)


def _child_text(element: Any, name: str) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name and child.text:
            return str(child.text).strip() or None
    return None


def _news_text(entry: Any, name: str) -> str | None:
    found = entry.find(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}{name}")
    return found.text.strip() if found is not None and found.text else None


def parse_feed(body: bytes, content_type: str | None = None) -> list[Link]:
    """Entries of an RSS, Atom or JSON Feed document, newest first as the feed gives them."""
    if (content_type and "json" in content_type) or body.lstrip()[:1] == b"{":
        return _parse_json_feed(body)
    parsed = feedparser.parse(body, resolve_relative_uris=False, sanitize_html=False)
    links = []
    for entry in parsed.entries:
        url = entry.get("link")
        if url:
            links.append(
                Link(
                    url=url,
                    title=entry.get("title"),
                    published=entry.get("published") or entry.get("updated"),
                    summary=entry.get("summary"),
                )
            )
    return links


def _parse_json_feed(body: bytes) -> list[Link]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    items = document.get("items") if isinstance(document, dict) else None
    links = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            links.append(
                Link(
                    url=item["url"],
                    title=item.get("title"),
                    published=item.get("date_published"),
                    summary=item.get("summary"),
                )
            )
    return links
