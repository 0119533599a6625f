import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.cli import build_parser, main
from newsspider.commands.demo import BUNDLED_PORT, SECTIONS
from newsspider.config import DEFAULT_CONFIG, load_config, parse_config
from newsspider.demo.config import demo_config_toml

ROOT = Path(__file__).parents[1]


def test_bundled_config_is_the_demo_on_its_fixed_port():
    import tomllib

    bundled = load_config(DEFAULT_CONFIG)
    generated = parse_config(
        tomllib.loads(demo_config_toml(f"http://127.0.0.1:{BUNDLED_PORT}", sections=SECTIONS)), "x"
    )
    assert bundled.sites == generated.sites


def test_scrapy_list_from_repo_root_lists_configured_sites():
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == sorted(f"demo_{s}" for s in SECTIONS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_runs_the_full_cycle_and_a_rerun_is_clean(tmp_path):
    port = str(free_port())  # the default is the fixed BUNDLED_PORT; tests may run side by side
    command = [sys.executable, "-m", "newsspider.cli", "demo", "--dir", str(tmp_path)]
    done = subprocess.run([*command, "--port", port], capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "newsspider.db").exists()
    assert (tmp_path / "feeds" / "all.atom.xml").exists()
    assert f"open:     {tmp_path / 'feeds' / 'index.html'}" in done.stdout
    # the command it suggests serves the feeds on the port their links name
    assert f"newsspider demo --serve --dir {tmp_path} --port {port} " in done.stdout
    again = subprocess.run([*command, "--port", port, "-q"], capture_output=True, text=True,
                           timeout=180, check=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # nothing failed: -q prints nothing
    assert again.stdout == ""
    atom = (tmp_path / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{port}/feeds/all.atom.xml" in atom
    assert atom.count("http://127.0.0.1:") == atom.count(f"http://127.0.0.1:{port}/")


def test_demo_site_port_is_fixed_by_default():
    args = build_parser().parse_args(["demo"])
    assert args.port == BUNDLED_PORT


def test_demo_on_another_port_starts_a_fresh_database(tmp_path):
    command = [sys.executable, "-m", "newsspider.cli", "demo", "--dir", str(tmp_path), "-q"]
    for _ in range(2):
        done = subprocess.run([*command, "--port", str(free_port())], capture_output=True,
                              text=True, timeout=180, check=False)  # fmt: skip
        assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "starting a fresh database" in done.stdout


def test_demo_serve_publishes_the_site_and_the_feeds(tmp_path):
    from newsspider.demo.server import DemoServer

    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "all.atom.xml").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "secret").write_text("no", encoding="utf-8")
    with DemoServer(articles_per_section=4, files=feeds) as server:
        base = server.base_url
        assert _get(f"{base}/feeds/all.atom.xml") == (200, b"<feed/>")
        assert _get(f"{base}/feeds/../secret")[0] == 404
        assert _get(f"{base}/feeds/%2e%2e/secret")[0] == 404
        assert _get(f"{base}/alpha/news")[0] == 200


def _get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.mark.parametrize("command", ["crawl", "export", "run", "demo"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args([command, "--help"])
    assert caught.value.code == 0
    assert "--config" in capsys.readouterr().out


def test_bad_limit_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["export", "--limit", "0"])
    assert caught.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_missing_database_for_export_is_a_clean_error(tmp_path, capsys):
    status = main(["export", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "o")])
    assert status == 3
    assert capsys.readouterr().err.startswith("newsspider: error: ")


def test_reader_closing_the_pipe_early_is_not_a_traceback():
    page = ROOT / "tests" / "fixtures" / "generic" / "article_full.html"
    command = [sys.executable, "-m", "newsspider.cli", "extract", str(page)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # like `| head -0`: the reader is gone before anything is written
        stderr = child.stderr.read().decode()
        child.wait(timeout=60)
    assert "Traceback" not in stderr
    assert "Broken pipe" not in stderr


def test_demo_db_and_config_options_say_where_they_go(tmp_path):
    db, config = tmp_path / "elsewhere.db", tmp_path / "sites" / "demo-sites.toml"
    config.parent.mkdir()
    command = [sys.executable, "-m", "newsspider.cli", "demo", "-q", "--dir", str(tmp_path / "d"),
               "--port", str(free_port()), "--db", str(db), "--config", str(config)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert db.exists() and not (tmp_path / "d" / "newsspider.db").exists()
    assert "[sites.demo_alpha]" in config.read_text(encoding="utf-8")
