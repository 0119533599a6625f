"""`newsspider articles`: the stored articles newest first, with the filters of `search`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from newsspider.commands import EXIT_OK
from newsspider.commands.search import add_filter_options, filters_of, print_rows


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    articles = add("articles", cmd_articles, "list stored articles, newest first")
    add_filter_options(articles)


def cmd_articles(args: argparse.Namespace) -> int:
    from newsspider.db.read import newest, open_readonly

    conn = open_readonly(args.db)
    try:
        rows = newest(conn, filters_of(args), args.limit)
    finally:
        conn.close()
    print_rows(rows, args.format)
    return EXIT_OK
