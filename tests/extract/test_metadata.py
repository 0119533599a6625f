"""Structured metadata: source priority, malformed JSON-LD, URLs made absolute and cleaned."""

from pathlib import Path

import lxml.html
import pytest

from newsspider.extract.metadata import extract_metadata, strip_tracking

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
URL = "https://news.example.org/city/bridge-reopens"


def metadata_of(name: str, url: str = URL) -> dict:
    tree = lxml.html.fromstring((FIXTURES / name).read_bytes())
    return extract_metadata(tree, url)


def test_jsonld_in_graph_beats_opengraph_and_meta():
    found = metadata_of("article_full.html")
    assert found["title"] == "JSON-LD: Harbour bridge reopens"
    assert found["published"] == "2024-03-04T09:30:00+01:00"
    assert found["modified"] == "2024-03-05T10:00:00+01:00"
    assert found["authors"] == ["Jane Reporter", "Ali Writer"]
    assert found["categories"] == ["City"]
    assert found["tags"] == ["bridges", "transport"]
    assert found["news_id"] == "253326"


def test_opengraph_fills_what_jsonld_lacks():
    found = metadata_of("article_full.html")
    assert found["summary"].startswith("The harbour bridge reopened")
    assert found["site_name"] == "Example News"
    assert found["language"] == "en"


def test_images_are_absolute_lead_first_and_lazy_sources_used():
    images = metadata_of("article_full.html")["images"]
    assert images[0] == "https://news.example.org/city/images/lead.jpg"
    assert "https://news.example.org/media/og-bridge.jpg" in images
    assert "https://news.example.org/media/lazy-photo.jpg" in images
    assert "https://news.example.org/city/photos/inline.png" in images
    assert not any(image.startswith("data:") for image in images)


def test_canonical_url_loses_tracking_parameters_only():
    canonical = metadata_of("article_full.html")["canonical_url"]
    assert canonical == "https://news.example.org/city/bridge-reopens?id=42"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?utm_campaign=c&utm_content=d#top", "https://a.example/x"),
        ("https://a.example/x?page=2&gclid=1&FBCLID=2", "https://a.example/x?page=2"),
        ("https://a.example/x", "https://a.example/x"),
    ],
)
def test_strip_tracking(url, expected):
    assert strip_tracking(url) == expected


def test_malformed_jsonld_never_raises_and_lenient_parse_recovers():
    found = metadata_of("malformed_jsonld.html", "https://example.fr/a")
    assert found["title"] == "Trailing comma headline"
    assert found["authors"] == ["Marie Curie"]
    assert found["language"] == "fr"


def test_page_without_metadata_gives_only_document_fields():
    found = metadata_of("no_date.html", "https://coop.example/about")
    assert "published" not in found
    assert found["title"] == "About our cooperative"
    assert "images" not in found
