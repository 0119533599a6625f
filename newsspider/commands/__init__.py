"""Subcommands of the `newsspider` CLI, one module each, plus the helpers they share."""

from __future__ import annotations

import argparse
import re
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
# The shared options a command takes unless it names fewer (see newsspider.cli).
COMMON_OPTIONS = ("config", "db", "verbosity")
DEFAULT_DB = "newsspider.db"
DEFAULT_OUT = "feeds-out"
MAX_COUNT = 2**31 - 1  # the largest --limit, --cycles, --concurrency accepted
MAX_PROCESSES = 256  # the most --jobs: each is a process with its own parser and models
MAX_SECONDS = 86400  # the longest --delay or --timeout accepted
_BARE_HOST = re.compile(r"[\w-]+(\.[\w-]+)+(:\d+)?/?", re.ASCII)  # www.example.org, 10.0.0.5:80
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


def _integer_in(text: str, low: int, high: int) -> int:
    value = _integer(text)
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    if value > high:
        raise argparse.ArgumentTypeError(f"must be at most {high}, got {text.strip()}")
    return value


def positive_int(text: str) -> int:
    """A count for argparse: 1 to MAX_COUNT (SQLite's LIMIT holds 64-bit integers only)."""
    return _integer_in(text, 1, MAX_COUNT)


def process_count(text: str) -> int:
    """A number of worker processes for argparse: 1 to MAX_PROCESSES."""
    return _integer_in(text, 1, MAX_PROCESSES)


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 (any free one) to 65535."""
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, got {text.strip()}")
    return value


def seconds(text: str) -> float:
    """A pause in seconds for argparse: a finite number, 0 or more, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= MAX_SECONDS:  # also false for NaN
        raise argparse.ArgumentTypeError(f"must be 0-{MAX_SECONDS} seconds, got {text.strip()}")
    return value


def timeout_seconds(text: str) -> float:
    """A timeout in seconds for argparse: like `seconds`, but more than 0."""
    value = seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a timeout must be more than 0 seconds")
    return value


def http_url(text: str) -> str:
    """An absolute http(s) URL for argparse; a bare host gets a hint, not a guess."""
    from urllib.parse import urlsplit

    url = text.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid URL: {exc}") from None
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    hint = f" (did you mean https://{url.rstrip('/')}/ ?)" if _BARE_HOST.fullmatch(url) else ""
    raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL{hint}")


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
