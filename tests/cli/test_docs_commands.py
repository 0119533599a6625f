"""Every command the README and docs/*.md show is run, in document order, against one demo
crawl: it exits with the documented status (0 unless the docs say otherwise), never prints a
traceback, and `-q` prints nothing when all went well. (In the style of sqlite-utils' docs
tests.) Placeholders of the docs (example.org, /var/www) are mapped to the demo's."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsspider.commands.demo import SECTIONS
from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer
from tests.cli.docs import ROOT, shell_commands

# Not run here, and where they are run instead.
ELSEWHERE = {
    "make demo": "the demo cycle and its re-run: tests/test_cli.py",
    "make test": "this very suite",
}
NEEDS_REDIS = ("ingest", "enqueue", "worker")  # tests/cluster runs them against a real Redis
PLACEHOLDERS = {
    ".venv/bin/newsspider": "newsspider",
    "/var/www/feeds": "www-feeds",
    "mfa_en": "demo_alpha",
    "[--site NAME]": "--site demo_alpha",
    "demo --serve": "demo --serve --port 0",  # the fixed 8765 may be taken by another run
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """A directory laid out as the docs assume, with one demo crawl in newsspider.db."""
    cwd = tmp_path_factory.mktemp("docs")
    with DemoServer(articles_per_section=8) as server:
        config = demo_config_toml(server.base_url, sections=SECTIONS)
        for name in ("sites.toml", "newsspider.toml"):
            (cwd / name).write_text(config, encoding="utf-8")
        done = _run(["newsspider", "run", "-q", "--db", "newsspider.db"], cwd)
        assert done.returncode == 0, done.stderr
        (cwd / "news.db").write_bytes((cwd / "newsspider.db").read_bytes())
        url = f"{server.base_url}/alpha/newsview.aspx?NewsID=253326"
        with urllib.request.urlopen(url, timeout=10) as response:
            (cwd / "page.html").write_bytes(response.read())
        line = json.dumps({"path": "page.html", "url": url})
        (cwd / "pages.jsonl").write_text(line + "\n", encoding="utf-8")
        yield cwd, server.base_url


def _run(words: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _argv(words, cwd), cwd=cwd, env=_env(cwd), capture_output=True, text=True,
        timeout=180, check=False, **kwargs,
    )  # fmt: skip


def _argv(words: list[str], cwd: Path) -> list[str]:
    program = {"newsspider": "newsspider.cli", "scrapy": "scrapy"}[words[0]]
    return [sys.executable, "-m", program, *words[1:]]


def _env(cwd: Path) -> dict[str, str]:
    """Scrapy's commands find the project through the settings module, the sites through
    NEWSSPIDER_CONFIG (as under Scrapyd), so they run in the work directory."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCRAPY_SETTINGS_MODULE": "newsspider.settings",
        "NEWSSPIDER_CONFIG": str(cwd / "sites.toml"),
    }


@pytest.mark.parametrize(("doc", "line"), shell_commands(), ids=lambda v: v[:60])
def test_documented_command_runs(workdir, doc, line):
    cwd, base_url = workdir
    if line in ELSEWHERE:
        pytest.skip(f"{line}: {ELSEWHERE[line]}")
    for placeholder, value in {**PLACEHOLDERS, "https://news.example.org/": f"{base_url}/"}.items():
        line = line.replace(placeholder, value)
    words = shlex.split(line)
    if words[0] == "newsspider" and words[1] in NEEDS_REDIS:
        pytest.skip("needs Redis: tests/cluster runs the cluster commands")
    if words[-1] == "&":
        _check_background(words[:-1], cwd)
        return
    output = None
    if ">" in words:
        at = words.index(">")
        output, words = cwd / words[at + 1], words[:at]
    done = _run(words, cwd)
    assert "Traceback" not in done.stderr, f"{doc}: {line}\n{done.stderr}"
    assert done.returncode == 0, f"{doc}: {line}\n{done.stderr}"
    if "-q" in words:
        assert done.stdout == done.stderr == "", f"{doc}: {line}: -q printed output"
    if output is not None:
        output.write_text(done.stdout, encoding="utf-8")


def _check_background(words: list[str], cwd: Path) -> None:
    """A server the docs start with `&`: it comes up, says where, and stops on SIGTERM."""
    child = subprocess.Popen(_argv(words, cwd), cwd=cwd, env=_env(cwd), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.strip() and child.poll() is None, first
    finally:
        child.terminate()
        _, stderr = child.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr


def test_every_command_line_of_the_docs_is_seen():
    """The scan finds the README's examples, so a silent regex change cannot skip them."""
    lines = [line for _, line in shell_commands()]
    assert any(line.startswith(".venv/bin/newsspider discover") for line in lines)
    assert sum(line.startswith("newsspider search") for line in lines) >= 2
