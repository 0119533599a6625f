"""`newsspider enqueue [SITE...]`: push the start requests of the due sites to the cluster."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from newsspider.commands import EXIT_OK, load_selected_config, seconds


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    enqueue = add(
        "enqueue",
        cmd_enqueue,
        "cluster: start a crawl round of the due sites, re-checks due in --db",
    )
    enqueue.add_argument("sites", nargs="*", metavar="SITE", help="sites (default: all)")
    enqueue.add_argument(
        "--wait",
        type=seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for an unreachable Redis before giving up with exit status 5 "
        "(default: 60)",
    )


def cmd_enqueue(args: argparse.Namespace) -> int:
    from newsspider.browser import refuse_in_cluster
    from newsspider.cluster import require_cluster, stopping
    from newsspider.cluster.enqueue import enqueue_sites

    config = load_selected_config(args)
    options = require_cluster(config)
    sites = config.select(args.sites)
    refuse_in_cluster(config.path, sites)
    stopping.install(stopping.raise_stopped)
    try:
        results = enqueue_sites(options, sites, args.db, max_wait=args.wait)
    except stopping.Stopped as stop:
        print(f"newsspider: enqueue stopped by {stop}", file=sys.stderr)
        return stop.exit_status
    for result in results:
        if result.reclaimed:
            print(f"{result.site}: {result.reclaimed} requests of a stopped worker re-queued")
        if result.due:
            if not args.quiet:
                rechecks = f", {result.rechecks} re-checks" if result.rechecks else ""
                print(f"{result.site}: {result.pushed} start requests queued{rechecks}")
        elif not args.quiet:
            print(
                f"{result.site}: not due, round still running "
                f"({result.queued} queued, {result.in_flight} in flight)"
            )
    return EXIT_OK
