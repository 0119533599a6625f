"""Help and docs cannot drift: docs/cli.md is `--help` itself, and every command line or
option the README and docs/*.md name exists in the parser."""

from __future__ import annotations

import argparse
import re

import pytest

from newsspider.cli import build_parser
from newsspider.clidoc import _subcommands, render_reference
from tests.cli.docs import ROOT, doc_files, shell_commands

REFERENCE = ROOT / "docs" / "cli.md"
# `newsspider CMD [--opt ...]` in prose, tables and code (a following option list included).
_INLINE = re.compile(r"`(?:\.venv/bin/)?newsspider ([a-z-]+)((?: [^`]*)?)`")


def test_cli_reference_is_generated_from_the_parser():
    assert REFERENCE.read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is out of date: run `make docs`"
    )


def _mentions() -> list[tuple[str, str, str]]:
    """(file, command, the rest of its line) of inline `newsspider ...` code and code blocks."""
    found = []
    for path in doc_files():
        for command, rest in _INLINE.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, command, rest))
    for doc, line in shell_commands():
        words = line.split()
        if words[0].endswith("newsspider") and len(words) > 1:
            found.append((doc, words[1], " ".join(words[2:])))
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


@pytest.mark.parametrize(("doc", "command", "rest"), _mentions())
def test_every_documented_command_and_option_exists(doc, command, rest):
    commands = _subcommands(build_parser())
    if command.startswith("-"):  # `newsspider --help`
        return
    assert command in commands, f"{doc}: `newsspider {command}` is not a command"
    words = re.findall(r"(?<![\w-])--?[a-z][a-z-]*", rest.replace("|", " "))
    unknown = [w for w in words if w not in _options(commands[command])]
    assert not unknown, f"{doc}: `newsspider {command}` has no option {unknown}"


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in _subcommands(build_parser()):
        assert f"`newsspider {name}" in readme, name


def test_mentions_are_found():
    """The scan itself works: it sees the README's command table."""
    assert {"crawl", "run", "search", "demo", "discover"} <= {m[1] for m in _mentions()}
