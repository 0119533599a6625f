"""`newsspider demo`: the full cycle against the bundled demo site on 127.0.0.1."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newsspider.commands import port_number
from newsspider.commands.crawl import crawl_options, print_results
from newsspider.commands.export import export
from newsspider.config import load_config
from newsspider.errors import OutputError

if TYPE_CHECKING:
    from newsspider.demo.server import DemoServer

# The three English markups and the Persian one.
SECTIONS = ("alpha", "beta", "gamma", "fa")
# The port newsspider/sites.toml points at.
BUNDLED_PORT = 8765


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    demo = add("demo", cmd_demo, "serve the bundled demo site on 127.0.0.1 and run the full cycle")
    demo.add_argument(
        "--dir",
        default="demo-out",
        help="where the demo database and feeds go (default: ./demo-out)",
    )
    demo.add_argument(
        "--port", type=port_number, default=0, help="demo server port (default: a free one)"
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help=f"only serve the demo site (default port {BUNDLED_PORT}, as in the bundled config) "
        "until Ctrl-C",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from newsspider.demo.config import demo_config_toml
    from newsspider.usecases import crawl

    if args.serve:
        return serve_only(args.port or BUNDLED_PORT)

    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "demo.toml"
    db = str(workdir / "newsspider.db")
    out = str(workdir / "feeds")
    with _listening(args.port) as server:
        print(f"demo site: {server.base_url}/")
        config_path.write_text(
            demo_config_toml(server.base_url, sections=SECTIONS), encoding="utf-8"
        )
        config = load_config(config_path)
        results = crawl(config, [], db, crawl_options(args))
        status = print_results(results, db, quiet=args.quiet)
        export(config, db, out, None, quiet=args.quiet)
    query = "select site, news_id, published, title from articles order by published desc limit 5"
    print(f"config:   {config_path.resolve()}")
    print(f"open:     {Path(out).resolve() / 'index.html'}")
    print(f"query:    sqlite3 {db} '{query}'")
    return status


def serve_only(port: int) -> int:
    with _listening(port) as server:
        print(f"demo site: {server.base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")
    return 0


def _listening(port: int) -> DemoServer:
    """The demo server on 127.0.0.1:`port`, or a one-line error when the port is taken."""
    from newsspider.demo.server import DemoServer

    try:
        return DemoServer(port=port)
    except OSError as exc:
        raise OutputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
