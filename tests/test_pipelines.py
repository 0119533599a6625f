import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsspider.config import parse_config
from newsspider.db import Database
from newsspider.items import Article
from newsspider.pipelines import NormalizePipeline, StorePipeline, ValidatePipeline
from newsspider.spiders import spider_class_for

CONFIG = parse_config(
    {
        "sites": {
            "mfa": {"kind": "portal", "start_urls": ["https://e.org/"], "timezone": "Asia/Tehran"}
        }
    },
    "test.toml",
)


@pytest.fixture
def crawler(tmp_path):
    spidercls = spider_class_for(CONFIG.sites["mfa"])
    crawler = get_crawler(spidercls, {"NEWSSPIDER_DB": str(tmp_path / "news.db")})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return crawler


def _article(**overrides):
    fields = {
        "site": "mfa",
        "url": "https://e.org/news/1",
        "news_id": " 253326 ",
        "title": "  Iran:\u200b Unilateral\u00a0measures \x0b",
        "body_text": "First   paragraph.\n\n\n\nSecond\tparagraph.",
        "published_raw": "10/27/2025 7:52:21 AM",
        "fetched_at": "2025-10-28T00:00:00Z",
        "authors": ["A. Writer", " A.  Writer", ""],
    }
    fields.update(overrides)
    return Article(**fields)


def _stat(crawler, key):
    return crawler.stats.get_value(f"newsspider/{key}")


def test_normalize_cleans_text_and_converts_date_to_utc(crawler):
    pipeline = NormalizePipeline.from_crawler(crawler)
    item = pipeline.process_item(_article())
    assert item.title == "Iran: Unilateral measures"
    assert item.news_id == "253326"
    assert item.body_text == "First paragraph.\n\nSecond paragraph."
    assert item.authors == ["A. Writer"]
    # Tehran is UTC+3:30 since 2022: 07:52:21 local is 04:22:21 UTC.
    assert item.published == "2025-10-27T04:22:21Z"
    assert item.published_local == "2025-10-27T07:52:21+03:30"  # the day the page states


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not a date at all", "date_unparsed"),
        ("10/27/2035 7:52:21 AM", "date_future"),
        (None, "date_missing"),
    ],
)
def test_unreadable_date_keeps_article_and_counts_warning(crawler, raw, reason):
    item = NormalizePipeline.from_crawler(crawler).process_item(_article(published_raw=raw))
    assert item.published is None
    assert _stat(crawler, f"warnings/{reason}") == 1


@pytest.mark.parametrize(("field", "reason"), [("news_id", "no_news_id"), ("title", "no_title")])
def test_validate_drops_with_counted_reason(crawler, field, reason):
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(_article(**{field: None}))
    assert _stat(crawler, f"dropped/{reason}") == 1


def test_store_counts_new_unchanged_updated(crawler, tmp_path):
    normalize = NormalizePipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    for title in ("First title here", "First title here", "Second title here"):
        store.process_item(normalize.process_item(_article(title=title)))
    store.close_spider()
    assert [_stat(crawler, f"stored/{o}") for o in ("new", "unchanged", "updated")] == [1, 1, 1]
    db = Database(tmp_path / "news.db")
    assert db.get_article("mfa", "253326")["title"] == "Second title here"
    assert db.get_article("mfa", "253326")["published_local"] == "2025-10-27T07:52:21+03:30"
    db.close()


@pytest.mark.parametrize(("declared", "stored"), [("en-US", "en"), ("FA", "fa"), ("pt_BR", "pt")])
def test_language_is_the_primary_code(crawler, declared, stored):
    item = NormalizePipeline.from_crawler(crawler).process_item(_article(language=declared))
    assert item.language == stored
