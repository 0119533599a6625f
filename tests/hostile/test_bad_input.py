"""Bad user input: one clear line, a distinct exit status, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsspider.cli import main
from newsspider.config import load_config
from newsspider.errors import ConfigError

GOOD_SITE = """
[sites.a]
kind = "portal"
start_urls = ["http://127.0.0.1:9/"]
timezone = "UTC"
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        status = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites.a\nkind=", "invalid TOML"),
        (GOOD_SITE + "max_requests = 0\n", "max_requests: must be at least 1"),
        (GOOD_SITE + "max_page_bytes = 'big'\n", "max_page_bytes: must be int"),
        (GOOD_SITE + 'allow_addresses = ["127.0.0.300"]\n', "allow_addresses: '127.0.0.300'"),
        ('[crawl]\nallow_addresses = ["nope"]\n' + GOOD_SITE, "crawl.allow_addresses: 'nope'"),
        ("[crawl]\nallow = []\n" + GOOD_SITE, "crawl.allow: unknown key"),
    ],
)
def test_malformed_config_is_one_line_exit_2_and_no_database(capsys, tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    db = tmp_path / "news.db"
    status, err = run(capsys, "crawl", "--config", str(config), "--db", str(db))
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert not db.exists()


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "ok.toml"
    path.write_text(GOOD_SITE, encoding="utf-8")
    return path


def test_unknown_site_is_exit_2_before_anything_is_written(capsys, tmp_path):
    db = tmp_path / "news.db"
    status, err = run(
        capsys, "crawl", "nosuch", "--config", str(_config(tmp_path)), "--db", str(db)
    )
    assert status == 2 and "unknown site nosuch" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_bad_feed_limit_is_a_usage_error(capsys, tmp_path):
    status, err = run(capsys, "export", "--limit", "0", "--config", str(_config(tmp_path)))
    assert status == 2 and "must be at least 1" in err


def test_unwritable_database_path_is_exit_3(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    status, err = run(
        capsys, "crawl", "--config", str(_config(tmp_path)), "--db", str(blocker / "news.db")
    )
    assert status == 3 and len(err.strip().splitlines()) == 1, err


def test_missing_database_for_export_is_a_clear_error(capsys, tmp_path):
    status, err = run(
        capsys,
        "export",
        "--config",
        str(_config(tmp_path)),
        "--db",
        str(tmp_path / "none.db"),
        "--out",
        str(tmp_path / "out"),
    )
    assert status != 0 and "database not found" in err and len(err.strip().splitlines()) == 1


def test_unwritable_output_is_exit_3_and_leaves_no_partial_files(capsys, tmp_path):
    from newsspider.db import Database

    Database(tmp_path / "news.db").close()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    status, err = run(
        capsys,
        "export",
        "--config",
        str(_config(tmp_path)),
        "--db",
        str(tmp_path / "news.db"),
        "--out",
        str(blocker / "out"),
    )
    assert status == 3 and len(err.strip().splitlines()) == 1, err
    assert blocker.read_text(encoding="utf-8") == "x"


def test_unreadable_config_path_is_exit_2(capsys, tmp_path):
    status, err = run(capsys, "crawl", "--config", str(tmp_path))  # a directory
    assert status == 2 and "cannot read" in err


def test_new_limit_keys_reach_the_site_definition(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[crawl]\nallow_addresses = ["127.0.0.1"]\n'
        + GOOD_SITE
        + 'max_depth = 3\nallow_addresses = ["10.0.0.0/8"]\n',
        encoding="utf-8",
    )
    site = load_config(path).sites["a"]
    assert site.max_depth == 3
    assert site.allow_addresses == ("127.0.0.1", "10.0.0.0/8")
    with pytest.raises(ConfigError):
        path.write_text(GOOD_SITE + "retries = -1\n", encoding="utf-8")
        load_config(path)
