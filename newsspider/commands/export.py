"""`newsspider export`: write the feeds from the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from newsspider.commands import EXIT_OK, add_output_options, load_selected_config
from newsspider.config import Config


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    add_output_options(add("export", cmd_export, "write RSS and Atom feeds from the database"))


def cmd_export(args: argparse.Namespace) -> int:
    return export(load_selected_config(args), args.db, args.out, args.limit, quiet=args.quiet)


def export(config: Config, db: str, out: str, limit: int | None, *, quiet: bool) -> int:
    from newsspider import outputs

    report = outputs.load().export(db, out, config, limit)
    for skipped in report.skipped:
        print(f"feed: skipped {skipped.site}/{skipped.news_id}: {skipped.reason}", file=sys.stderr)
    if not quiet:
        entries = ", ".join(f"{name} {count}" for name, count in report.entries.items())
        print(
            f"feeds: {len(report.written)} written, {len(report.unchanged)} unchanged "
            f"in {Path(out).resolve()} (entries: {entries})"
        )
    return EXIT_OK
