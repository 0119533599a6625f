"""`newsspider check-site`: coverage per field from a few pages; bad definitions stop first."""

import pytest

from newsspider.cli import main
from tests.support.fixture_site import FixtureSite


def _config(tmp_path, site, extra=""):
    """The fixture's definitions plus `extra` tables, `__BASE__` being the server's address."""
    text = site.render("sites.toml") + extra.replace("__BASE__", site.base)
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_coverage_of_a_working_definition(tmp_path, capsys):
    with FixtureSite() as site:
        config = _config(tmp_path, site)
        status = main(["check-site", "wp", "--config", config, "--limit", "3"])
    out = capsys.readouterr().out
    assert status == 0
    assert "3 article pages checked" in out
    assert "coverage: title 3/3 (100%), date 3/3 (100%), body 3/3 (100%), author 3/3 (100%)" in out
    assert "title=jsonld" in out
    assert len([p for p in site.requests if p.startswith("/2025/")]) == 3


def test_generic_site_falls_back_to_feeds_and_sitemaps(tmp_path, capsys):
    extra = """
[sites.archive_only]
kind = "generic"
start_urls = ["__BASE__/about/"]
timezone = "UTC"
article_url_pattern = "/2025/10/2[67]/"
download_delay = 0
"""
    with FixtureSite() as site:
        config = _config(tmp_path, site, extra)
        status = main(["check-site", "archive_only", "--config", config, "--limit", "4"])
    out = capsys.readouterr().out
    assert status == 0
    assert "4 article pages checked" in out
    assert "/feed/" in site.requests
    assert "date=sitemap-or-feed" not in out  # check-site shows what the page itself gives


def test_a_definition_that_finds_nothing_fails(tmp_path, capsys):
    extra = """
[sites.wrong]
kind = "generic"
start_urls = ["__BASE__/"]
timezone = "UTC"
article_url_pattern = "/no-such-path/"
feeds = ["__BASE__/feed/"]
download_delay = 0
"""
    with FixtureSite() as site:
        status = main(["check-site", "wrong", "--config", _config(tmp_path, site, extra)])
    assert status == 1
    assert "0 article pages checked" in capsys.readouterr().out


def test_robots_txt_is_obeyed(tmp_path, capsys):
    root = tmp_path / "closed"
    (root / "news").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /news/\n")
    (root / "index.html").write_text(
        '<html><body><a href="/news/1234/">Open letter from the harbour master</a></body></html>'
    )
    (root / "news/index.html").write_text("<html><body><h1>Hidden</h1></body></html>")
    with FixtureSite(root) as site:
        config = tmp_path / "closed.toml"
        config.write_text(
            f'[sites.closed]\nkind = "portal"\nstart_urls = ["{site.url("/")}"]\n'
            'timezone = "UTC"\narticle_url_pattern = "/news/"\ndownload_delay = 0\n'
            'allow_addresses = ["127.0.0.1/32"]\n'
        )
        status = main(["check-site", "closed", "--config", str(config)])
    assert status == 1
    assert "disallowed by robots.txt" in capsys.readouterr().out
    assert "/news/1234/" not in site.requests


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('colour = "red"', "colour"),
        ('article_url_pattern = "(["', "article_url_pattern"),
        ('selectors = { title = "h1[[[" }', "selectors.title"),
        ('timezone = "Mars/Olympus"', "timezone"),
        ("start_urls = []", "start_urls"),
    ],
)
def test_bad_definition_stops_before_any_request(tmp_path, capsys, table, key):
    lines = ['kind = "generic"', 'start_urls = ["URL"]', 'timezone = "UTC"']
    name = table.split(" =")[0]
    lines = [line for line in lines if not line.startswith(name)] + [table]
    with FixtureSite() as site:
        config = tmp_path / "bad.toml"
        config.write_text("[sites.bad]\n" + "\n".join(lines).replace("URL", site.url("/")) + "\n")
        status = main(["check-site", "bad", "--config", str(config)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{config}: [sites.bad] {key}:" in err
    assert site.requests == []
