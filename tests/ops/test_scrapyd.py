"""What Scrapyd does with the deployed package: list the spiders and crawl one, outside the
repository, with only `SCRAPY_SETTINGS_MODULE` (the egg's entry point) and `NEWSSPIDER_CONFIG`."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys

from tests.ops.conftest import ROOT, rows, write_config


def _scrapy(tmp_path, config, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "newsspider.settings",
           "NEWSSPIDER_CONFIG": str(config)}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_deploy_target_is_declared():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg["settings"]["default"] == "newsspider.settings"
    assert cfg["deploy"]["project"] == "newsspider" and cfg["deploy"]["url"].startswith("http")


def test_spiders_list_and_crawl_as_under_scrapyd(demo, tmp_path):
    config = write_config(demo, tmp_path / "sites.toml")
    listed = _scrapy(tmp_path, config, "list")
    assert listed.stdout.split() == ["demo_alpha", "demo_beta", "demo_gamma"], listed.stderr
    db = tmp_path / "scrapyd.db"
    done = _scrapy(tmp_path, config, "crawl", "demo_gamma", "-s", f"NEWSSPIDER_DB={db}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE site = 'demo_gamma'")[0]["n"] == 8
    assert rows(db, "SELECT status FROM crawl_runs")[0]["status"] == "ok"
