"""Properties over arbitrary input: parsers, normalizers and the feed writer never raise, and
every feed they produce is well-formed XML (or JSON)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.entries import entry_from_row
from feeds.model import Feed
from feeds.render_json import render_json_feed
from feeds.render_xml import render_atom, render_rss
from feeds.sanitize import sanitize_html
from newsspider.extract.chain import extract_page
from newsspider.extract.encoding import better_encoding, decode_html, looks_mojibake
from newsspider.extract.sitemaps import parse_feed, parse_sitemap
from newsspider.extract.text import clean_body, clean_text, search_form
from newsspider.guard import url_limit_reason

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGS = st.sampled_from(["p", "a", "img", "script", "div", "svg", "b", "iframe", "h1", "table"])
ATTRS = st.sampled_from(["href", "src", "onclick", "style", "alt", "class"])


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    """Tag soup: random nesting of tags, attributes and arbitrary text (unclosed tags included)."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag, attr = draw(TAGS), draw(ATTRS)
        value = draw(st.text(max_size=20)).replace('"', "")
        parts.append(f'<{tag} {attr}="{value}">{draw(st.text(max_size=30))}')
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    return "".join(parts)


ANY_HTML = st.one_of(st.text(max_size=300), html_fragments())


@FAST
@given(st.text())
def test_normalizers_never_raise_and_stay_xml_safe(text):
    for result in (clean_text(text), clean_body(text), search_form(text)):
        assert isinstance(result, str)
    etree.fromstring(f"<x>{_escape(clean_text(text))}</x>".encode())


@FAST
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "windows-1256", "bogus"]))
def test_decoding_any_bytes_gives_text(data, declared):
    assert isinstance(decode_html(data, declared), str)
    encoding = better_encoding(data, data.decode("latin-1"), "latin-1")
    assert encoding is None or isinstance(data.decode(encoding, errors="replace"), str)


@FAST
@given(st.binary(max_size=2000))
def test_sitemap_and_feed_parsers_take_any_bytes(data):
    parse_sitemap(data)
    parse_feed(data, "application/rss+xml")
    parse_feed(data, "application/json")


@FAST
@given(ANY_HTML)
def test_page_extraction_takes_any_html(page):
    fields = extract_page(page, "http://127.0.0.1/news/1")
    assert isinstance(fields, dict)
    looks_mojibake(fields.get("body_text"))


@FAST
@given(ANY_HTML)
def test_sanitized_html_is_never_active(fragment):
    cleaned = sanitize_html(fragment, "https://a.example.com/news/1")
    root = lxml.html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
    for element in root.iter():
        assert element.tag not in ("script", "iframe", "svg", "style")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert "style" not in element.attrib


@FAST
@given(st.text(max_size=3000))
def test_url_limits_take_any_text(url):
    assert url_limit_reason(url, 2048, 12) in (None, "url_too_long", "too_many_query_params")


@FAST
@given(
    title=st.text(min_size=1, max_size=200),
    body=ANY_HTML,
    text=st.text(max_size=300),
    language=st.sampled_from([None, "fa", "ar", "en", "zz-@@"]),
    authors=st.lists(st.text(max_size=20), max_size=3),
)
def test_feed_writer_always_produces_well_formed_feeds(title, body, text, language, authors):
    row = {
        "site": "a", "news_id": "1", "url": "https://a.example.com/news/1", "title": title,
        "body_html": body, "body_text": text, "summary": text, "language": language,
        "published": "2025-10-27T04:22:21Z", "authors": json.dumps(authors), "categories": "[]",
        "source": text[:20], "first_seen": "2025-10-27T04:22:21Z", "updated": None,
    }  # fmt: skip
    try:
        entry = entry_from_row(row, "feeds.example.org", "Site", language)
    except Exception as exc:  # only the documented skip is allowed
        assert type(exc).__name__ == "ArticleSkipped", exc
        return
    feed = Feed(
        name="a", id="tag:feeds.example.org,2025:a", title="Site", subtitle="s",
        home_url="https://a.example.com/", base_url="https://feeds.example.org/",
        language=language, entries=(entry,),
    )  # fmt: skip
    for render in (render_atom, render_rss):
        etree.fromstring(render(feed, "a.xml"))
    json.loads(render_json_feed(feed, "a.json"))
    assert datetime(2025, 10, 27, tzinfo=UTC) <= entry.published


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")
