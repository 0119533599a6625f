"""The browser keys: checked at load, the browser itself at crawl time, refused by the cluster."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from newsspider.config import parse_config
from newsspider.errors import ConfigError

SITE = """
[cluster]
redis_url = "redis://127.0.0.1:1/0"
[sites.spa]
kind = "generic"
start_urls = ["http://127.0.0.1:9/"]
timezone = "UTC"
render = "browser"
"""


def _site(extra: str = ""):
    return parse_config(tomllib.loads(SITE + extra), "x.toml").sites["spa"]


def test_defaults():
    site = _site()
    assert (site.render, site.browser_path, site.wait_for) == ("browser", "/usr/bin/chromium", None)
    assert site.block_resources == ("image", "font", "media")
    assert (site.render_timeout, site.idle_timeout, site.max_open_pages) == (30.0, 5.0, 4)
    assert _site('block_resources = ["image"]\n').block_resources == ("image",)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('render = "javascript"\n', "render"),
        ("render_timeout = 0\n", "render_timeout"),
        ('wait_for = "div[["\n', "wait_for"),
        ('block_resources = ["pictures"]\n', "block_resources"),
        ("max_open_pages = 0\n", "max_open_pages"),
        ('browser_path = " "\n', "browser_path"),
    ],
)
def test_bad_values_name_the_key(extra, key):
    text = SITE.replace('render = "browser"\n', "") + extra
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text), "x.toml")
    assert caught.value.key == key


def _cli(tmp_path, text, *args):
    config = tmp_path / "sites.toml"
    config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "newsspider.cli", *args, "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_missing_browser_is_a_config_error_naming_the_key(tmp_path):
    text = SITE + 'browser_path = "/nonexistent/chromium"\n'
    done = _cli(tmp_path, text, "crawl", "--db", str(tmp_path / "news.db"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"newsspider: error: {tmp_path / 'sites.toml'}: [sites.spa] browser_path: no Chromium at"
        " /nonexistent/chromium (install it, e.g. apt-get install chromium, or set browser_path"
        " to its executable)"
    ]
    assert not (tmp_path / "news.db").exists()


@pytest.mark.parametrize("command", ["enqueue", "worker"])
def test_cluster_refuses_browser_sites(tmp_path, command):
    done = _cli(tmp_path, SITE, command)
    assert done.returncode == 2
    assert "[sites.spa] render: render = 'browser' is not supported in cluster mode" in done.stderr
    assert "Traceback" not in done.stderr
