"""The docs' key tables are generated from the keys' declarations (config/model.py,
cluster/config.py): the site keys and `[crawl]` in docs/sites.md, `[cluster]` in docs/cluster.md."""

from pathlib import Path

import pytest

from newsspider.cluster.config import CLUSTER_TYPES, ClusterOptions
from newsspider.config import parse_config
from newsspider.config.checks import CRAWL_TYPES, SITE_TYPES
from newsspider.config.model import (
    DEFAULT_RECHECK_SECONDS,
    CrawlOptions,
    FeedFamily,
    FeedOptions,
    HealthOptions,
    SiteConfig,
)
from newsspider.config.rules import declared, key_table, required
from newsspider.errors import ConfigError

SITES_MD = Path(__file__).resolve().parents[2] / "docs" / "sites.md"
REDIS = {"redis_url": "redis://h"}
MINIMAL = {"kind": "generic", "start_urls": ["https://e.org/"], "timezone": "UTC"}


def _documented_table(page: str = "sites.md", heading: str = "## Every key") -> str:
    text = (SITES_MD.parent / page).read_text(encoding="utf-8")
    start = text.index("| key | required | default | meaning |", text.index(heading))
    return text[start : text.index("\n\n", start)]


@pytest.mark.parametrize(
    ("cls", "page", "heading"),
    [
        (SiteConfig, "sites.md", "## Every key"),
        (CrawlOptions, "sites.md", "## The `[crawl]` table"),
        (ClusterOptions, "cluster.md", "## Configuration"),
    ],
)
def test_docs_table_is_the_generated_one(cls, page, heading):
    """On failure, paste under the heading what this prints: python -c "from
    newsspider.config.model import SiteConfig as S; from newsspider.config.rules import
    key_table; print(key_table(S))" (CrawlOptions; ClusterOptions from newsspider.cluster.config)"""
    assert _documented_table(page, heading) == key_table(cls)


def test_crawl_and_cluster_keys_have_a_doc_a_type_and_a_default():
    assert [f.name for f in declared(CrawlOptions)] == list(CRAWL_TYPES)
    assert {
        "allow_addresses": (list,),
        "extract_processes": (int,),
        "recheck": (list,),
    } == CRAWL_TYPES
    assert [f.name for f in declared(ClusterOptions)] == list(CLUSTER_TYPES)
    assert CLUSTER_TYPES["lease_timeout"] == (int, float)
    assert required(CrawlOptions) == [] and required(ClusterOptions) == ["redis_url"]
    config = parse_config({"sites": {"s": MINIMAL}, "cluster": {"redis_url": "redis://h/0"}}, "t")
    assert config.cluster == ClusterOptions("redis://h/0", "newsspider", 10.0, 100)
    assert config.extract_processes == 0 and config.sites["s"].recheck == DEFAULT_RECHECK_SECONDS


@pytest.mark.parametrize(
    ("table", "value", "key", "message"),
    [
        ("crawl", {"allow_addresses": [1]}, "crawl.allow_addresses", "must be a list of strings"),
        ("crawl", {"allow_addresses": ["x"]}, "crawl.allow_addresses", "'x' is not an IP address"),
        ("crawl", {"recheck": ["soon"]}, "crawl.recheck", "'soon' is not a duration"),
        ("crawl", {"recheck": [1]}, "crawl.recheck", "must be a list of durations"),
        ("crawl", {"extract_processes": 1.5}, "crawl.extract_processes", "must be int, got float"),
        ("crawl", [], "crawl", "must be a table"),
        ("cluster", {}, "cluster.redis_url", "is required"),
        ("cluster", {"redis_url": "http://h/"}, "cluster.redis_url", "must be a redis://"),
        ("cluster", {**REDIS, "key_prefix": "a b"}, "cluster.key_prefix", "use "),
        ("cluster", {**REDIS, "lease_timeout": 0.5}, "cluster.lease_timeout", "1"),
        ("cluster", {**REDIS, "ingest_batch": 0}, "cluster.ingest_batch", "1"),
        (
            "cluster",
            {**REDIS, "ingest_batch": True},
            "cluster.ingest_batch",
            "int",
        ),
        ("cluster", {**REDIS, "colour": 1}, "cluster.colour", "unknown key"),
        ("cluster", "redis://h", "cluster", "must be a table"),
    ],
)
def test_bad_crawl_and_cluster_keys_name_the_file_and_key(table, value, key, message):
    with pytest.raises(ConfigError) as caught:
        parse_config({"sites": {"s": MINIMAL}, table: value}, "sites.toml")
    assert caught.value.key == key and caught.value.site is None
    assert str(caught.value).startswith(f"sites.toml {key}: ") and message in str(caught.value)


def test_the_documented_cluster_error_is_the_real_one():
    text = (SITES_MD.parent / "cluster.md").read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"sites": {"s": MINIMAL}, "cluster": {**REDIS, "lease_timeout": 0}},
            "sites.toml",
        )
    line = f"newsspider: error: {caught.value}\n".replace("t.toml", "sites.toml")
    assert line in text


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
