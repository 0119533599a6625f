"""Every portal markup of the fixture site, extracted by the same unchanged code.

The golden files were written from the demo site's ground truth, not from any
extractor (regenerate with `python -m newsspider.demo.fixtures tests/fixtures/portal`).
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from newsspider.config import parse_config
from newsspider.demo.config import ARTICLE_URL_PATTERNS, DAYFIRST, ID_PATTERNS
from newsspider.extract.chain import extract_page
from newsspider.extract.dates import parse_date
from newsspider.extract.links import listing_links, next_page
from newsspider.extract.portal import parse_html
from newsspider.extract.text import clean_body, clean_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "portal"
ARTICLES = sorted(p.stem for p in FIXTURES.glob("*_article_*.html"))
LISTINGS = sorted(p.stem for p in FIXTURES.glob("*_listing.html"))
TEHRAN = ZoneInfo("Asia/Tehran")


def _site(section):
    table = {"kind": "portal", "start_urls": ["http://demo.newsspider.test/"]}
    table.update(timezone="Asia/Tehran", dayfirst=section in DAYFIRST)
    if section in ID_PATTERNS:
        table["id_pattern"] = ID_PATTERNS[section]
    return parse_config({"sites": {section: table}}, "demo.toml").sites[section]


def _load(name):
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    return html, json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_fixture_set_covers_every_markup():
    assert {name.split("_")[0] for name in ARTICLES} == {"alpha", "beta", "gamma", "fa"}
    assert len(ARTICLES) >= 8


@pytest.mark.parametrize("name", ARTICLES)
def test_article_fields_match_ground_truth(name):
    html, truth = _load(name)
    section = name.split("_")[0]
    fields = extract_page(html, truth["url"], _site(section))
    assert fields["news_id"] == truth["news_id"]
    assert clean_text(fields["title"]) == truth["title"]
    assert clean_text(fields["published_raw"]) == truth["published_raw"]
    assert fields.get("source") == truth["source"]
    assert clean_body(fields["body_text"]).split("\n\n") == truth["paragraphs"]


@pytest.mark.parametrize("name", ARTICLES)
def test_published_raw_parses_to_the_true_moment(name):
    _, truth = _load(name)
    moment = parse_date(
        truth["published_raw"],
        timezone="Asia/Tehran",
        now=datetime(2030, 1, 1, tzinfo=UTC),
        dayfirst=name.split("_")[0] in DAYFIRST,
    )
    expected = datetime.fromisoformat(truth["published"]).replace(tzinfo=TEHRAN)
    assert moment == expected.astimezone(UTC)


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_links_and_next_page(name):
    html, truth = _load(name)
    section = name.split("_")[0]
    tree = parse_html(html)
    host = urlparse(truth["url"]).hostname
    pattern = re.compile(ARTICLE_URL_PATTERNS[section])
    found, _ = listing_links(tree, truth["url"], pattern=pattern, allowed_domains=(host,))
    assert found == truth["article_urls"]
    assert next_page(tree, truth["url"], page=1) == truth["next_page"]


@pytest.mark.parametrize("name", ARTICLES)
@pytest.mark.parametrize("kind", ["generic", None])
def test_portal_page_is_recognised_by_its_labels(name, kind):
    """`kind = "generic"`, or no site at all, reads a portal page as the portal site does."""
    html, truth = _load(name)
    section = name.split("_")[0]
    portal = extract_page(html, truth["url"], _site(section))
    if kind is None:
        fields = extract_page(html, truth["url"])
    else:
        table = {"kind": kind, "start_urls": ["http://x.test/"], "timezone": "UTC"}
        fields = extract_page(
            html, truth["url"], parse_config({"sites": {"s": table}}, "t").sites["s"]
        )
    for field in ("news_id", "title", "published_raw", "source", "authors", "summary", "body_text"):
        assert fields.get(field) == portal.get(field), field
    assert fields["extracted_by"]["body_text"] == "main-block"
