"""A bad-input battery for every command: wrong types, out-of-range numbers, missing,
unreadable and malformed files, odd URLs, unknown names, signals. Each gives one line on
stderr, an exit status from the documented set, and no traceback.

The usage cases are generated from the parser itself, so a new command or option is covered
the day it lands; the file cases are listed per command.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsspider.cli import build_parser, main
from newsspider.clidoc import _subcommands
from newsspider.commands import (
    MAX_COUNT,
    http_url,
    non_negative_float,
    port_number,
    positive_int,
    process_count,
    seconds,
    timeout_seconds,
)
from newsspider.commands.crawl import _duration
from newsspider.db import SCHEMA_VERSION, Database

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = {0, 1, 2, 3, 4, 5, 130, 141, 143}  # newsspider --help, README "Exit statuses"
CHECKED_TYPES = {positive_int, process_count, port_number, seconds, timeout_seconds, _duration,
                 http_url, non_negative_float}  # fmt: skip
BAD_NUMBERS = ["abc", "", "-1", "0x10", "1e400", "nan", "inf", str(MAX_COUNT + 1), "9" * 40]
GOOD_CONFIG = """
[sites.a]
kind = "portal"
start_urls = ["http://127.0.0.1:9/"]
timezone = "UTC"
"""


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Bad inputs of every kind, and good ones to pair them with, in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "junk.bin").write_bytes(b"\x00\xff\xfe not text, not SQLite")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "good.toml").write_text(GOOD_CONFIG, encoding="utf-8")
    (tmp_path / "bad.toml").write_text("[sites.a\nkind=", encoding="utf-8")
    Database(tmp_path / "good.db").close()
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse: usage errors and --help
        status = int(exc.code or 0)
    return status, capsys.readouterr().err


def assert_one_line(status: int, err: str, expected: set[int] | int) -> None:
    assert "Traceback" not in err, err
    assert status in DOCUMENTED, (status, err)
    assert status in ({expected} if isinstance(expected, int) else expected), (status, err)
    assert len(err.strip().splitlines()) == 1, err


def _options() -> list[tuple[str, argparse.Action]]:
    return [
        (name, action)
        for name, sub in _subcommands(build_parser()).items()
        for action in sub._actions
        if action.option_strings and action.type is not None
    ]


# Options with a bare type that their command checks itself (and why that is enough).
CHECKED_BY_THE_COMMAND = {("extract", "--jobs")}  # at least 1; capped at the number of pages


def test_every_typed_option_checks_its_values():
    """No option takes a bare int/float: those accept nan, inf and 40-digit numbers."""
    for command, action in _options():
        if (command, action.option_strings[-1]) in CHECKED_BY_THE_COMMAND:
            continue
        assert action.type in CHECKED_TYPES, (command, action.option_strings, action.type)


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    ("command", "option"),
    [(c, a.option_strings[-1]) for c, a in _options() if a.type is not http_url],
    ids=str,
)
def test_bad_numbers_are_usage_errors(capsys, command, option, value):
    action = next(a for c, a in _options() if c == command and option in a.option_strings)
    try:
        action.type(value)  # type: ignore[misc]
        pytest.skip(f"{value!r} is a valid {option}")
    except (argparse.ArgumentTypeError, ValueError):  # ValueError: a bare int or float
        pass
    status, err = run(capsys, [command, f"{option}={value}"])
    assert_one_line(status, err, 2)
    assert option in err


@pytest.mark.parametrize("command", sorted(_subcommands(build_parser())))
def test_unknown_options_and_missing_arguments_are_usage_errors(capsys, command):
    assert_one_line(*run(capsys, [command, "--no-such-option"]), 2)
    required = [a for a in _subcommands(build_parser())[command]._actions
                if not a.option_strings and a.nargs is None]  # fmt: skip
    if required:
        assert_one_line(*run(capsys, [command]), 2)


def test_no_command_or_an_unknown_one_is_a_usage_error(capsys):
    assert_one_line(*run(capsys, []), 2)
    assert_one_line(*run(capsys, ["crawll"]), 2)


CONFIG_COMMANDS = ["crawl", "run", "export", "serve", "check-site a", "status", "enqueue",
                   "worker", "ingest", "extract x.html --site a", "search x --site a",
                   "articles --site a"]  # fmt: skip


@pytest.mark.parametrize("config", ["missing.toml", "junk.bin", "empty", "a-dir", "bad.toml"])
@pytest.mark.parametrize("command", CONFIG_COMMANDS)
def test_bad_config_files_exit_2(capsys, files, command, config):
    status, err = run(capsys, [*command.split(), "--config", config, *_db_for(command)])
    assert_one_line(status, err, 2)
    assert config in err


def _db_for(command: str) -> list[str]:
    return ["--db", "good.db"] if command.split()[0] in ("search", "articles", "status") else []


DB_COMMANDS = ["crawl", "run --out out", "export --out out", "status", "search x", "articles",
               "serve --out a-dir"]  # fmt: skip


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_a_database_of_a_newer_newsspider_exits_3_and_is_left_as_it_is(capsys, files, command):
    """docs/operations.md, "Upgrading": an older newsspider refuses a newer database."""
    Database(files / "newer.db").close()
    conn = sqlite3.connect(files / "newer.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    status, err = run(capsys, [*command.split(), "--config", "good.toml", "--db", "newer.db"])
    assert_one_line(status, err, 3)
    assert "is newer than this newsspider understands" in err
    conn = sqlite3.connect(files / "newer.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


@pytest.mark.parametrize("db", ["junk.bin", "a-dir", "empty"])
@pytest.mark.parametrize("command", DB_COMMANDS)
def test_bad_database_files_exit_3_and_write_nothing(capsys, files, command, db):
    if db == "empty" and command.split()[0] in ("crawl", "run"):
        pytest.skip("an empty file is a new database to a crawl: not bad input")
    before = sorted(p.name for p in files.iterdir())
    status, err = run(capsys, [*command.split(), "--config", "good.toml", "--db", db])
    assert_one_line(status, err, 3)
    assert sorted(p.name for p in files.iterdir()) == before  # no --out dir, no lock file


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["status", "--db", "missing.db"], 3, "database not found"),
        (["search", "x", "--db", "missing.db"], 3, "database not found"),
        (["export", "--db", "missing.db", "--out", "out"], 3, "database not found"),
        (["export", "--db", "good.db", "--config", "good.toml", "--out", "junk.bin"], 3, "file"),
        (["run", "--config", "good.toml", "--db", "new.db", "--out", "junk.bin/x"], 3, "file"),
        (["demo", "--dir", "junk.bin"], 3, "demo directory"),
        (["demo", "--dir", "d", "--config", "a-dir"], 3, "cannot write"),
        (["extract", "missing.html"], 1, "cannot read"),
        (["extract", "a-dir"], 1, "cannot read"),
        (["extract", "junk.bin"], 1, "not an HTML page"),
        (["extract", "--batch", "missing.jsonl"], 2, "cannot read"),
        (["extract", "--batch", "a-dir"], 2, "cannot read"),
        (["extract", "page.html", "--batch", "x.jsonl"], 2, "either PATH or --batch"),
        (["crawl", "--config", "good.toml", "--db", "x.db", "nosuch"], 2, "unknown site"),
        (["status", "--config", "good.toml", "--db", "good.db", "nosuch"], 2, "unknown site"),
        (["articles", "--config", "good.toml", "--db", "good.db", "--site", "zz"], 2, "zz"),
        (["search", "x", "--config", "good.toml", "--db", "good.db", "--site", "zz"], 2, "zz"),
        (["search", '"open', "--db", "good.db"], 2, "not closed"),
        (["search", "a OR", "--db", "good.db"], 2, "search"),
        (["search", "x:y", "--db", "good.db"], 2, "unknown column"),
        (["search", "?!", "--db", "good.db"], 2, "no words"),
        (["search", "x", "--db", "good.db", "--since", "yesterday"], 2, "not a date"),
        (["articles", "--db", "good.db", "--until", "2025-13-45"], 2, "not a date"),
        (["run", "--config", "good.toml", "--cycles", "2"], 2, "--cycles needs --every"),
        (["run", "--every", "-5m"], 2, "--every"),
        (["run", "--every", "99999999h"], 2, "longer than a year"),
        (["run", "--every", "soon"], 2, "not a duration"),
        (["serve", "--config", "good.toml", "--db", "good.db", "--out", "missing"], 3, "export"),
        (
            [
                "serve",
                "--config",
                "good.toml",
                "--db",
                "good.db",
                "--out",
                "a-dir",
                "--host",
                "999.1.1.1",
            ],
            3,
            "cannot listen",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input_case(capsys, files, argv, status, message):
    got, err = run(capsys, argv)
    assert_one_line(got, err, status)
    assert message in err


@pytest.mark.parametrize(
    "url",
    ["www.example.org", "127.0.0.1:8765", "not-a-url", "ftp://example.org/", "http://",
     "javascript:alert(1)", "http://[::1", "http://x:99999/", "file:///etc/passwd", "//x.org/"],
)  # fmt: skip
def test_odd_urls_are_refused_before_any_request(capsys, url):
    status, err = run(capsys, ["discover", url])
    assert_one_line(status, err, 2)
    assert "URL" in err


def test_a_bare_host_gets_a_hint(capsys):
    _, err = run(capsys, ["discover", "www.example.org"])
    assert "did you mean https://www.example.org/" in err


# Signals: in a real process, since they are about processes.


def _start(*argv: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "newsspider.cli", *argv]
    return subprocess.Popen(command, cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stuck_fetch_stops_on_a_signal_with_one_line(tmp_path, sig):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        child = _start("discover", url, "--timeout", "120", cwd=tmp_path)
        time.sleep(1.5)
        child.send_signal(sig)
        _, err = child.communicate(timeout=30)
    expected = {signal.SIGTERM: (143, "terminated"), signal.SIGINT: (130, "interrupted")}[sig]
    assert (child.returncode, err.strip()) == (expected[0], f"newsspider: {expected[1]}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_servers_stop_cleanly_on_a_signal(files, sig):
    for argv in (["demo", "--serve", "--port", "0"],
                 ["serve", "--config", "good.toml", "--db", "good.db", "--out", "a-dir",
                  "--port", "0"]):  # fmt: skip
        child = _start(*argv, cwd=files)
        assert child.stdout is not None
        assert child.stdout.readline().strip()  # it says where it listens
        child.send_signal(sig)
        _, err = child.communicate(timeout=30)
        assert child.returncode in (0, 130, 143), (argv, err)  # stopped, or stopped at start
        assert "Traceback" not in err, err
