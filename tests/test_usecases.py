"""The use cases as library functions: `run_once` and `site_statuses`, without the CLI.

`run_once` starts Scrapy's reactor, which runs once per process: it runs in a child.
"""

import json
import subprocess
import sys

import pytest

from newsspider.config import load_config
from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer
from newsspider.lock import RunLock, RunLockedError
from newsspider.usecases import run_once, site_statuses

RUN = """
import json, sys
from newsspider.config import load_config
from newsspider.usecases import run_once
config, db, out = load_config(sys.argv[1]), sys.argv[2], sys.argv[3]
report = run_once(config, db, [], out, limit=5)
print(json.dumps({
    "results": [(r.site, r.status, r.new) for r in report.results],
    "written": len(report.exported.written),
    "entries": dict(report.exported.entries),
    "unhealthy": [v.site for v in report.unhealthy],
    "not_due": sorted(report.not_due),
}))
"""


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("usecases")
    with DemoServer(articles_per_section=4) as server:
        config = tmp / "sites.toml"
        text = demo_config_toml(server.base_url, sections=("alpha", "fa"))
        config.write_text(text.replace("[sites.demo_fa]", '[sites.demo_fa]\nschedule = "1h"'))
        db, out = tmp / "news.db", tmp / "feeds"
        command = [sys.executable, "-c", RUN, str(config), str(db), str(out)]
        first = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        second = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    return {
        "config": load_config(config),
        "db": str(db),
        "out": str(out),
        "first": json.loads(first.stdout),
        "second": json.loads(second.stdout),
    }


def test_run_once_crawls_exports_and_judges(ran):
    first = ran["first"]
    assert sorted(first["results"]) == [["demo_alpha", "ok", 4], ["demo_fa", "ok", 4]]
    assert first["written"] > 0 and first["entries"]["all"] == 5  # --limit
    assert first["unhealthy"] == [] and first["not_due"] == []


def test_run_once_skips_what_is_not_due(ran):
    second = ran["second"]
    assert [site for site, _, _ in second["results"]] == ["demo_alpha"]
    assert second["not_due"] == ["demo_fa"]


def test_site_statuses_read_the_runs(ran):
    statuses = {s.site: s for s in site_statuses(ran["config"], ran["db"], [])}
    assert set(statuses) == {"demo_alpha", "demo_fa"}
    assert statuses["demo_alpha"].new_week == 4 and statuses["demo_alpha"].verdict.healthy
    assert statuses["demo_fa"].as_dict()["last_success"] is not None


def test_run_once_refuses_a_locked_database(ran):
    with RunLock(ran["db"]), pytest.raises(RunLockedError):
        run_once(ran["config"], ran["db"], [], ran["out"])
