"""Shared by the operations tests: the demo site, its config, and the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("alpha", "beta", "gamma")
PER_SECTION = 8


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "newsspider.cli", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def cli_at(moment: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI with its clock started at `moment` (ISO, UTC) by tests/support/clock.py."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.support.clock", moment, *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def write_config(server: DemoServer, path: Path, extra: str = "", **site_keys: Any) -> Path:
    """The demo config with `site_keys` added to every site and `extra` TOML appended."""
    text = demo_config_toml(server.base_url, sections=SECTIONS)
    kept = [line for line in text.splitlines() if line.split(" = ")[0] not in site_keys]
    lines = "".join(f"\n{key} = {json.dumps(value)}" for key, value in site_keys.items())
    text = "\n".join(kept).replace("max_pages = 5", "max_pages = 5" + lines) + "\n"
    path.write_text(text + extra, encoding="utf-8")
    return path


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(articles_per_section=PER_SECTION) as server:
        yield server
