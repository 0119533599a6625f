"""Health verdicts from plain crawl_runs rows."""

from __future__ import annotations

import json

from newsspider.config import HealthOptions
from newsspider.health import parsed_articles, site_verdict

OPTIONS = HealthOptions(empty_runs=3, missing_share_jump=0.3, min_articles=3)


def run(**fields):
    counts = dict.fromkeys(("new", "updated", "unchanged", "suspect", "dropped", "not_modified"), 0)
    row = {**counts, "status": "ok", "article_links": 10, "warnings": "{}", "dropped_reasons": "{}"}
    row.update({k: json.dumps(v) if isinstance(v, dict) else v for k, v in fields.items()})
    return row


def test_a_quiet_site_whose_listing_still_links_articles_is_healthy():
    runs = [run(new=0, unchanged=0, not_modified=0, article_links=12) for _ in range(5)]
    assert site_verdict("s", runs, OPTIONS).healthy


def test_no_article_in_the_last_n_runs_is_flagged():
    empty = run(article_links=0)
    verdict = site_verdict("s", [empty, empty, empty, run(new=4)], OPTIONS)
    assert not verdict.healthy and verdict.reasons == ("no article in the last 3 runs",)
    assert site_verdict("s", [empty, empty, run(new=4)], OPTIONS).healthy  # two are not enough


def test_runs_still_running_are_ignored():
    killed = run(status="running", article_links=None, new=None)
    assert site_verdict("s", [killed, killed, killed, run(new=2)], OPTIONS).healthy


def test_a_failed_last_run_is_flagged_with_its_cause():
    unreachable = run(status="failed", finish_reason="finished")
    verdict = site_verdict("s", [unreachable, run()], OPTIONS)
    assert verdict.reasons == ("last run failed (no listing page could be fetched)",)
    cut = run(status="failed", finish_reason="shutdown")
    assert site_verdict("s", [cut, run()], OPTIONS).reasons == (
        "last run failed (crawl ended: shutdown)",
    )


def test_a_jump_in_articles_missing_a_date_is_a_layout_change():
    usual = run(new=10, warnings={"date_missing": 1})
    broken = run(new=10, warnings={"date_missing": 9, "body_missing": 1})
    verdict = site_verdict("s", [broken, usual, usual], OPTIONS)
    assert verdict.reasons == ("articles missing a date: 90% (usually 10%)",)
    assert site_verdict("s", [usual, broken], OPTIONS).healthy  # back to normal


def test_missing_titles_count_from_drops_and_304s_are_not_read():
    usual = run(new=5)
    broken = run(dropped=6, unchanged=8, not_modified=8, dropped_reasons={"no_title": 6})
    assert parsed_articles(broken) == 6
    assert (
        "articles missing a title: 100% (usually 0%)"
        in site_verdict("s", [broken, usual], OPTIONS).reasons
    )


def test_too_few_articles_make_no_verdict_on_shares():
    verdict = site_verdict("s", [run(new=2, warnings={"body_missing": 2}), run(new=10)], OPTIONS)
    assert verdict.healthy


def test_run_and_status_exit_1_when_a_site_yields_nothing(demo, tmp_path):
    from tests.ops.conftest import cli, write_config

    config = write_config(demo, tmp_path / "sites.toml", extra="[health]\nempty_runs = 1\n")
    broken = config.read_text().replace("/alpha/newsview", "/alpha/renamed")  # layout changed
    config.write_text(broken, encoding="utf-8")
    common = ("--config", str(config), "--db", str(tmp_path / "n.db"))
    done = cli("run", "-q", *common, "--out", str(tmp_path / "feeds"))
    assert done.returncode == 1
    assert "demo_alpha is unhealthy: no article in the last 1 runs" in done.stderr
    status = cli("status", *common)
    assert status.returncode == 1
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert "UNHEALTHY" in lines["demo_alpha"] and lines["demo_beta"].endswith("ok")
