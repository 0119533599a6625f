"""A re-run on an unchanged site sends only listing and conditional requests."""

from __future__ import annotations

from collections import Counter

from tests.ops.conftest import PER_SECTION, SECTIONS, cli, rows, write_config


def _run(config, db, *extra):
    done = cli("run", "-q", "--config", str(config), "--db", str(db), "--out", str(db.parent / "f"))
    assert done.returncode == 0, done.stderr
    return done


def _kinds(server, paths):
    """Requests by kind: article pages, listing pages (everything else but robots.txt)."""
    articles = set(server.truth().by_path())
    kinds = Counter(
        "article" if p in articles else "robots" if p == "/robots.txt" else "listing" for p in paths
    )
    return kinds, Counter(p for p in paths if p in articles)


def test_rerun_sends_only_first_listing_pages_and_conditional_requests(demo, tmp_path):
    config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
    _run(config, db)
    first, _ = _kinds(demo, demo.requests)
    assert first["article"] == len(SECTIONS) * PER_SECTION
    assert first["listing"] > len(SECTIONS)  # every listing was paged through
    demo.clear_requests()

    _run(config, db)
    second, per_article = _kinds(demo, demo.requests)
    assert second["listing"] == len(SECTIONS)  # page 1 had nothing new: paging stopped
    assert second["article"] == len(SECTIONS) * PER_SECTION  # each re-checked once...
    assert set(per_article.values()) == {1}
    runs = rows(db, "SELECT * FROM last_run_per_site")
    for run in runs:  # ...and each answered 304 Not Modified
        assert (run["new"], run["updated"], run["not_modified"]) == (0, 0, PER_SECTION)
        assert run["unchanged"] == PER_SECTION and run["errors"] == 0
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == len(SECTIONS) * PER_SECTION


def test_outside_the_refresh_window_known_articles_cost_no_request(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml", refresh_hours=0)
    db = tmp_path / "news.db"
    _run(config, db)
    demo.clear_requests()
    _run(config, db)
    second, _ = _kinds(demo, demo.requests)
    assert second["article"] == 0
    assert second["listing"] == len(SECTIONS)
    for run in rows(db, "SELECT * FROM last_run_per_site"):
        skipped = run["skipped_reasons"]
        assert '"known"' in skipped and '"nothing_new"' in skipped, skipped
        assert run["status"] == "ok" and run["article_links"] > 0


def test_new_articles_are_fetched_and_corrections_caught(demo, tmp_path):
    config, db = write_config(demo, tmp_path / "sites.toml"), tmp_path / "news.db"
    _run(config, db)
    demo.set_edition(2)
    demo.clear_requests()
    _run(config, db)
    second = demo.truth(2)
    for path in second.new_paths | second.changed_paths:
        assert path in demo.requests
    changed = [second.by_path()[p] for p in second.changed_paths]
    for article in changed:
        (row,) = rows(
            db,
            "SELECT title, updated FROM articles WHERE site = ? AND news_id = ?",
            (f"demo_{article.section}", article.news_id),
        )
        assert row["title"] == article.title and row["updated"]
    alpha = rows(db, "SELECT * FROM last_run_per_site WHERE site = 'demo_alpha'")[0]
    assert alpha["new"] == len(second.new_paths)


def test_stop_after_known_pages_zero_pages_through_everything(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml", refresh_hours=0, stop_after_known_pages=0)
    db = tmp_path / "news.db"
    _run(config, db)
    first, _ = _kinds(demo, demo.requests)
    demo.clear_requests()
    _run(config, db)
    second, _ = _kinds(demo, demo.requests)
    assert second["listing"] == first["listing"] and second["article"] == 0
