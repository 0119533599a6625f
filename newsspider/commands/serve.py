"""`newsspider serve`: serve the feed directory to feed readers (conditional GET, filters)."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from newsspider.commands import (
    DEFAULT_OUT,
    EXIT_OK,
    load_selected_config,
    log_level,
    port_number,
)
from newsspider.errors import OutputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    serve = add("serve", cmd_serve, "serve the exported feeds over HTTP (with 304s and filters)")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address (default: {DEFAULT_HOST})")
    serve.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--out",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"feed directory (default: ./{DEFAULT_OUT})",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from newsspider import outputs

    config = load_selected_config(args)
    if not Path(args.out).is_dir():
        raise OutputError(f"{args.out}: no feed directory (run `newsspider export` first)")
    logging.basicConfig(level=log_level(args), format="%(asctime)s %(name)s %(message)s")
    try:
        server = outputs.load().make_server(args.out, args.db, config, args.host, args.port)
    except OSError as exc:
        raise OutputError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    print(f"serving {Path(args.out).resolve()} at {server.url} (Ctrl-C stops)", flush=True)
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return EXIT_OK
