"""The configuration examples of docs/operations.md are valid and mean what the text says."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from newsspider.config import parse_config

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def _toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_recheck_example_parses():
    (block,) = [b for b in _toml_blocks() if "recheck" in b]
    sites = parse_config(tomllib.loads(block), "operations.md").sites
    site = sites["slow_ministry"]
    assert site.recheck == (7200, 2 * 86400)
    assert (site.stop_after_known_pages, site.schedule) == (2, "1h")
