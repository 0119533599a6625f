"""`newsspider extract`: the extraction chain on saved pages, as JSON.

For a user debugging a site (`extract page.html --url URL --site NAME`) and for
benchmarks (`extract --batch pages.jsonl`: one JSON line per input line, in
order, pages spread over `--jobs` worker processes). A page that cannot be read
yields a line with `error` and the batch goes on. No Scrapy here: only
`newsspider.extract`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import py3langid

from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config
from newsspider.config import SiteConfig
from newsspider.errors import UsageError
from newsspider.extract.chain import extract_page
from newsspider.extract.dates import parse_date, to_iso_local, to_iso_utc
from newsspider.extract.encoding import decode_html

OUTPUT_FIELDS = (
    "url",
    "news_id",
    "title",
    "published",
    "published_local",
    "published_raw",
    "authors",
    "language",
    "summary",
    "source",
    "canonical_url",
    "categories",
    "tags",
    "images",
    "body_text",
    "extracted_by",
)


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    command = add("extract", cmd_extract, "run the extraction chain on saved pages; print JSON")
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
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes for --batch (default: the number of cores)",
    )


def cmd_extract(args: argparse.Namespace) -> int:
    if bool(args.path) == bool(args.batch):
        raise UsageError("extract: give either PATH or --batch LIST.jsonl")
    if args.jobs < 1:
        raise UsageError("extract: --jobs must be at least 1")
    site = load_selected_config(args).select([args.site])[0] if args.site else None
    now = datetime.now(UTC)
    if args.path:
        result = extract_file(args.path, args.url or Path(args.path).resolve().as_uri(), site, now)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_SITE_FAILED if "error" in result else EXIT_OK
    try:
        lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"extract: cannot read {args.batch}: {exc}") from None
    out = sys.stdout
    for result in extract_batch(lines, site, now, jobs=args.jobs):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return EXIT_OK


def extract_batch(
    lines: list[str], site: SiteConfig | None, now: datetime, *, jobs: int = 1
) -> Iterator[dict[str, Any]]:
    """One result per non-blank line, in order; a bad line gives `{"path", "error"}`.

    With jobs > 1 the pages are extracted in that many worker processes."""
    entries = [_entry(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    work = partial(_extract_entry, site=site, now=now)
    if jobs == 1 or len(entries) < 2:
        yield from map(work, entries)
        return
    py3langid.classify("")  # load the language model once; forked workers share it
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, len(entries)), mp_context=fork) as pool:
        yield from pool.map(work, entries, chunksize=4)


def _entry(number: int, line: str) -> tuple[str, str] | dict[str, Any]:
    """(path, url) of one batch line, or the error line to print for it."""
    try:
        entry = json.loads(line)
        path, url = entry["path"], entry.get("url") or Path(entry["path"]).resolve().as_uri()
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"path": None, "line": number, "error": "not a JSON object with a 'path'"}
    if not isinstance(path, str) or not isinstance(url, str):
        return {"path": None, "line": number, "error": "'path' and 'url' must be strings"}
    return path, url


def _extract_entry(
    entry: tuple[str, str] | dict[str, Any], *, site: SiteConfig | None, now: datetime
) -> dict[str, Any]:
    return entry if isinstance(entry, dict) else extract_file(*entry, site, now)


def extract_file(path: str, url: str, site: SiteConfig | None, now: datetime) -> dict[str, Any]:
    """The chain's fields for one saved page, or `{"path", "error"}` when it cannot be read."""
    try:
        data = _read(path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return {"path": path, "url": url, "error": f"cannot read: {exc}"}
    html = decode_html(data)
    if "<" not in html:
        return {"path": path, "url": url, "error": "not an HTML page (empty or plain text)"}
    try:
        return {"path": path, **extract_fields(html, url, site, now)}
    except Exception as exc:  # one bad page must not stop a batch
        return {"path": path, "url": url, "error": f"cannot extract: {type(exc).__name__}: {exc}"}


def extract_fields(html: str, url: str, site: SiteConfig | None, now: datetime) -> dict[str, Any]:
    """What a crawl would store for this page: chain fields, news ID, UTC date, and the
    date as published (the page's own offset, else the site's zone)."""
    fields = extract_page(html, url, site)
    zone = site.timezone if site else "UTC"
    raw = fields.get("published_raw")
    moment = parse_date(raw, timezone=zone, now=now, dayfirst=site.dayfirst if site else False)
    fields["published"] = to_iso_utc(moment) if moment else None
    fields["published_local"] = to_iso_local(moment, raw, zone) if moment else None
    fields["url"] = url
    return {name: fields.get(name) for name in OUTPUT_FIELDS}


def _read(path: str) -> bytes:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        return gzip.decompress(data)
    return data
