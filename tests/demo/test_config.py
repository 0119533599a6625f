from __future__ import annotations

import re
import tomllib

from newsspider.config import parse_config
from newsspider.demo.config import demo_config_toml
from newsspider.demo.editions import build_editions
from newsspider.demo.site import MARKUPS

BASE = "http://127.0.0.1:40123"


def test_config_is_valid_for_the_project_loader():
    text = demo_config_toml(BASE, ("alpha", "beta", "gamma", "fa"))
    config = parse_config(tomllib.loads(text), "demo.toml")
    assert sorted(config.sites) == ["demo_alpha", "demo_beta", "demo_fa", "demo_gamma"]
    alpha = config.sites["demo_alpha"]
    assert alpha.start_urls == (f"{BASE}/alpha/news",)
    assert alpha.title == "Demo Portal (alpha)" and alpha.timezone == "Asia/Tehran"
    assert alpha.download_delay == 0 and alpha.max_pages == 5 and alpha.id_pattern is None
    assert config.sites["demo_gamma"].dayfirst


def test_default_sections_are_the_english_ones():
    assert re.findall(r"^\[sites\.(\w+)\]", demo_config_toml(BASE), re.M) == [
        "demo_alpha",
        "demo_beta",
        "demo_gamma",
    ]


def test_article_patterns_match_articles_only_and_id_patterns_find_the_id():
    config = parse_config(tomllib.loads(demo_config_toml(BASE, tuple(MARKUPS))), "demo.toml")
    for section, articles in build_editions(16)[2].sections.items():
        site = config.sites[f"demo_{section}"]
        pattern = re.compile(site.article_url_pattern or "")
        for article in articles:
            url = BASE + article.url_path
            assert pattern.search(url), url
            if site.id_pattern:
                found = re.search(site.id_pattern, url)
                assert found and found.group("id") == article.news_id
        for page in (1, 2, 3):
            assert not pattern.search(BASE + MARKUPS[section].listing_path(page))
        for path in MARKUPS[section].static_pages():
            assert not pattern.search(BASE + path)
