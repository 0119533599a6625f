"""The query examples of docs/queries.md and the canned queries of datasette/metadata.yml,
run against a demo database crawled twice (the second time after corrections)."""

from __future__ import annotations

import csv
import io
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.demo.server import DemoServer
from tests.ops.conftest import ROOT, cli, cli_at, write_config

DOC = ROOT / "docs" / "queries.md"
METADATA = ROOT / "datasette" / "metadata.yml"
SQLITE_UTILS = Path(sys.executable).with_name("sqlite-utils")
DATASETTE = Path(sys.executable).with_name("datasette")
PARAMS = {"query": "minister", "site": "demo_alpha"}
# The crawls' clock: after the newest demo article, then when both corrected articles are
# due for their one-day re-check; `status` looks back a day from STATUS_AT.
RUNS_AT = ("2025-10-27T05:00:00+00:00", "2025-10-27T19:00:00+00:00")
STATUS_AT = "2025-10-27T19:30:00+00:00"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("queries")
    with DemoServer(articles_per_section=8) as server:
        config = write_config(server, tmp / "sites.toml")
        path = tmp / "newsspider.db"
        for edition, moment in zip((1, 2), RUNS_AT, strict=True):
            server.set_edition(edition)
            done = cli_at(moment, "run", "-q", "--config", str(config), "--db", str(path),
                          "--out", str(tmp / "feeds"))  # fmt: skip
            assert done.returncode == 0, done.stderr
    return path


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _query(db: Path, sql: str, params: dict[str, str] | None = None) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params or {}).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("sql", _blocks("sql"), ids=lambda s: s.split("FROM")[1].split()[0])
def test_every_sql_example_answers(db, sql):
    assert _query(db, sql), sql


def _shell_lines() -> list[str]:
    return [line for block in _blocks("sh") for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("line", _shell_lines())
def test_every_shell_example_runs(db, line):
    words = shlex.split(line.split("  #")[0])
    words = [str(db) if w in ("newsspider.db", "news.db") else w for w in words]
    if words[0] == "datasette":  # ask the app it would serve for its metadata, and stop
        get = [str(DATASETTE), *words[1:], "--get", "/-/metadata.json"]
        done = subprocess.run(get, capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert '"queries"' in done.stdout, done.stdout
        return
    if words[0] == "sqlite3":  # the shell may be missing: run its SQL here
        assert _query(db, words[2])
        return
    if words[0] == "sqlite-utils":
        done = subprocess.run([str(SQLITE_UTILS), *words[1:]], capture_output=True, text=True)
    else:
        done = cli(*words[1:], "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), line


def _canned_queries() -> list[str]:
    """The `sql: |-` blocks of metadata.yml (no YAML parser needed for our own file)."""
    found = re.findall(r"sql: \|-\n((?:          .*\n)+)", METADATA.read_text(encoding="utf-8"))
    return [block.replace("\n          ", "\n").strip() for block in found]


def test_canned_queries_run(db):
    queries = _canned_queries()
    assert len(queries) == 4
    for sql in queries:
        names = set(re.findall(r":(\w+)", sql))
        _query(db, sql, {k: v for k, v in PARAMS.items() if k in names})


def _json_rows(done):
    import json

    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_search_ranks_highlights_and_filters(db):
    found = _json_rows(cli("search", "minister", "--db", str(db), "--format", "json"))
    assert found and all("[" in r["snippet"].lower() for r in found)
    assert [r["rank"] for r in found] == sorted(r["rank"] for r in found)  # bm25: lower is better
    assert all("minister" in (r["title"] + r["snippet"]).lower() for r in found)
    site = found[-1]["site"]
    only = _json_rows(cli("search", "minister", "--db", str(db), "--format", "json",
                          "--site", site, "--limit", "2"))  # fmt: skip
    assert 0 < len(only) <= 2 and {r["site"] for r in only} == {site}
    none = _json_rows(cli("search", "minister", "--db", str(db), "--format", "json",
                          "--lang", "fa"))  # fmt: skip
    assert none == []


def test_search_formats_agree(db):
    base = ("search", "minister", "--db", str(db), "--limit", "3")
    rows = _json_rows(cli(*base, "--format", "json"))
    ndjson = cli(*base, "--format", "ndjson").stdout.splitlines()
    csv_lines = list(csv.reader(io.StringIO(cli(*base, "--format", "csv").stdout)))
    table = cli(*base).stdout
    assert len(ndjson) == len(rows) == len(csv_lines) - 1
    assert csv_lines[0][:4] == ["site", "news_id", "published", "title"]
    assert all(r["news_id"] in table for r in rows)


def test_bad_query_and_bad_date_exit_2(db):
    done = cli("search", "!!!", "--db", str(db))
    assert done.returncode == 2 and "no words" in done.stderr
    done = cli("search", "word " * 20_000, "--db", str(db))  # the error quotes only its start
    assert done.returncode == 2 and "longer than" in done.stderr and len(done.stderr) < 300
    done = cli("articles", "--since", "yesterday", "--db", str(db))
    assert done.returncode == 2 and "not a date" in done.stderr


def test_articles_newest_first_with_date_filters(db):
    rows = _json_rows(cli("articles", "--db", str(db), "--format", "json", "--limit", "100"))
    dates = [r["published"] for r in rows]
    assert dates == sorted(dates, reverse=True) and len(rows) > 20
    day = dates[len(dates) // 2][:10]
    same_day = _json_rows(cli("articles", "--db", str(db), "--format", "json", "--since", day,
                              "--until", day, "--limit", "100"))  # fmt: skip
    assert same_day and {r["published"][:10] for r in same_day} == {day}
    assert len(same_day) == sum(d.startswith(day) for d in dates)


def test_status_reports_every_site_healthy(db):
    done = cli_at(STATUS_AT, "status", "--db", str(db), "--format", "json",
                  "--config", str(db.parent / "sites.toml"))  # fmt: skip
    report = _json_rows(done)
    assert {r["site"] for r in report} == {"demo_alpha", "demo_beta", "demo_gamma"}
    assert all(r["healthy"] and r["last_success"] and r["new_last_day"] > 0 for r in report)
    for r in report:  # what each new article cost over the last day
        assert r["requests_last_day"] == sum(r["requests_by_purpose_last_day"].values())
        assert r["requests_per_new_last_day"] == round(
            r["requests_last_day"] / r["new_last_day"], 2
        )
        assert r["requests_by_purpose_last_day"]["article"] >= r["new_last_day"]
    table = cli_at(STATUS_AT, "status", "--db", str(db), "--config", str(db.parent / "sites.toml"))
    assert "req/new 24h" in table.stdout.splitlines()[0]


def test_datasette_plugin_gives_any_database_name_the_metadata(db, tmp_path):
    import asyncio
    import shutil

    from datasette.app import Datasette

    renamed = shutil.copy(db, tmp_path / "news.db")

    async def fetch() -> tuple[dict, dict]:
        app = Datasette([str(renamed)], plugins_dir=str(ROOT / "datasette" / "plugins"))
        database = (await app.client.get("/news.json")).json()
        found = (await app.client.get("/news/search.json?query=minister&_shape=objects")).json()
        return database, found

    database, found = asyncio.run(fetch())
    assert [q["name"] for q in database["queries"]] == [
        "search", "newest_of_site", "stories", "empty_runs"
    ]  # fmt: skip
    assert found["rows"] and "<b>" in found["rows"][0]["snippet"]
