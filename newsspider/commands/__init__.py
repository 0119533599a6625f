"""Subcommands of the `newsspider` CLI, one module each, plus the helpers they share."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from newsspider.config import LOCAL_CONFIG, Config, load_config

# Registration order is the order `newsspider --help` lists them in.
COMMAND_MODULES = (
    "crawl",
    "export",
    "serve",
    "demo",
    "discover",
    "check_site",
    "extract",
    "enqueue",
    "worker",
    "ingest",
    "status",
    "search",
    "articles",
)
DEFAULT_DB = "newsspider.db"
DEFAULT_OUT = "feeds-out"
EXIT_OK = 0
EXIT_SITE_FAILED = 1

Handler = Callable[[argparse.Namespace], int]  # a subcommand: args -> exit status


def load_selected_config(args: argparse.Namespace) -> Config:
    """The --config file, else ./newsspider.toml, else the bundled example."""
    if args.config:
        return load_config(args.config)
    return load_config(LOCAL_CONFIG if LOCAL_CONFIG.exists() else None)


def log_level(args: argparse.Namespace) -> str:
    """Scrapy's log: warnings by default, -v info, -vv debug, -q errors only."""
    if args.quiet:
        return "ERROR"
    return ("WARNING", "INFO", "DEBUG")[min(args.verbose, 2)]


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"feed directory (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument(
        "--limit", type=positive_int, help="articles per feed (default: [feeds] limit, 50)"
    )


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 (any free one) to 65535."""
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, got {value}")
    return value
