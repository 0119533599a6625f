"""`newsspider discover`: a definition that loads, with what was found, from local sites only."""

import time

import pytest

from newsspider.cli import main
from newsspider.config import SiteConfig, load_config
from newsspider.discovery import (
    UNZIP_REFUSED,
    discovery_site,
    guess_article_pattern,
    guess_id_pattern,
    url_shape,
    zone_for_language,
)
from newsspider.extract.sitemaps import MAX_SITEMAP_BYTES, sitemap_body
from newsspider.fetching import Fetcher
from tests.support.fixture_site import FixtureSite
from tests.support.hostile_server import HostileServer, MiB, Reply, gzip_bomb, html, redirect, xml

PORTAL_HOME = """<html lang="fa-IR"><head><title>Portal</title></head><body>
<a href="/fa/news/253326/some-long-news-title-here">Minister meets the visiting delegation today</a>
<a href="/fa/news/253327/another-long-news-title-here">Talks on trade continue in the capital</a>
<a href="/fa/about">About</a></body></html>"""
PORTAL_ARTICLE = """<html><body><h1>Minister meets delegation</h1>
<div>News ID : {id}</div><div>Publish Date : 10/27/2025 7:52:21 AM</div>
<p>The minister met the visiting delegation on Monday to discuss trade and transport.</p>
</body></html>"""


def _discover_toml(capsys, url, tmp_path):
    assert main(["discover", url, "--delay", "0"]) == 0
    text = capsys.readouterr().out
    path = tmp_path / "found.toml"
    path.write_text(text, encoding="utf-8")
    return text, load_config(path)


def test_wordpress_site_gives_a_generic_definition_that_loads(tmp_path, capsys):
    with FixtureSite() as site:
        text, config = _discover_toml(capsys, site.url("/"), tmp_path)
    (definition,) = config.sites.values()
    assert definition.kind == "generic"
    assert definition.start_urls == (site.url("/"),)
    assert definition.sitemaps == (site.url("/sitemap_index.xml"),)
    assert definition.feeds == (site.url("/feed/"),)  # the comments feed is left out
    assert definition.article_url_pattern == r"/\d{4}/\d{2}/\d{2}/[^/]+/"
    assert definition.language == "en"
    assert definition.title == "Harbour Town News"
    assert definition.allow_addresses == ("127.0.0.1/32",)  # a local site: the guard allows it
    assert 'timezone = "UTC"  # TODO' in text
    assert "news-sitemap.xml is a Google News sitemap" in text
    assert "from robots.txt" in text


def test_portal_labels_give_a_portal_definition_with_an_id_pattern(tmp_path, capsys):
    root = tmp_path / "portal"
    (root / "fa/news/253326/some-long-news-title-here").mkdir(parents=True)
    (root / "index.html").write_text(PORTAL_HOME)
    (root / "fa/news/253326/some-long-news-title-here/index.html").write_text(
        PORTAL_ARTICLE.format(id=253326)
    )
    with FixtureSite(root) as site:
        text, config = _discover_toml(capsys, site.url("/"), tmp_path)
    (definition,) = config.sites.values()
    assert definition.kind == "portal"
    assert definition.timezone == "Asia/Tehran"
    assert definition.id_pattern == r"/fa/news/(?P<id>\d+)"
    assert "# no sitemap found" in text
    assert "# no feed announced" in text


def test_discover_obeys_robots_txt(tmp_path):
    root = tmp_path / "closed"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (root / "index.html").write_text("<html><body>hi</body></html>")
    with FixtureSite(root) as site:
        assert main(["discover", site.url("/"), "--delay", "0"]) == 1
    assert site.requests == ["/robots.txt"]


def test_an_unreachable_site_is_a_one_line_error(capsys):
    with FixtureSite() as site:
        url = site.url("/")
    assert main(["discover", url, "--delay", "0", "--timeout", "2"]) == 1
    assert capsys.readouterr().err.startswith("newsspider: error: ")


