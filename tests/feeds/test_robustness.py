"""Hostile or broken articles are cleaned or skipped, never break a feed; writes are atomic."""

from __future__ import annotations

import feedparser
import pytest

import feeds.write
from feeds import export_feeds
from tests.feeds.conftest import article, make_config

HOSTILE_HTML = (
    "<p>Intro\x00 text\x0b with\x1b controls.</p>"
    "<script>alert('x')</script><style>p{color:red}</style>"
    '<p><img src="/pic.jpg" onerror="alert(1)" alt="A picture">'
    '<a href="javascript:alert(1)">bad link</a> <a href="../other/">good link</a></p>'
    '<iframe src="https://evil.example/">frame fallback</iframe>'
    '<form action="/post"><input name="q">Form words</form>'
    '<p onclick="steal()">Clicked paragraph</p>'
)


def hostile_article():
    return article(
        "a",
        "666",
        url="https://a.example.com/news/666/page.html",
        title="Bad\x00 \x0btitle\x1b here",
        summary="Sum\x00mary",
        body_html=HOSTILE_HTML,
        body_text="Intro\x00 text",
        source="Agency\x1b",
        categories=["Pol\x0bitics"],
    )


def test_hostile_article_exports_cleaned_with_text_kept(make_db, tmp_path):
    db = make_db(hostile_article())
    report = export_feeds(db, tmp_path, make_config("a"))
    assert report.entries["a"] == 1 and report.skipped == []
    for name in ("a.atom.xml", "a.rss.xml"):
        raw = (tmp_path / name).read_bytes()
        assert b"\x00" not in raw and b"\x0b" not in raw and b"\x1b" not in raw
        parsed = feedparser.parse(raw)
        assert parsed.bozo == 0
        entry = parsed.entries[0]
        assert entry.title == "Bad title here"
        content = entry.content[0].value
        for text in ("Intro text with controls.", "good link", "Clicked paragraph", "Form words"):
            assert text in content
        for bad in (
            "<script",
            "alert(",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "<form",
            "<input",
            "color:red",
        ):
            assert bad not in content, bad
        assert 'src="https://a.example.com/pic.jpg"' in content
        assert 'href="https://a.example.com/news/other/"' in content
        assert entry.tags[0].term == "Politics"


def test_broken_dates_do_not_break_the_feed(make_db, tmp_path):
    db = make_db(
        article("a", "1", published="2025-10-26T00:00:00Z"),
        (article("a", "2", published="yesterday at noon"), "2025-10-28T10:00:00+00:00"),
        (article("a", "3", published="not a date"), "also broken"),
        article("a", "4", published="2025-10-25T12:00:00"),  # naive: UTC by convention
    )
    report = export_feeds(db, tmp_path, make_config("a"))
    assert report.entries["a"] == 3
    assert [(s.news_id, s.reason.split(" (")[0]) for s in report.skipped] == [
        ("3", "no usable date")
    ]
    parsed = feedparser.parse((tmp_path / "a.atom.xml").read_bytes())
    assert parsed.bozo == 0
    assert [e.id[-1] for e in parsed.entries] == ["2", "1", "4"]
    assert parsed.entries[0].published == "2025-10-28T10:00:00+00:00"
    assert parsed.entries[2].published == "2025-10-25T12:00:00+00:00"


def test_articles_without_title_or_url_are_skipped_with_reasons(make_db, tmp_path):
    db = make_db(
        article("a", "1", title="  \x00 "),
        article("a", "2", url="ftp://a.example.com/x"),
        article("a", "3"),
    )
    report = export_feeds(db, tmp_path, make_config("a"))
    assert report.entries == {"a": 1, "all": 1}
    reasons = {s.news_id: s.reason for s in report.skipped}
    assert reasons["1"] == "no title"
    assert reasons["2"].startswith("no http(s) URL")


def test_skipped_articles_do_not_shrink_a_full_feed(make_db, tmp_path):
    db = make_db(
        article("a", "1", published="2025-10-01T00:00:00Z"),
        article("a", "2", published="2025-10-02T00:00:00Z"),
        article("a", "3", published="2025-10-03T00:00:00Z", title=""),
    )
    report = export_feeds(db, tmp_path, make_config("a"), limit=2)
    assert report.entries["a"] == 2


def test_crash_mid_write_leaves_previous_file(make_db, tmp_path, monkeypatch):
    db = make_db(article("a", "1"))
    out = tmp_path / "out"
    export_feeds(db, out, make_config("a"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    make_db(article("a", "2", published="2025-10-29T00:00:00Z"))

    def crash(handle, data):
        handle.write(data[: len(data) // 2])
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(feeds.write, "_write_bytes", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_feeds(db, out, make_config("a"))
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # same files (no temp files left behind) with the old bytes
