"""The documentation's files and the shell command lines their code blocks show."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```(sh|cron|console)\n(.*?)```", re.S)
_CRON_TIMES = re.compile(r"^(\S+\s+){5}")  # `*/15 * * * *`
_PROGRAMS = ("newsspider", ".venv/bin/newsspider", "scrapy", "make")


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def shell_commands() -> list[tuple[str, str]]:
    """(file name, command line) of every command a code block shows, in document order.

    Comments and cron times are dropped, `cd DIR &&` too; console blocks (`$ cmd`, the
    generated reference) are not run. Lines of other programs (sqlite3, redis-server)
    are left to the tests of their own docs.
    """
    found = []
    for path in doc_files():
        for kind, block in _BLOCK.findall(path.read_text(encoding="utf-8")):
            if kind == "console":
                continue
            for raw in block.splitlines():
                line = raw.split("  #")[0].split(" # ")[0].strip()
                if kind == "cron" or line.startswith("*"):
                    line = _CRON_TIMES.sub("", line)
                line = re.sub(r"^cd \S+ && ", "", line)
                if line.split(" ")[0] in _PROGRAMS:
                    found.append((path.name, line))
    return found
