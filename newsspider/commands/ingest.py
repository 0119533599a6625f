"""`newsspider ingest`: the single writer, from the cluster's item queue into SQLite and feeds."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from newsspider.commands import EXIT_OK, add_output_options, load_selected_config, log_level
from newsspider.commands.export import export


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    ingest = add("ingest", cmd_ingest, "cluster: store the workers' articles, export feeds")
    add_output_options(ingest)
    ingest.add_argument(
        "--exit-when-idle",
        action="store_true",
        help="stop once nothing is queued, in flight or waiting (default: run until stopped)",
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from newsspider.cluster import require_cluster, stopping
    from newsspider.cluster.ingest import Ingester, open_database

    logging.basicConfig(
        level=log_level(args), format="%(asctime)s %(name)s %(levelname)s: %(message)s"
    )
    config = load_selected_config(args)
    options = require_cluster(config)
    open_database(args.db)

    def export_feeds(changed: int) -> None:
        export(config, args.db, args.out, args.limit, quiet=args.quiet)

    stopping.install(stopping.raise_stopped)
    try:
        outcomes = Ingester(config, options, args.db).run(
            exit_when_idle=args.exit_when_idle, on_idle=export_feeds
        )
    except stopping.Stopped as stop:
        print(f"newsspider: ingest stopped by {stop}", file=sys.stderr)
        return stop.exit_status
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        print(f"ingest: {counts or 'no articles'}")
    return EXIT_OK
