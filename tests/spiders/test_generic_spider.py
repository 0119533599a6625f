"""GenericSpider's discovery paths, news-ID derivation and the extraction chain's order."""

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newsspider.config import parse_config
from newsspider.discovery import feed_links
from newsspider.extract.chain import extract_page
from newsspider.extract.ids import url_hash_id
from newsspider.extract.portal import parse_html
from newsspider.extract.sitemaps import Link, parse_sitemap
from newsspider.spiders import spider_class_for
from newsspider.spiders.generic import apply_hint

BASE = "https://wp.example"
NEWS_SITEMAP = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://wp.example/2025/10/26/storm/</loc><lastmod>2025-11-01T00:00:00Z</lastmod>
<news:news><news:publication_date>2025-10-26T09:40:00+01:00</news:publication_date>
<news:title>Storm warning</news:title></news:news></url>
<url><loc>https://other.example/2025/10/26/elsewhere/</loc></url>
</urlset>"""
PAGE_SITEMAP = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://wp.example/about/</loc><lastmod>2025-01-01</lastmod></url>
<url><loc>https://wp.example/2025/10/20/harbour-expansion-plan-approved/</loc></url>
</urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://wp.example/post-sitemap.xml</loc></sitemap>
<sitemap><loc>https://evil.example/sitemap.xml</loc></sitemap></sitemapindex>"""
FEED = b"""<rss version="2.0"><channel><title>T</title>
<item><title>Airport routes</title><link>/2025/10/27/airport/</link>
<pubDate>Mon, 27 Oct 2025 12:30:00 +0100</pubDate><description>Short [&#8230;]</description></item>
</channel></rss>"""


def _spider(**site):
    table = {"kind": "generic", "start_urls": [BASE + "/"], "timezone": "Europe/Berlin", **site}
    config = parse_config({"sites": {"wp": table}}, "test.toml")
    crawler = get_crawler(spider_class_for(config.sites["wp"]))
    spider = crawler._create_spider()
    crawler.stats.open_spider()
    return spider


def _requests(results):
    return [(r.url, r.cb_kwargs.get("hint")) for r in results if isinstance(r, Request)]


def test_robots_txt_sitemaps_are_followed():
    spider = _spider()
    robots = TextResponse(
        BASE + "/robots.txt", body=b"Sitemap: https://wp.example/sitemap_index.xml\n"
    )
    assert [r.url for r in spider.parse_robots(robots)] == [BASE + "/sitemap_index.xml"]


def test_sitemap_index_follows_only_allowed_domains():
    spider = _spider()
    found = spider.parse_sitemap(XmlResponse(BASE + "/sitemap_index.xml", body=INDEX))
    assert [(r.url, r.callback) for r in found] == [
        (BASE + "/post-sitemap.xml", spider.parse_sitemap)
    ]


def test_google_news_sitemap_gives_titles_and_dates_as_hints():
    spider = _spider()
    found = _requests(spider.parse_sitemap(XmlResponse(BASE + "/n.xml", body=NEWS_SITEMAP)))
    assert found == [
        (
            BASE + "/2025/10/26/storm/",
            Link(BASE + "/2025/10/26/storm/", "Storm warning", "2025-10-26T09:40:00+01:00"),
        )
    ]


def test_lastmod_is_not_a_publication_date():
    links = parse_sitemap(PAGE_SITEMAP).links
    assert [link.published for link in links] == [None, None]


def test_without_a_pattern_sitemap_pages_must_look_like_articles():
    spider = _spider()
    found = _requests(spider.parse_sitemap(XmlResponse(BASE + "/p.xml", body=PAGE_SITEMAP)))
    assert [url for url, _ in found] == [BASE + "/2025/10/20/harbour-expansion-plan-approved/"]


def test_pattern_filters_every_source():
    spider = _spider(article_url_pattern="/2025/10/27/")
    assert _requests(spider.parse_sitemap(XmlResponse(BASE + "/n.xml", body=NEWS_SITEMAP))) == []
    feed = _requests(spider.parse_feed(XmlResponse(BASE + "/feed/", body=FEED)))
    assert [url for url, _ in feed] == [BASE + "/2025/10/27/airport/"]


def test_feed_items_lead_to_full_pages_once():
    spider = _spider()
    response = XmlResponse(BASE + "/feed/", body=FEED)
    (first,) = _requests(spider.parse_feed(response))
    assert first[1].title == "Airport routes"
    assert first[1].published == "Mon, 27 Oct 2025 12:30:00 +0100"
    assert _requests(spider.parse_feed(response)) == []


def test_listing_links_and_feeds_deduplicated_with_tracking_parameters():
    spider = _spider(article_url_pattern="/2025/")
    html = f"""<html><head>
    <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
    <link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed/">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/5">
    </head><body>
    <a href="{BASE}/2025/10/25/port/?utm_source=home">Port</a>
    <a href="{BASE}/2025/10/25/port/#comments">Port comments</a>
    <a href="{BASE}/2025/10/25/port/">Port</a></body></html>"""
    response = HtmlResponse(BASE + "/", body=html.encode(), encoding="utf-8")
    found = [r.url for r in spider.parse_listing(response, page=1)]
    assert found == [BASE + "/2025/10/25/port/?utm_source=home", BASE + "/feed/"]


