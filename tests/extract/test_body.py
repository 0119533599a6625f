"""Body extraction: main text kept, boilerplate and repeated headline dropped, JSON-LD fallback."""

import json
from pathlib import Path

from newsspider.extract.body import Block, clean_blocks, extract_body

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "generic"


def test_article_paragraphs_kept_and_boilerplate_dropped():
    html = (FIXTURES / "article_full.html").read_text(encoding="utf-8")
    body = extract_body(html, "https://news.example.org/city/bridge-reopens")
    assert body is not None
    assert body.method == "trafilatura"
    assert "forty million euros" in body.text
    assert "night shifts" in body.text
    assert "Related:" not in body.text
    assert "Share this article" not in body.text
    assert "All rights reserved" not in body.text
    assert body.text.count("\n\n") >= 3
    assert body.html.startswith("<p>")


def test_repeated_headline_and_tail_sections_removed():
    blocks = [
        Block("h2", ["Bridge reopens"]),
        Block("p", ["The bridge reopened on Monday after months of repairs " * 3]),
        Block("p", ["Officials said the work finished early and under budget " * 3]),
        Block("h2", ["You may also like"]),
        Block("p", ["Another story entirely"]),
    ]
    kept = clean_blocks(blocks, "Bridge reopens", None)
    assert [block.lines[0][:16] for block in kept] == ["The bridge reope", "Officials said t"]


def test_lead_paragraph_equal_to_summary_is_kept():
    lead = "The bridge reopened on Monday."
    blocks = [Block("p", [lead]), Block("p", ["More text follows here."])]
    assert clean_blocks(blocks, None, lead)[0].lines == [lead]


def test_complete_jsonld_body_used_when_page_text_is_thin():
    article = "Paragraph one of the full story. " * 30 + "\n\n" + "Paragraph two goes on. " * 30
    ld = json.dumps({"@type": "NewsArticle", "articleBody": article})
    html = (
        f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
        "<p>Teaser only.</p></body></html>"
    )
    body = extract_body(html, "https://example.org/story")
    assert body is not None
    assert body.method == "jsonld"
    assert body.text.startswith("Paragraph one")
    assert "<p>Paragraph two" in body.html


def test_page_without_text_gives_none():
    assert extract_body("<html><body><div><script>var x = 1;</script></div></body></html>") is None
