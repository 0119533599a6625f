"""The `newsspider` command: parses options, calls the library, maps errors to exit codes.

Each subcommand lives in `newsspider.commands.<name>` with a `register(add)`
function; this module only builds the parser and turns named errors into a
one-line message and an exit status (listed in EXIT_STATUSES, shown by --help).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from newsspider import __version__
from newsspider.commands import COMMAND_MODULES, COMMON_OPTIONS, DEFAULT_DB, Handler
from newsspider.errors import NewsspiderError, Terminated

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away
EXIT_STATUSES = """exit statuses:
  0    success
  1    a site failed or is unhealthy
  2    bad configuration, usage or unknown site
  3    database or output error
  4    another run holds the database's lock
  5    cluster: Redis stayed unreachable (`enqueue --wait`)
  130  interrupted (SIGINT, Ctrl-C)
  143  terminated (SIGTERM)
  141  the reader of the output went away (e.g. `| head`)

Start with `newsspider demo`; docs: README.md and docs/ in the repository."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if in_main_thread else None
    try:
        status: int = args.handler(args)
        return status
    except NewsspiderError as exc:
        print(f"newsspider: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except Terminated:
        print("newsspider: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("newsspider: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminated(signum: int, frame: object) -> None:
    raise Terminated  # a crawl's own handlers (Scrapy's) take over while it runs


def silence_stdout() -> None:
    """The reader (`| head`) left: point stdout at /dev/null so the exit flush cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def build_parser() -> argparse.ArgumentParser:
    parents = _common_options()
    parser = OneLineParser(
        prog="newsspider",
        description="Crawl news sites into SQLite and publish feeds.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsspider {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Handler, help_text: str, options: Sequence[str] = COMMON_OPTIONS
    ) -> argparse.ArgumentParser:
        """A subcommand with the common `options` it uses (config, db, verbosity)."""
        sub = subparsers.add_parser(
            name, parents=[parents[o] for o in options], help=help_text, description=help_text
        )
        sub.set_defaults(handler=handler)
        return sub

    for module_name in COMMAND_MODULES:
        importlib.import_module(f"newsspider.commands.{module_name}").register(add)
    return parser


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (status 2); `--help` shows the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _common_options() -> dict[str, OneLineParser]:
    """The options most commands share, as parent parsers a command picks from."""
    config = OneLineParser(add_help=False)
    config.add_argument(
        "--config",
        metavar="PATH",
        help="site definitions (TOML); default: ./newsspider.toml, else the bundled example",
    )
    db = OneLineParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="PATH",
        default=DEFAULT_DB,
        help=f"SQLite database (default: ./{DEFAULT_DB})",
    )
    verbosity = OneLineParser(add_help=False)
    verbosity.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-v: info, -vv: debug)"
    )
    verbosity.add_argument(
        "-q", "--quiet", action="store_true", help="errors only; print nothing when all went well"
    )
    return {"config": config, "db": db, "verbosity": verbosity}


if __name__ == "__main__":
    sys.exit(main())
