from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from newsspider.demo.content import SEED_TITLE
from newsspider.demo.fixtures import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "portal"


def test_saved_fixtures_match_the_generator(tmp_path):
    assert main([str(tmp_path)]) == 0
    generated = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    saved = {p.name: p.read_text(encoding="utf-8") for p in FIXTURES.iterdir()}
    assert sorted(generated) == sorted(saved)
    stale = [name for name in generated if generated[name] != saved[name]]
    assert not stale, f"regenerate with: python -m newsspider.demo.fixtures {FIXTURES}"


def test_every_page_has_a_golden_file_with_the_agreed_keys():
    pages = sorted(FIXTURES.glob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        golden = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        if page.stem.endswith("_listing"):
            assert set(golden) == {"url", "article_urls", "next_page"}
        else:
            assert {"url", "news_id", "title", "published_raw", "source", "paragraphs"} <= set(
                golden
            )


def test_seed_golden_matches_the_real_article():
    golden = json.loads((FIXTURES / "alpha_article_seed.json").read_text(encoding="utf-8"))
    assert golden["news_id"] == "253326" and golden["title"] == SEED_TITLE
    assert golden["published_raw"] == "10/27/2025 7:52:21 AM" and golden["source"] == "IRNA"


def test_golden_text_is_visible_on_each_article_page():
    for golden_path in FIXTURES.glob("*_article_*.json"):
        golden = json.loads(golden_path.read_text(encoding="utf-8"))
        html = golden_path.with_suffix(".html").read_text(encoding="utf-8")
        text = lxml.html.fromstring(html).text_content()
        for value in (golden["title"], golden["published_raw"], *golden["paragraphs"]):
            assert value in text, (golden_path.name, value)


def test_listing_golden_links_appear_on_the_listing_page():
    for golden_path in FIXTURES.glob("*_listing.json"):
        golden = json.loads(golden_path.read_text(encoding="utf-8"))
        page = lxml.html.fromstring(golden_path.with_suffix(".html").read_text(encoding="utf-8"))
        page.make_links_absolute(golden["url"])
        links = {href for _, _, href, _ in page.iterlinks()}
        assert set(golden["article_urls"]) <= links
        assert golden["next_page"] in links
