"""`newsspider demo`: the full cycle against the bundled demo site on 127.0.0.1.

The site listens on a fixed port (8765, the one the bundled config names), so a re-run
re-crawls the same addresses, and the feeds' links work again whenever
`newsspider demo --serve` serves the site and, under /feeds/, the feeds.
"""

from __future__ import annotations

import argparse
import errno
import threading
import tomllib
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
FEEDS_PATH = "/feeds/"  # where `demo --serve` publishes DIR/feeds beside the site


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    demo = add(
        "demo",
        cmd_demo,
        "serve the bundled demo site on 127.0.0.1 and run the full cycle",
        options=("verbosity",),
    )
    demo.add_argument(
        "--dir",
        default="demo-out",
        help="where the demo database, config and feeds go (default: ./demo-out)",
    )
    demo.add_argument("--db", metavar="PATH", help="the demo database (default: DIR/newsspider.db)")
    demo.add_argument(
        "--config", metavar="PATH", help="where to write the demo's sites (default: DIR/demo.toml)"
    )
    demo.add_argument(
        "--port",
        type=port_number,
        default=BUNDLED_PORT,
        help=f"demo site port (default: {BUNDLED_PORT}, as in the bundled config; 0: a free one)",
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help=f"only serve the demo site, and DIR/feeds under {FEEDS_PATH}, until Ctrl-C",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from newsspider.usecases import crawl

    workdir = Path(args.dir)
    if args.serve:
        return serve_only(args.port, workdir / "feeds")
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{workdir}: cannot create the demo directory: {exc.strerror}") from None
    config_path = Path(args.config) if args.config else workdir / "demo.toml"
    db = args.db or str(workdir / "newsspider.db")
    out = str(workdir / "feeds")
    with _listening(args.port) as server:
        if not args.quiet:
            print(f"demo site: {server.base_url}/")
        _forget_other_port(config_path, Path(db), server.base_url)
        _write(config_path, demo_toml(server.base_url))
        config = load_config(config_path)
        results = crawl(config, [], db, crawl_options(args))
        status = print_results(results, db, quiet=args.quiet)
        export(config, db, out, None, quiet=args.quiet)
        port = server.port
    if not args.quiet:
        _print_where(workdir, config_path, db, out, port)
    return status


def _print_where(workdir: Path, config_path: Path, db: str, out: str, port: int) -> None:
    """Where everything is, and the command that serves the site and feeds on this port again."""
    query = "select site, news_id, published, title from articles order by published desc limit 5"
    serve = f"newsspider demo --serve --dir {workdir}"
    if port != BUNDLED_PORT:
        serve += f" --port {port}"  # the port the feeds' links name
    print(f"config:   {config_path.resolve()}")
    print(f"open:     {Path(out).resolve() / 'index.html'}")
    print(f"query:    sqlite3 {db} '{query}'")
    print(f"serve:    {serve}   (then http://127.0.0.1:{port}{FEEDS_PATH})")


def demo_toml(base_url: str) -> str:
    """The demo's sites, and feeds whose own links point where `demo --serve` publishes them."""
    from newsspider.demo.config import demo_config_toml

    feeds = f'[feeds]\nbase_url = "{base_url}{FEEDS_PATH}"\ntitle = "newsspider demo"\n\n'
    return feeds + demo_config_toml(base_url, sections=SECTIONS)


def _forget_other_port(config_path: Path, db: Path, base_url: str) -> None:
    """A database crawled from another port holds addresses that are gone: start afresh."""
    try:
        sites = tomllib.loads(config_path.read_text(encoding="utf-8"))["sites"]
        previous = next(iter(sites.values()))["start_urls"][0]
    except (OSError, ValueError, KeyError, TypeError, IndexError, StopIteration):
        return
    if previous.startswith(base_url + "/") or not db.exists():
        return
    print(f"demo: {db} was crawled from another port; starting a fresh database")
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the demo config: {exc.strerror}") from None


def serve_only(port: int, feeds: Path) -> int:
    with _listening(port, feeds) as server:
        print(f"demo site: {server.base_url}/ (Ctrl-C to stop)", flush=True)
        if feeds.is_dir():
            print(f"feeds:     {server.base_url}{FEEDS_PATH}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")
    return 0


def _listening(port: int, feeds: Path | None = None) -> DemoServer:
    """The demo server on 127.0.0.1:`port`, or a one-line error when the port is taken."""
    from newsspider.demo.server import DemoServer

    try:
        return DemoServer(port=port, files=feeds)
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = " (another demo running? stop it, or choose a port with --port N, 0 for any)"
        raise OutputError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}{hint}"
        ) from None
