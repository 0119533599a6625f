"""The whole chain: selector beats JSON-LD beats generic; decoding; a smoke test on real pages."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import trafilatura

from newsspider.extract.encoding import decode_html
from newsspider.extract.generic import extract_article

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "generic"

URL = "https://news.example.org/city/bridge-reopens"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_jsonld_beats_opengraph_and_generic_without_selectors():
    article = extract_article(fixture_bytes("article_full.html"), URL)
    assert article["title"] == "JSON-LD: Harbour bridge reopens"
    assert article["extracted_by"]["title"] == "jsonld"
    assert article["summary"].startswith("The harbour bridge")
    assert article["extracted_by"]["summary"] == "opengraph"
    assert article["extracted_by"]["body_text"] == "trafilatura"
    assert article["published_raw"] == "2024-03-04T09:30:00+01:00"
    assert article["news_id"] == "253326"
    assert article["canonical_url"] == "https://news.example.org/city/bridge-reopens?id=42"


def test_selector_beats_jsonld():
    selectors = {"title": "h1.headline", "authors": "xpath://p[@class='byline']/text()"}
    article = extract_article(fixture_bytes("article_full.html"), URL, selectors=selectors)
    assert article["title"] == "Site headline: Harbour bridge reopens"
    assert article["authors"] == ["By Jane Reporter"]
    assert article["extracted_by"]["title"] == "selector"
    assert article["extracted_by"]["authors"] == "selector"
    assert article["extracted_by"]["published_raw"] == "jsonld"


def test_portal_selectors_for_every_field():
    selectors = {
        "title": "css:h2.portal-title",
        "body": "#content",
        "published": "xpath:substring-after(//div[@class='publish-date'], ': ')",
        "news_id": "(//div[@class='news-id'])[1]/text()",
        "images": ".gallery img",
    }
    url = "https://portal.example/en/news/253326/item"
    article = extract_article(fixture_bytes("portal_selectors.html"), url, selectors=selectors)
    assert article["title"] == "Portal selector title"
    assert article["published_raw"] == "10/27/2025 7:52:21 AM"
    assert article["news_id"] == "News ID : 253326"
    assert article["body_text"].count("\n\n") == 1
    assert article["body_html"].startswith("<p>First paragraph")
    assert article["images"] == [
        "https://portal.example/en/news/img/photo1.jpg",
        "https://portal.example/img/photo2.jpg",
    ]
    assert set(article["extracted_by"].values()) >= {"selector"}
    assert article["extracted_by"]["body_text"] == "selector"


def test_bad_or_empty_selector_falls_through_to_metadata():
    selectors = {"title": "xpath://*[", "summary": "div.missing"}
    article = extract_article(fixture_bytes("article_full.html"), URL, selectors=selectors)
    assert article["extracted_by"]["title"] == "jsonld"
    assert article["extracted_by"]["summary"] == "opengraph"


def test_generic_steps_when_page_has_no_metadata():
    article = extract_article(fixture_bytes("no_date.html"), "https://coop.example/about")
    assert article["published_raw"] is None
    assert "cooperative of growers" in article["body_text"]
    assert article["extracted_by"]["language"] == "html"
    assert article["news_id"] is None
    assert article["authors"] == []


def test_language_detected_from_text_when_undeclared():
    html = (
        "<html><body><article>" + "<p>Der Stadtrat hat am Montag beschlossen, die Brücke "
        "über den Fluss für den Autoverkehr zu sperren und nur noch Busse zuzulassen.</p>"
        * 4
        + "</article></body></html>"
    )
    article = extract_article(html, "https://example.de/a")
    assert article["language"] == "de"
    assert article["extracted_by"]["language"] == "langid"


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "iso-8859-7"])
def test_decode_html_uses_meta_charset(encoding):
    text = {"cp1251": "Привет мир", "utf-8": "خبر فوری", "iso-8859-7": "Καλημέρα"}[encoding]
    data = f'<html><head><meta charset="{encoding}"></head><body>{text}</body></html>'
    assert text in decode_html(data.encode(encoding))


def test_decode_html_prefers_declared_charset_and_survives_garbage():
    data = "<p>Žluťoučký kůň</p>".encode("cp1250")
    assert "Žluťoučký" in decode_html(data, "windows-1250")
    assert isinstance(decode_html(b"\xff\xfe\x00\xd8 broken", "no-such-codec"), str)


def shingle_f1(predicted: str, truth: str) -> float:
    def shingles(text: str) -> Counter:
        tokens = re.findall(r"\w+", text)
        return Counter(tuple(tokens[i : i + 4]) for i in range(max(len(tokens) - 3, 1)))

    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    return 2 * tp / (sum(pred.values()) + sum(true.values())) if tp else 0.0


PORTAL_PAGES = sorted((ROOT / "tests" / "fixtures" / "portal").glob("*_article_*.json"))


@pytest.mark.parametrize("truth_file", PORTAL_PAGES, ids=lambda path: path.stem)
def test_chain_matches_or_beats_trafilatura_on_portal_pages_without_a_site(truth_file):
    """The generic chain alone (no site definition) against trafilatura alone, on every markup."""
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    html = truth_file.with_suffix(".html").read_bytes()
    expected = "\n".join(truth["paragraphs"])
    ours = shingle_f1(extract_article(html, truth["url"])["body_text"] or "", expected)
    baseline = shingle_f1(trafilatura.extract(decode_html(html), url=truth["url"]) or "", expected)
    assert ours >= baseline
