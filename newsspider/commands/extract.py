"""`newsspider extract`: the extraction chain on saved pages, as JSON.

For a user debugging a site (`extract page.html --url URL --site NAME`) and for
benchmarks (`extract --batch pages.jsonl`: one JSON line per input line, in
order, pages spread over `--jobs` worker processes). A page that cannot be read
yields a line with `error` and the batch goes on. The fields are what a crawl
would store (`newsspider.pages`); a page a crawl would drop says why in
`dropped`. No Scrapy here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config, positive_int
from newsspider.errors import UsageError


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    command = add(
        "extract",
        cmd_extract,
        "run the extraction chain on saved pages; print JSON",
        options=("config",),
    )
    command.add_argument("path", nargs="?", metavar="PATH", help="a saved page (.html, .html.gz)")
    command.add_argument("--url", help="the page's address (for relative links and URL dates)")
    command.add_argument("--site", help="use this configured site's selectors, kind and zone")
    command.add_argument(
        "--batch",
        metavar="LIST.jsonl",
        help='read lines {"path": ..., "url": ...}; print one JSON line per input line',
    )
    command.add_argument(
        "--jobs",
        type=positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes for --batch (default: the number of cores)",
    )


def cmd_extract(args: argparse.Namespace) -> int:
    if bool(args.path) == bool(args.batch):
        raise UsageError("extract: give either PATH or --batch LIST.jsonl")
    from newsspider.pages import extract_batch, extract_file  # the extraction stack

    site = load_selected_config(args).select([args.site])[0] if args.site else None
    now = datetime.now(UTC)
    if args.path:
        result = extract_file(args.path, args.url or Path(args.path).resolve().as_uri(), site, now)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        if "error" in result:
            print(f"newsspider: error: {args.path}: {result['error']}", file=sys.stderr)
            return EXIT_SITE_FAILED
        return EXIT_OK
    try:
        lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"extract: cannot read {args.batch}: {exc}") from None
    out = sys.stdout
    for result in extract_batch(lines, site, now, jobs=args.jobs):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return EXIT_OK
