"""Publication date: metadata first, URL day reconciliation, None when there is no date."""

from datetime import date, datetime
from pathlib import Path

import pytest

from newsspider.extract.pubdate import DateRule, find_published, parse_date, url_date

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "generic"


def page_with(published: str) -> str:
    return (
        f'<html><head><meta property="article:published_time" content="{published}"></head>'
        "<body><h1>Title</h1><p>Some text of the story.</p></body></html>"
    )


def test_no_date_page_gives_none():
    html = (FIXTURES / "no_date.html").read_text(encoding="utf-8")
    assert find_published(html, "https://coop.example/about") is None


def test_metadata_date_with_time_kept_with_offset():
    found = find_published(page_with("2024-03-04T09:30:00+01:00"), "https://a.example/story")
    assert found == "2024-03-04T09:30:00+01:00"


def test_url_day_wins_over_utc_timestamp_just_after_midnight_under_the_old_rule():
    old = DateRule(url_day_over_utc=True)
    page, url = page_with("2020-04-14T03:10:00Z"), "https://a.example/news/20200413/x"
    assert find_published(page, url, rule=old) == "2020-04-13"


def test_utc_timestamp_kept_when_the_page_agrees_with_it_over_the_url():
    # The URL-day rule lost under cross-validation (docs/extraction.md): by default the
    # metadata and the page's visible date (htmldate) outvote the URL.
    found = find_published(page_with("2020-04-14T03:10:00Z"), "https://a.example/news/20200413/x")
    assert found == "2020-04-14T03:10:00+00:00"


def test_local_timestamp_beats_url_day():
    found = find_published(page_with("2020-07-09T10:04:04+02:00"), "https://a.example/2020/07/08/x")
    assert found == "2020-07-09T10:04:04+02:00"


def test_url_date_used_without_metadata():
    html = "<html><body><h1>T</h1><p>No date in the text at all.</p></body></html>"
    assert find_published(html, "https://a.example/2019/11/18/story") == "2019-11-18"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-02-14 21:42:56", datetime(2020, 2, 14, 21, 42, 56)),
        ("2020-10-15", date(2020, 10, 15)),
        ("Tue, Sep 15 2020 10:01:41 EDT", datetime(2020, 9, 15, 10, 1, 41)),
        ("not a date", None),
        ("1850-01-01", None),
    ],
)
def test_parse_date(raw, expected):
    parsed = parse_date(raw)
    if isinstance(parsed, datetime):
        parsed = parsed.replace(tzinfo=None)
    assert parsed == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/2020/6/24/21302329/x", date(2020, 6, 24)),
        ("https://a.example/news/20200413/x", date(2020, 4, 13)),
        ("https://a.example/2020/13/40/x", None),
        ("https://a.example/story-12345678", None),
    ],
)
def test_url_date(url, expected):
    assert url_date(url) == expected


def test_utc_timestamp_expressed_in_the_newsroom_zone_under_the_old_rule():
    html = (
        '<html lang="en-US"><head><meta property="article:published_time" '
        'content="2020-05-02T02:54:29Z"></head><body><p>Text.</p></body></html>'
    )
    old = DateRule(zone_from_language=True)
    assert find_published(html, "https://a.example/story", rule=old) == "2020-05-01T22:54:29-04:00"
    # The language-tag zone lost under cross-validation: by default UTC stays UTC.
    assert find_published(html, "https://a.example/story") == "2020-05-02T02:54:29+00:00"


def test_utc_timestamp_stays_utc_without_a_region():
    html = (
        '<html lang="en"><head><meta property="article:published_time" '
        'content="2020-05-02T02:54:29Z"></head><body><p>Text.</p></body></html>'
    )
    assert find_published(html, "https://a.example/story") == "2020-05-02T02:54:29+00:00"
