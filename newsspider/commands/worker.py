"""`newsspider worker [SITE...]`: crawl from the shared queue and push articles to Redis."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from newsspider.commands import EXIT_OK, load_selected_config, log_level, positive_int

_ROW = "{:<24} {:>8} {:>8} {:>8} {:>9} {:>6}"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    worker = add("worker", cmd_worker, "cluster: crawl from the shared queue (writes nothing)")
    worker.add_argument("sites", nargs="*", metavar="SITE", help="sites (default: all)")
    worker.add_argument(
        "--concurrency",
        type=positive_int,
        default=16,
        help="requests this worker handles at once, over all sites (default: 16)",
    )
    worker.add_argument(
        "--exit-when-idle",
        action="store_true",
        help="stop once no site has queued or in-flight requests (default: wait for more)",
    )


def cmd_worker(args: argparse.Namespace) -> int:
    from newsspider.browser import refuse_in_cluster
    from newsspider.cluster import require_cluster
    from newsspider.cluster.worker import run_worker

    config = load_selected_config(args)
    options = require_cluster(config)
    sites = config.select(args.sites)
    refuse_in_cluster(config.path, sites)
    results = run_worker(
        config,
        options,
        sites,
        exit_when_idle=args.exit_when_idle,
        concurrency=args.concurrency,
        log_level=log_level(args),
    )
    if not args.quiet:
        print(_ROW.format("site", "requests", "articles", "known", "reclaimed", "errors"))
        for r in results:
            print(
                _ROW.format(r.site, r.requests, r.articles, r.known_skipped, r.reclaimed, r.errors)
            )
    return EXIT_OK
