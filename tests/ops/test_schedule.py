"""Per-site schedules honoured by one `run`; `run --every` loops; JSON log lines."""

from __future__ import annotations

import json

from tests.ops.conftest import cli, rows, write_config


def _runs(db):
    return {r["site"]: r["n"] for r in rows(db, "SELECT site, count(*) AS n FROM crawl_runs "
                                                "GROUP BY site")}  # fmt: skip


def test_schedules_every_and_json_logs(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml")
    text = config.read_text().replace("[sites.demo_beta]", '[sites.demo_beta]\nschedule = "1h"')
    config.write_text(text, encoding="utf-8")
    db, out = tmp_path / "news.db", tmp_path / "feeds"
    common = ("--config", str(config), "--db", str(db), "--out", str(out))
    assert cli("run", "-q", *common).returncode == 0
    assert _runs(db) == {"demo_alpha": 1, "demo_beta": 1, "demo_gamma": 1}

    looped = cli("run", *common, "--every", "1s", "--cycles", "2", "--log-format", "json")
    assert looped.returncode == 0, looped.stderr
    assert _runs(db) == {"demo_alpha": 3, "demo_beta": 1, "demo_gamma": 3}  # beta: hourly
    assert "demo_beta: not due until" in looped.stderr
    assert "run 1 exited with 0; next in" in looped.stderr
    records = [json.loads(line) for line in looped.stderr.splitlines() if line.startswith("{")]
    summaries = [r for r in records if r["logger"] == "newsspider.progress"]
    assert {r["site"] for r in summaries} == {"demo_alpha", "demo_gamma"} and len(summaries) == 4
    assert all(r["status"] == "ok" and r["pages"] > 0 for r in summaries)
    for record in summaries:  # the cost of each run, as crawl_runs records it
        purposes = record["requests_by_purpose"]
        assert record["requests"] == sum(purposes.values()) > 0
        assert set(purposes) <= {"robots", "listing", "article", "recheck", "asset"}
        assert record["requests_per_new"] is None  # nothing new after the first run

    named = cli("run", "-q", *common, "demo_beta")  # a named site runs whatever its schedule
    assert named.returncode == 0 and _runs(db)["demo_beta"] == 2