def test_pagination_stops_at_max_pages():
    spider = _spider(article_url_pattern="/2025/", max_pages=2)
    html = b'<html><head><link rel="next" href="/page/3/"></head><body></body></html>'
    page2 = HtmlResponse(BASE + "/page/2/", body=html, encoding="utf-8")
    assert [r.url for r in spider.parse_listing(page2, page=2)] == []
    page1 = HtmlResponse(BASE + "/", body=html, encoding="utf-8")
    assert BASE + "/page/3/" in [r.url for r in spider.parse_listing(page1, page=1)]


def test_feed_links_leave_out_comment_and_rest_api_links():
    tree = parse_html(
        '<link rel="alternate" type="application/atom+xml" href="/atom">'
        '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">'
        '<link rel="alternate" type="application/json" href="/wp-json/">'
        '<link rel="alternate" type="application/feed+json" href="/feed.json">'
    )
    assert feed_links(tree, BASE + "/") == [BASE + "/atom", BASE + "/feed.json"]


@pytest.mark.parametrize(
    ("step", "replaced"), [(None, True), ("htmldate", True), ("jsonld", False), ("label", False)]
)
def test_a_sitemap_or_feed_date_beats_only_a_guessed_one(step, replaced):
    fields = {"title": "Page title", "published_raw": "2025-10-26", "extracted_by": {}}
    if step:
        fields["extracted_by"]["published_raw"] = step
    apply_hint(fields, Link("u", "Hint title", "2025-10-26T09:40:00+01:00"))
    assert fields["title"] == "Page title"
    assert (fields["published_raw"] == "2025-10-26T09:40:00+01:00") is replaced


def test_a_hint_title_fills_a_missing_one():
    fields = {"title": None, "extracted_by": {}}
    apply_hint(fields, Link("u", "Hint title"))
    assert (fields["title"], fields["extracted_by"]["title"]) == ("Hint title", "sitemap-or-feed")


# ---- news IDs ----------------------------------------------------------------------------------

LABELLED = "<html><body><h1>T</h1><div>News ID : 253326</div></body></html>"
JSONLD_ID = (
    '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "H", "identifier": "ld-9"}</script></head><body><p>x</p></body></html>'
)


def _site(kind="generic", **keys):
    table = {"kind": kind, "start_urls": [BASE + "/"], "timezone": "UTC", **keys}
    return parse_config({"sites": {"s": table}}, "t.toml").sites["s"]


def _news_id(html, url, site):
    fields = extract_page(html, url, site)
    return fields["news_id"], fields["extracted_by"]["news_id"]


def test_news_id_order_pattern_then_page_then_hash():
    url = BASE + "/?p=123"
    assert _news_id(LABELLED, url, _site(id_pattern=r"p=(?P<id>\d+)")) == ("123", "url")
    assert _news_id(LABELLED, url, _site(id_pattern=r"/n/(?P<id>\d+)")) == ("253326", "label")
    assert _news_id(JSONLD_ID, url, _site()) == ("ld-9", "jsonld")
    assert _news_id("<p>x</p>", url, _site()) == (url_hash_id(url), "url-hash")


def test_portal_pages_get_no_hash_id():
    assert extract_page("<p>x</p>", BASE + "/a", _site("portal"))["news_id"] is None


def test_hash_ids_are_stable_and_come_from_the_canonical_url():
    canonical = (
        '<html><head><link rel="canonical" href="/2025/10/25/port/"></head><body></body></html>'
    )
    tracked = BASE + "/2025/10/25/port/?utm_source=home"
    assert _news_id(canonical, tracked, _site()) == _news_id("<p>x</p>", tracked, _site())
    assert _news_id(canonical, tracked, _site())[0] == url_hash_id(BASE + "/2025/10/25/port/")
    assert url_hash_id("http://WP.example/a") == url_hash_id("https://wp.example/a#top")
    assert url_hash_id(BASE + "/a") != url_hash_id(BASE + "/b")


# ---- the chain's order ---------------------------------------------------------------------------

PAGE = """<html><head>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "From JSON-LD",
 "datePublished": "2025-10-20T08:30:00+02:00"}</script></head>
<body><h1>From the heading</h1><p class="kicker">From the selector</p>
<article><p>Paragraph one of the article body, long enough to be read as body text.</p>
<p>Paragraph two of the article body, long enough to be read as body text too.</p></article>
</body></html>"""


def test_site_selector_beats_jsonld_beats_generic():
    selected = extract_page(PAGE, BASE + "/a/", _site(selectors={"title": "p.kicker"}))
    assert (selected["title"], selected["extracted_by"]["title"]) == (
        "From the selector",
        "selector",
    )
    metadata = extract_page(PAGE, BASE + "/a/", _site())
    assert (metadata["title"], metadata["extracted_by"]["title"]) == ("From JSON-LD", "jsonld")
    bare = PAGE.split("<script", 1)[0] + PAGE.split("</script>", 1)[1]
    generic = extract_page(bare, BASE + "/a/", _site())
    assert (generic["title"], generic["extracted_by"]["title"]) == ("From the heading", "html")
    assert metadata["extracted_by"]["published_raw"] == "jsonld"
    assert generic["extracted_by"].get("published_raw") != "jsonld"
