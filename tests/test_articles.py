"""The article path as a library: normalize → validate → store → Result, without Scrapy."""

import json
import subprocess
import sys

import pytest

from newsspider import articles
from newsspider.cluster.config import ClusterOptions
from newsspider.cluster.ingest import Ingester
from newsspider.config import parse_config
from newsspider.db import Database
from newsspider.stats import DropReason, Outcome

CONFIG = parse_config(
    {
        "sites": {
            "mfa": {"kind": "portal", "start_urls": ["https://e.org/"], "timezone": "Asia/Tehran"}
        }
    },
    "test.toml",
)
SITE = CONFIG.sites["mfa"]


def _fields(**overrides):
    fields = {
        "site": "mfa",
        "url": "https://e.org/news/1",
        "news_id": " 253326 ",
        "title": "  A title\u00a0here ",
        "body_text": "First paragraph.\n\n\n\nSecond paragraph.",
        "published_raw": "10/27/2025 7:52:21 AM",
        "fetched_at": "2025-10-28T00:00:00Z",
        "canonical_url": None,
        "authors": [],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "news.db")
    yield database
    database.close()


def test_process_returns_each_outcome(db):
    results = [
        articles.process(db, _fields(**change), SITE)
        for change in ({}, {}, {"title": "Another title"}, {"body_text": "Oops"})
    ]
    assert [r.outcome for r in results] == ["new", "unchanged", "updated", "suspect"]
    assert all(r.reason is None and r.warnings == () for r in results)
    stored = db.get_article("mfa", "253326")
    assert stored["title"] == "Another title"
    assert stored["published"] == "2025-10-27T04:22:21Z"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"news_id": "  "}, DropReason.NO_NEWS_ID),
        ({"title": None}, DropReason.NO_TITLE),
        ({"title": "Ø§Ù„Ø¹Ø±Ø¨ÙŠØ© Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©"}, DropReason.MOJIBAKE),
    ],
)
def test_process_drops_with_a_reason_and_stores_nothing(db, change, reason):
    result = articles.process(db, _fields(**change), SITE)
    assert (result.outcome, result.reason) == (Outcome.DROPPED, reason)
    assert reason in result.detail or "https://e.org/news/1" in result.detail
    assert db.article_count() == 0


def test_process_reports_warnings(db):
    result = articles.process(db, _fields(published_raw=None, body_text=None), SITE)
    assert result.outcome == Outcome.NEW
    assert result.warnings == ("date_missing", "body_missing")


def test_ingest_runs_the_same_path(tmp_path):
    """Cluster ingest stores through `articles.process` and learns the outcome from it."""
    ingester = Ingester(CONFIG, ClusterOptions("redis://127.0.0.1:1/0"), str(tmp_path / "n.db"))
    ingester.db = Database(ingester.db_path)
    payloads = [json.dumps(_fields(title=t)).encode() for t in ("One title", "One title", "Two")]
    records = [ingester.process(p) for p in payloads]
    assert [r["outcome"] for r in records if r] == ["new", "unchanged", "updated"]
    assert ingester.process(json.dumps(_fields(title=None)).encode()) is None
    assert ingester.outcomes == {"new": 1, "unchanged": 1, "updated": 1, "dropped": 1}
    ingester.db.close()


def test_the_article_path_imports_no_scrapy():
    code = (
        "import sys, newsspider.articles; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
