"""What a re-run costs the demo site, counted from the demo server's own request log."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from newsspider.demo.content import make_article
from newsspider.demo.editions import Edition
from newsspider.demo.server import DemoServer
from newsspider.demo.site import TEHRAN_UTC_OFFSET
from newsspider.demo.wordbank import slugify
from tests.ops.conftest import PER_SECTION, SECTIONS, cli, cli_at, rows, write_config

START_PATHS = sorted(f"/{section}/news" for section in SECTIONS)
# After every demo article was published (the newest: 2025-10-27 04:22 UTC).
FIRST_RUN = datetime(2025, 10, 27, 5, 0, tzinfo=UTC)


def _run(config, db, *extra, at: datetime | None = None):
    args = ("run", "-q", "--config", str(config), "--db", str(db), "--out", str(db.parent / "f"))
    done = cli(*args, *extra) if at is None else cli_at(at.isoformat(), *args, *extra)
    assert done.returncode == 0, done.stderr
    return done


def _kinds(server, paths):
    """Requests by kind: article pages, listing pages (everything else but robots.txt)."""
    articles = set(server.truth().by_path())
    kinds = Counter(
        "article" if p in articles else "robots" if p == "/robots.txt" else "listing" for p in paths
    )
    return kinds, Counter(p for p in paths if p in articles)


def _published_utc(article) -> datetime:
    return (article.published - TEHRAN_UTC_OFFSET).replace(tzinfo=UTC)


@pytest.mark.parametrize("validators", [True, False], ids=["etag", "no-validators"])
def test_unchanged_rerun_sends_one_request_per_start_url(tmp_path, validators):
    with DemoServer(articles_per_section=PER_SECTION, validators=validators) as demo:
        config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
        _run(config, db)
        first, _ = _kinds(demo, demo.requests)
        assert first["article"] == len(SECTIONS) * PER_SECTION
        assert first["listing"] > len(SECTIONS)  # every listing was paged through
        assert 1 <= first["robots"] <= len(SECTIONS)
        demo.clear_requests()

        _run(config, db)  # the demo's articles are months old: backfills, never re-checked
        assert sorted(demo.requests) == START_PATHS  # robots.txt came from the cache
    for run in rows(db, "SELECT * FROM last_run_per_site"):
        assert json.loads(run["requests_by_purpose"]) == {"listing": 1}
        assert run["requests"] == 1 and run["status"] == "ok"
        skipped = json.loads(run["skipped_reasons"])
        assert skipped.get("listing_not_modified" if validators else "listing_unchanged") == 1
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == len(SECTIONS) * PER_SECTION
    done = cli("status", "--config", str(config), "--db", str(db))
    assert done.returncode == 0, done.stdout


def test_due_rechecks_are_conditional_and_each_step_taken_once(demo, tmp_path):
    config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
    _run(config, db, at=FIRST_RUN)
    demo.clear_requests()

    later = FIRST_RUN + timedelta(days=3, hours=1)  # every step of the default schedule passed
    _run(config, db, at=later)
    second, per_article = _kinds(demo, demo.requests)
    assert second["listing"] == len(SECTIONS)  # page 1 had nothing new: paging stopped
    assert second["robots"] >= 1  # three days later the cached robots.txt had expired
    due = {  # those whose 3-day step lay ahead at the first run: older ones were backfills
        a.url_path
        for a in demo.truth().articles()
        if a.section in SECTIONS and _published_utc(a) + timedelta(days=3) > FIRST_RUN
    }
    assert 0 < len(due) < len(SECTIONS) * PER_SECTION
    assert set(per_article) == due and set(per_article.values()) == {1}  # one for all steps
    for run in rows(db, "SELECT * FROM last_run_per_site"):  # ...each answered 304
        purposes = json.loads(run["requests_by_purpose"])
        assert (run["new"], run["updated"]) == (0, 0)
        assert run["not_modified"] == run["unchanged"] == purposes["recheck"] > 0
        assert run["errors"] == 0
    checked = rows(db, "SELECT count(*) AS n FROM articles WHERE checks = 1")[0]["n"]
    assert checked == len(due)
    demo.clear_requests()

    _run(config, db, at=later + timedelta(minutes=15))
    assert sorted(demo.requests) == START_PATHS  # no step is taken twice


def test_a_correction_is_caught_by_a_recheck(demo, tmp_path):
    config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
    _run(config, db, at=FIRST_RUN)
    demo.set_edition(2)
    demo.clear_requests()
    second = demo.truth(2)
    _run(config, db, at=datetime(2025, 10, 27, 19, 0, tzinfo=UTC))  # their 1-day step is due
    for path in second.new_paths | second.changed_paths:
        assert path in demo.requests
    for article in (second.by_path()[p] for p in second.changed_paths):
        (row,) = rows(
            db,
            "SELECT title, body_text, updated, checks FROM articles WHERE site = ? AND news_id = ?",
            (f"demo_{article.section}", article.news_id),
        )
        assert row["title"] == article.title and row["updated"] and row["checks"] == 1
        assert row["body_text"].endswith(article.paragraphs[-1])
        revisions = rows(
            db,
            "SELECT changed FROM revisions WHERE site = ? AND news_id = ?",
            (f"demo_{article.section}", article.news_id),
        )
        assert len(revisions) == 1
    alpha = rows(db, "SELECT * FROM last_run_per_site WHERE site = 'demo_alpha'")[0]
    assert alpha["new"] == len(second.new_paths) and alpha["updated"] == 1


def _edition_changed_below_page_one(demo: DemoServer) -> tuple[Edition, str]:
    """Edition 1 with alpha's 7th article (page 2) replaced by a new one; page 1 identical."""
    first = demo.truth(1)
    alpha = list(first.sections["alpha"])
    taken = {slugify(a.title) for a in first.articles()}
    old = alpha[6]
    alpha[6] = make_article(
        "alpha", int(old.news_id) + 1000, old.published, random.Random(3), taken
    )
    return Edition(3, {**first.sections, "alpha": tuple(alpha)}), alpha[6].url_path


