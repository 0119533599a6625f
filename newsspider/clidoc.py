"""The CLI reference (docs/cli.md), written from the argparse parser itself.

`python -m newsspider.clidoc > docs/cli.md` (or `make docs`) regenerates it;
tests/cli/test_reference.py fails when the file and `--help` disagree.
"""

from __future__ import annotations

import argparse
import os
import sys

from newsspider.cli import build_parser

WIDTH = "100"  # help is wrapped to this many columns, whatever the terminal
HEADER = """# Command-line reference

Generated from `newsspider --help` and each command's `--help` by
`python -m newsspider.clidoc > docs/cli.md` (`make docs`); a test fails when it is out of date.
Errors are one line on stderr; the exit statuses are listed under `newsspider --help`.
"""


def render_reference() -> str:
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = build_parser()
        parts = [HEADER, _block("newsspider --help", parser.format_help())]
        for name, sub in _subcommands(parser).items():
            parts.append(f"## {name}\n\n" + _block(f"newsspider {name} --help", sub.format_help()))
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return "\n".join(parts)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _block(command: str, text: str) -> str:
    return f"```console\n$ {command}\n{text.rstrip()}\n```\n"


if __name__ == "__main__":
    sys.stdout.write(render_reference())