def test_fetcher_identifies_itself_reads_robots_first_and_waits():
    with FixtureSite() as site:
        fetcher = Fetcher("test-agent/1.0", discovery_site(site.url("/")), delay=0.2)
        started = time.monotonic()
        fetcher.get(site.url("/"))
        fetcher.get(site.url("/feed/"))
        elapsed = time.monotonic() - started
    assert site.user_agents == {"test-agent/1.0"}
    assert site.requests == ["/robots.txt", "/", "/feed/"]
    assert elapsed >= 0.4


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("https://x.org/2025/10/27/some-slug/", (r"\d{4}", r"\d{2}", r"\d{2}", "[^/]+", "")),
        ("https://x.org/en/news/253326/title-of-it", ("en", "news", r"\d+", "[^/]+")),
        ("https://x.org/about", ("about",)),
        ("https://x.org/en/newsview.aspx?NewsID=253326", ("en", r"newsview\.aspx\?NewsID=\d+")),
        ("https://x.org/en/news.aspx?page=2&lang=en", ("en", r"news\.aspx")),
    ],
)
def test_url_shapes(url, shape):
    assert url_shape(url) == shape


def test_the_commonest_shape_wins_and_pages_do_not():
    urls = [f"https://x.org/news/{n}/a-b-c" for n in range(100, 105)] + ["https://x.org/about/"]
    assert guess_article_pattern(urls) == (r"/news/\d+/[^/]+", 5)
    assert guess_article_pattern(["https://x.org/about/", "https://x.org/"]) == (None, 0)
    assert guess_id_pattern(r"/news/\d+/[^/]+") == r"/news/(?P<id>\d+)"
    assert guess_id_pattern(r"/\d{4}/\d{2}/[^/]+") is None


def test_portal_ids_in_the_query_string_give_a_pattern_and_an_id_pattern():
    urls = [f"https://x.org/en/newsview.aspx?NewsID={n}" for n in range(100, 105)]
    pattern, matched = guess_article_pattern([*urls, "https://x.org/en/about.aspx"])
    assert (pattern, matched) == (r"/en/newsview\.aspx\?NewsID=\d+", 5)
    assert guess_id_pattern(pattern) == r"[?&]NewsID=(?P<id>\d+)"


@pytest.mark.parametrize(
    ("tag", "zone"),
    [
        ("fa", "Asia/Tehran"),
        ("de-AT", "Europe/Vienna"),
        ("en-US", None),
        ("en", None),
        (None, None),
    ],
)
def test_time_zone_only_when_the_language_tag_names_one(tag, zone):
    assert zone_for_language(tag) == zone


def test_discover_fetches_under_the_crawls_rules(capsys):
    """robots.txt Disallow, the address guard (redirects too) and the crawl's size limits:
    the hostile server's witness on 127.0.0.2 must see no request."""
    bomb = gzip_bomb(MAX_SITEMAP_BYTES + MiB)
    assert sitemap_body(bomb) is None  # what the crawl's generic spider refuses
    with HostileServer() as server:
        base, witness = server.base_url, server.witness_url
        robots = (
            "User-agent: *\nDisallow: /feed/\n"
            f"Sitemap: {base}/bomb.xml.gz\nSitemap: {base}/huge.xml\n"
            f"Sitemap: {witness}/sitemap.xml\nSitemap: {base}/moved.xml\n"
        )
        home = (
            '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
            "</head><body><a href='/news/253326/a-long-title'>Minister meets the envoy today</a>"
            "</body></html>"
        )
        huge = b"<urlset>" + b" " * (SiteConfig.max_page_bytes + 1) + b"</urlset>"
        server.routes.update(
            {
                "/": lambda sv, n: html(home),
                "/robots.txt": lambda sv, n: Reply(body=robots.encode()),
                "/bomb.xml.gz": lambda sv, n: xml(bomb, "application/x-gzip"),
                "/huge.xml": lambda sv, n: xml(huge),
                "/moved.xml": lambda sv, n: redirect(f"{witness}/sitemap.xml"),
            }
        )
        assert main(["discover", base + "/", "--delay", "0"]) == 0
        hits = {path for _, path in server.requests}
    text = capsys.readouterr().out
    assert "/feed/" not in hits
    assert f"# note: feed not read: {base}/feed/: disallowed by robots.txt" in text
    assert f"# note: sitemap not read: {base}/bomb.xml.gz: {UNZIP_REFUSED}" in text
    assert f"{base}/huge.xml: larger than {8 * MiB} bytes (max_page_bytes)" in text
    assert f"sitemap not read: {witness}/sitemap.xml: blocked address" in text
    assert text.count(f"{witness}/sitemap.xml: blocked address (127.0.0.2 -> 127.0.0.2)") == 2
    assert server.witness_hits() == 0
    assert "# no sitemap found" in text