@pytest.mark.parametrize("validators", [True, False], ids=["etag", "no-validators"])
def test_a_listing_changed_only_below_page_one(tmp_path, validators):
    with DemoServer(articles_per_section=PER_SECTION, validators=validators) as demo:
        config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
        _run(config, db)
        page_one = demo.site.page("/alpha/news")
        demo.editions[3], added = _edition_changed_below_page_one(demo)
        demo.set_edition(3)
        assert demo.site.page("/alpha/news").body == page_one.body
        demo.clear_requests()
        _run(config, db)  # caught up, page 1 unchanged: one request, page 2 is not read
        assert sorted(demo.requests) == START_PATHS

        paging = write_config(demo, tmp_path / "paging.toml", stop_after_known_pages=0)
        demo.clear_requests()
        _run(paging, db)  # a site that always pages through finds it
        assert "/alpha/news?Page=2" in demo.requests and added in demo.requests
    news_id = added.rsplit("=", 1)[1]
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE news_id = ?", (news_id,))[0]["n"]


def test_outside_the_schedule_known_articles_cost_no_request(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml", recheck=[])
    db = tmp_path / "news.db"
    _run(config, db, at=FIRST_RUN)
    demo.clear_requests()
    _run(config, db, at=FIRST_RUN + timedelta(hours=2))
    second, _ = _kinds(demo, demo.requests)
    assert second["article"] == 0
    assert second["listing"] == len(SECTIONS)
    for run in rows(db, "SELECT * FROM last_run_per_site"):
        skipped = run["skipped_reasons"]
        assert '"listing_not_modified"' in skipped, skipped
        assert run["status"] == "ok"


def test_stop_after_known_pages_zero_pages_through_everything(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml", recheck=[], stop_after_known_pages=0)
    db = tmp_path / "news.db"
    _run(config, db)
    first, _ = _kinds(demo, demo.requests)
    demo.clear_requests()
    _run(config, db)
    second, _ = _kinds(demo, demo.requests)
    assert second["listing"] == first["listing"] and second["article"] == 0
    for run in rows(db, "SELECT * FROM last_run_per_site"):
        skipped = run["skipped_reasons"]
        assert '"known"' in skipped and run["article_links"] > 0, skipped
