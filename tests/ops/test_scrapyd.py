"""The project under a real Scrapyd: `scrapyd-deploy` builds and uploads the egg, Scrapyd lists
the bundled sites, and a scheduled job crawls the demo site into the database."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import ROOT, rows, write_config

BIN = Path(sys.executable).parent
PROJECT_FILES = ("newsspider", "feeds", "pyproject.toml", "scrapy.cfg", "LICENSE", "README.md")
BUNDLED_SITES = ["demo_alpha", "demo_beta", "demo_fa", "demo_gamma"]
SCRAPYD_CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = eggs
logs_dir = logs
dbs_dir = dbs
jobs_to_keep = 5
max_proc = 2
poll_interval = 0.5
"""


@dataclass
class Scrapyd:
    url: str
    home: Path

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}{endpoint}?{query}", timeout=60) as response:
            return json.load(response)

    def post(self, endpoint: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(f"{self.url}{endpoint}", data=data, timeout=60) as response:
            return json.load(response)

    def output(self) -> str:
        """Scrapyd's own log, for failure messages."""
        return (self.home / "scrapyd.out").read_text(errors="replace")[-3000:]

    def job_log(self, spider: str, job: str) -> str:
        log = self.home / "logs" / "newsspider" / spider / f"{job}.log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else "(no job log)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env() -> dict[str, str]:
    """No repository on the path and no newsspider variables: the egg alone must suffice."""
    drop = {"PYTHONPATH", "NEWSSPIDER_CONFIG", "NEWSSPIDER_DB", "SCRAPY_SETTINGS_MODULE"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def _start(home: Path) -> tuple[subprocess.Popen[bytes], Scrapyd] | None:
    """Scrapyd on a free port, or None when another process took the port first."""
    port = _free_port()
    (home / "scrapyd.conf").write_text(SCRAPYD_CONF.format(port=port), encoding="utf-8")
    with (home / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=home, env=_clean_env(), stdout=out, stderr=out
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", home)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if server.get("daemonstatus.json")["status"] == "ok":
                return process, server
        except OSError:
            time.sleep(0.2)
    if process.poll() is None:
        process.kill()
        pytest.fail(f"scrapyd did not answer within 30 s:\n{server.output()}")
    if "Address already in use" in server.output():
        return None
    pytest.fail(f"scrapyd exited with {process.returncode}:\n{server.output()}")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    home = tmp_path / "scrapyd"
    home.mkdir()
    for _ in range(3):
        started = _start(home)
        if started is not None:
            break
    else:
        pytest.fail("no free port for scrapyd after 3 tries")
    process, server = started
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _project_copy(tmp_path: Path, target_url: str) -> Path:
    """The project's files outside the repository (scrapyd-deploy writes setup.py and build/
    next to scrapy.cfg), with a `[deploy:local]` target for the test's Scrapyd."""
    src = tmp_path / "src"
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    with (src / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:local]\nurl = {target_url}\nproject = newsspider\n")
    return src


def _deploy(src: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(BIN / "scrapyd-deploy"), *args],
        cwd=src,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"scrapyd-deploy {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


def _wait_finished(server: Scrapyd, job: str, spider: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = server.get("listjobs.json", project="newsspider")
        if any(entry["id"] == job for entry in jobs["finished"]):
            return
        time.sleep(0.5)
    pytest.fail(f"job {job} unfinished after {timeout} s:\n{server.job_log(spider, job)}")


def test_deploy_target_is_declared():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg["settings"]["default"] == "newsspider.settings"
    assert cfg["deploy"]["project"] == "newsspider" and cfg["deploy"]["url"].startswith("http")


def test_egg_deploys_lists_and_crawls_under_scrapyd(scrapyd, demo, tmp_path):
    src = _project_copy(tmp_path, scrapyd.url)
    egg = tmp_path / "newsspider.egg"
    _deploy(src, f"--build-egg={egg}")
    with zipfile.ZipFile(egg) as archive:
        assert "newsspider/sites.toml" in archive.namelist()
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = newsspider.settings" in entry_points, entry_points

    deployed = _deploy(src, "local", "--version", "r1")
    assert '"spiders": 4' in deployed.stdout, f"addversion.json answered: {deployed.stdout[-3000:]}"
    listed = scrapyd.get("listspiders.json", project="newsspider")
    assert listed.get("spiders") == BUNDLED_SITES, f"{listed}\n{scrapyd.output()}"

    config = write_config(demo, tmp_path / "sites.toml")
    db = tmp_path / "scrapyd.db"
    settings = [("setting", f"NEWSSPIDER_CONFIG={config}"), ("setting", f"NEWSSPIDER_DB={db}")]
    unknown = scrapyd.post("schedule.json", [("project", "newsspider"), ("spider", "x"), *settings])
    assert unknown["status"] == "error" and "spider 'x' not found" in unknown["message"], unknown
    scheduled = scrapyd.post(
        "schedule.json", [("project", "newsspider"), ("spider", "demo_gamma"), *settings]
    )
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]
    _wait_finished(scrapyd, job, "demo_gamma")

    log = scrapyd.job_log("demo_gamma", job)
    assert db.exists(), f"the job wrote no database:\n{log}"
    articles = rows(db, "SELECT count(*) AS n FROM articles WHERE site = 'demo_gamma'")
    assert articles[0]["n"] == 8, log
    runs = rows(db, "SELECT site, status FROM crawl_runs")
    assert runs == [{"site": "demo_gamma", "status": "ok"}], log
