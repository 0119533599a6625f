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


def test_demo_runs_the_full_cycle(tmp_path):
    command = [sys.executable, "-m", "newsspider.cli", "demo", "--dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "newsspider.db").exists()
    assert (tmp_path / "feeds" / "all.atom.xml").exists()
    assert f"open:     {tmp_path / 'feeds' / 'index.html'}" in done.stdout


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
