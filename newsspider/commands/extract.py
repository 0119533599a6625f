"""`newsspider extract`: the extraction chain on saved pages, as JSON.

For a user debugging a site (`extract page.html --url URL --site NAME`) and for
benchmarks (`extract --batch pages.jsonl`: one JSON line per input line, in
order, in one process). A page that cannot be read yields a line with `error`
and the batch goes on. The fields are what a crawl would store: the same chain,
then the crawl's own normalizing and validation (`newsspider.articles`); a page
a crawl would drop says why in `dropped`. No Scrapy here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsspider import articles
from newsspider.commands import EXIT_OK, EXIT_SITE_FAILED, load_selected_config
from newsspider.config import SiteConfig
from newsspider.errors import UsageError
from newsspider.extract.chain import extract_page
from newsspider.extract.encoding import decode_html

OUTPUT_FIELDS = (
    "url",
    "news_id",
    "title",
    "published",
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


def cmd_extract(args: argparse.Namespace) -> int:
    if bool(args.path) == bool(args.batch):
        raise UsageError("extract: give either PATH or --batch LIST.jsonl")
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
    for result in extract_batch(lines, site, now):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return EXIT_OK


def extract_batch(
    lines: list[str], site: SiteConfig | None, now: datetime
) -> Iterator[dict[str, Any]]:
    """One result per non-blank line, in order; a bad line gives `{"path", "error"}`."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            path, url = entry["path"], entry.get("url") or Path(entry["path"]).resolve().as_uri()
        except (ValueError, KeyError, TypeError, AttributeError):
            yield {"path": None, "line": number, "error": "not a JSON object with a 'path'"}
            continue
        if not isinstance(path, str) or not isinstance(url, str):
            error = "'path' and 'url' must be strings"
            yield {"path": None, "line": number, "error": error}
            continue
        yield extract_file(path, url, site, now)


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
    """What a crawl fetching this page at `now` would store: the chain's fields, normalized
    (clean text, UTC date, language code); `dropped` names why a crawl would not store it."""
    fields = extract_page(html, url, site)
    fields.update(url=url, fetched_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    articles.preview(fields, site)
    result = {name: fields.get(name) for name in OUTPUT_FIELDS}
    return result | ({"dropped": fields["dropped"]} if "dropped" in fields else {})


def _read(path: str) -> bytes:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        return gzip.decompress(data)
    return data
