"""The `newsspider` command: parses options, calls the library, maps errors to exit codes.

Exit statuses: 0 success; 1 a site failed; 2 bad configuration or usage;
3 database or output error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from newsspider import __version__
from newsspider.config import Config, load_config
from newsspider.errors import NewsspiderError

EXIT_OK = 0
EXIT_SITE_FAILED = 1
EXIT_INTERRUPTED = 130
DEFAULT_DB = "newsspider.db"
DEFAULT_OUT = "feeds-out"
_ROW = "{:<24} {:<7} {:>8} {:>5} {:>7} {:>9} {:>7} {:>6}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
        return status
    except NewsspiderError as exc:
        print(f"newsspider: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("newsspider: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="site definitions (TOML); default: ./newsspider.toml, else the bundled example",
    )
    common.add_argument(
        "--db",
        metavar="PATH",
        default=DEFAULT_DB,
        help=f"SQLite database (default: ./{DEFAULT_DB})",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    common.add_argument("-q", "--quiet", action="store_true", help="show warnings and errors only")

    parser = argparse.ArgumentParser(
        prog="newsspider", description="Crawl news sites into SQLite and publish feeds."
    )
    parser.add_argument("--version", action="version", version=f"newsspider {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    crawl = add("crawl", cmd_crawl, "crawl sites into the database")
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all)")
    export = add("export", cmd_export, "write RSS and Atom feeds from the database")
    _add_out(export)
    run = add("run", cmd_run, "crawl every site, then export (the command for cron)")
    run.add_argument("sites", nargs="*", metavar="SITE", help="sites to crawl (default: all)")
    _add_out(run)
    demo = add(
        "demo", cmd_demo, "serve the bundled demo site on 127.0.0.1 and run the full cycle on it"
    )
    demo.add_argument(
        "--dir",
        default="demo-out",
        help="where the demo database and feeds go (default: ./demo-out)",
    )
    demo.add_argument("--port", type=int, default=0, help="demo server port (default: a free one)")
    return parser


def _add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"feed directory (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument("--limit", type=int, help="articles per feed (default: [feeds] limit, 50)")


def _log_level(args: argparse.Namespace) -> str:
    return "DEBUG" if args.verbose else "WARNING" if args.quiet else "INFO"


def _config(args: argparse.Namespace) -> Config:
    from newsspider.spiderloader import LOCAL_CONFIG

    if args.config:
        return load_config(args.config)
    return load_config(LOCAL_CONFIG if LOCAL_CONFIG.exists() else None)


def cmd_crawl(args: argparse.Namespace) -> int:
    config = _config(args)
    return _crawl(config, args.sites, args.db, args)


def _crawl(config: Config, site_names: list[str], db: str, args: argparse.Namespace) -> int:
    from newsspider.crawl import crawl_sites

    sites = config.select(site_names)
    results = crawl_sites(config, sites, db, log_level=_log_level(args))
    if not args.quiet or not all(r.ok for r in results):
        print(
            _ROW.format(
                "site", "status", "requests", "new", "updated", "unchanged", "dropped", "errors"
            )
        )
        for r in results:
            print(
                _ROW.format(
                    r.site, r.status, r.requests, r.new, r.updated, r.unchanged, r.dropped, r.errors
                )
            )
        print(f"database: {Path(db).resolve()}")
    failed = [r.site for r in results if not r.ok]
    if failed:
        print(
            f"newsspider: site(s) failed: {', '.join(failed)} (see crawl_runs and the log above)",
            file=sys.stderr,
        )
        return EXIT_SITE_FAILED
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    return _export(_config(args), args.db, args.out, args.limit, quiet=args.quiet)


def _export(config: Config, db: str, out: str, limit: int | None, *, quiet: bool) -> int:
    from feeds import export_feeds

    report = export_feeds(db, out, config, limit=limit)
    if not quiet:
        print(report.summary())
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    crawl_status = _crawl(config, args.sites, args.db, args)
    _export(config, args.db, args.out, args.limit, quiet=args.quiet)
    return crawl_status


def cmd_demo(args: argparse.Namespace) -> int:
    from newsspider.config import load_config
    from newsspider.demo.config import demo_config_toml
    from newsspider.demo.server import DemoServer

    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "demo.toml"
    db = str(workdir / "newsspider.db")
    out = str(workdir / "feeds")
    with DemoServer(port=args.port) as server:
        print(f"demo site: {server.base_url}/")
        config_path.write_text(demo_config_toml(server.base_url), encoding="utf-8")
        config = load_config(config_path)
        status = _crawl(config, [], db, args)
        _export(config, db, out, None, quiet=args.quiet)
    print(f"config:   {config_path.resolve()}")
    print(f"feeds:    {Path(out).resolve()}")
    query = "select site, news_id, published, title from articles order by published desc limit 5"
    print(f"try:      sqlite3 {db} '{query}'")
    return status
