"""`newsspider search QUERY`: full-text search, best match first, in four output formats."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from newsspider.commands import EXIT_OK, positive_int

FORMATS = ("table", "json", "csv", "ndjson")
BOLD = ("\x1b[1m", "\x1b[0m")
PLAIN = ("[", "]")
_TITLE_WIDTH = 70


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    search = add("search", cmd_search, "full-text search of the stored articles (bm25 ranking)")
    search.add_argument("query", help="words that must all occur (any order, any case)")
    add_filter_options(search)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument(
        "--since", metavar="DATE", help="published on or after (YYYY-MM-DD[THH:MM])"
    )
    parser.add_argument(
        "--until", metavar="DATE", help="published on or before (YYYY-MM-DD[THH:MM])"
    )
    parser.add_argument("--lang", metavar="CODE", help="only this language, e.g. en, fa")
    parser.add_argument("--source", metavar="NAME", help="only this source agency, e.g. IRNA")
    parser.add_argument("--limit", type=positive_int, default=20, help="rows (default: 20)")
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output (default: table)"
    )


def filters_of(args: argparse.Namespace) -> Any:
    from newsspider.db.read import Filters

    return Filters(tuple(args.site), args.since, args.until, args.lang, args.source)


def cmd_search(args: argparse.Namespace) -> int:
    from newsspider.db.read import open_readonly, search

    highlight = BOLD if args.format == "table" and sys.stdout.isatty() else PLAIN
    conn = open_readonly(args.db)
    try:
        rows = search(conn, args.query, filters_of(args), args.limit, highlight)
    finally:
        conn.close()
    print_rows(rows, args.format, detail="snippet")
    return EXIT_OK


def print_rows(rows: Sequence[dict[str, Any]], fmt: str, detail: str | None = None) -> None:
    """Rows as an aligned table (with `detail` on its own line), JSON, CSV or NDJSON."""
    out = sys.stdout
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "ndjson":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    else:
        _print_table(rows, detail)


def _print_table(rows: Sequence[dict[str, Any]], detail: str | None) -> None:
    if not rows:
        print("no articles", file=sys.stderr)
        return
    width = max(len(str(r["site"])) for r in rows)
    for row in rows:
        when = (row.get("published") or "")[:16].replace("T", " ") or "(no date)".ljust(16)
        title = str(row.get("title") or "")
        title = title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1] + "…"
        print(f"{when}  {row['site']:<{width}}  {row['news_id']:>10}  {title}")
        if detail and row.get(detail):
            print(f"{'':16}  {row[detail]}")
