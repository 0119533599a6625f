"""docs/sites.md's key table is generated from the site keys' declarations (config/model.py)."""

from pathlib import Path

import pytest

from newsspider.config import parse_config
from newsspider.config.checks import SITE_TYPES
from newsspider.config.model import FeedFamily, FeedOptions, HealthOptions, SiteConfig
from newsspider.config.rules import declared, key_table, required

SITES_MD = Path(__file__).resolve().parents[2] / "docs" / "sites.md"
MINIMAL = {"kind": "generic", "start_urls": ["https://e.org/"], "timezone": "UTC"}


def _documented_table() -> str:
    text = SITES_MD.read_text(encoding="utf-8")
    start = text.index("| key | required | default | meaning |", text.index("## Every key"))
    return text[start : text.index("\n\n", start)]


def test_docs_table_is_the_generated_one():
    """On failure, paste under '## Every key' what this prints: python -c "from
    newsspider.config.model import SiteConfig as S; from newsspider.config.rules import
    key_table; print(key_table(S))" """
    assert _documented_table() == key_table(SiteConfig)


def test_every_key_has_a_doc_a_type_and_the_required_ones_no_default():
    keys = [field.name for field in declared(SiteConfig)]
    assert keys == list(SITE_TYPES) and len(keys) > 30
    assert required(SiteConfig) == ["kind", "start_urls", "timezone"]
    assert SITE_TYPES["download_delay"] == (int, float) and SITE_TYPES["feeds"] == (list,)


def test_defaults_are_the_declared_ones():
    site = parse_config({"sites": {"s": MINIMAL}}, "t.toml").sites["s"]
    for field in declared(SiteConfig):
        if field.name not in MINIMAL and field.name != "allowed_domains":
            expected = {} if field.name == "selectors" else field.default
            assert getattr(site, field.name) == expected, field.name


@pytest.mark.parametrize(
    ("cls", "page"),
    [(FeedOptions, "feeds.md"), (FeedFamily, "feeds.md"), (HealthOptions, "operations.md")],
)
def test_every_global_key_is_documented(cls, page):
    text = (SITES_MD.parent / page).read_text(encoding="utf-8")
    for field in declared(cls):
        assert f"{field.name} = " in text, field.name


def test_documented_health_defaults_are_the_declared_ones():
    text = (SITES_MD.parent / "operations.md").read_text(encoding="utf-8")
    for field in declared(HealthOptions):
        if field.name != "feed":  # shown switched on, as an example
            assert f"{field.name} = {field.default}" in text.replace("  ", " "), field.name
