"""Without a browser, the script-built section is an empty shell: a plain HTTP crawl finds
nothing, and `check-site` says why. None of this needs Chromium."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from newsspider.browser.signs import rendering_adds, script_built
from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer

BROWSER_LINE = 'render = "browser"\n'


@pytest.fixture(scope="module")
def http_world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shell")
    with DemoServer(articles_per_section=8, scripted=True) as server:
        text = demo_config_toml(server.base_url, ("js",))
        assert BROWSER_LINE in text
        config = tmp / "sites.toml"
        config.write_text(text.replace(BROWSER_LINE, ""), encoding="utf-8")
        yield {"server": server, "config": config, "db": tmp / "news.db"}


def _cli(world, *args):
    command = [sys.executable, "-m", "newsspider.cli", *args, "--config", str(world["config"])]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_plain_http_crawl_finds_nothing(http_world):
    done = _cli(http_world, "crawl", "-q", "--db", str(http_world["db"]))
    conn = sqlite3.connect(http_world["db"])
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    runs = conn.execute("SELECT status, new FROM crawl_runs").fetchall()
    assert runs == [("ok", 0)], done.stderr
    assert not [p for p in http_world["server"].requests if p.startswith("/js/news/")]


def test_check_site_says_the_listing_is_built_by_javascript(http_world):
    done = _cli(http_world, "check-site", "demo_js")
    assert done.returncode == 1  # no article checked
    assert "0 article links" in done.stdout
    assert "looks built by JavaScript: it shows" in done.stdout
    assert 'set render = "browser" (docs/browser.md)' in done.stdout


def test_signs_on_shell_and_server_rendered_pages(http_world):
    server = http_world["server"]
    shell = server.site.page("/js/news").body.decode()
    assert script_built(shell) is not None
    alpha = server.site.page("/alpha/news").body.decode()
    assert script_built(alpha) is None
    assert rendering_adds(alpha, alpha) is None
    grown = shell.replace("Loading...", "<p>" + "word " * 100 + "</p>")
    assert "grows from" in (rendering_adds(shell, grown) or "")
