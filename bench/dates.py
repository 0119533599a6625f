"""Date parsing speed: newsspider's parser against dateparser alone, per form, in one run.

    python bench/dates.py [--number 2000]

Prints microseconds per call for each form and the speed-up over dateparser.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from datetime import UTC, datetime

import dateparser

from newsspider.extract.dates import parse_date

NOW = datetime(2025, 10, 28, tzinfo=UTC)
FORMS = {
    "portal": "Publish Date : 10/27/2025 7:52:21 AM",
    "iso": "2025-10-27T07:52:21+03:30",
    "rfc822": "Mon, 27 Oct 2025 04:22:21 +0000",
    "named": "27 October 2025",
    "jalali": "۵ آبان ۱۴۰۴ - ۰۷:۵۲",
    "relative": "2 hours ago",
}
DATEPARSER_SETTINGS = {"TIMEZONE": "Asia/Tehran", "RETURN_AS_TIMEZONE_AWARE": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()
    print(f"{'form':<10} {'ours µs':>9} {'dateparser µs':>14} {'speed-up':>9}")
    for name, text in FORMS.items():
        ours = _per_call(lambda t=text: parse_date(t, timezone="Asia/Tehran", now=NOW), args.number)
        theirs = _per_call(
            lambda t=text: dateparser.parse(t, settings=DATEPARSER_SETTINGS), args.number // 20 or 1
        )
        print(f"{name:<10} {ours:>9.1f} {theirs:>14.1f} {theirs / ours:>8.0f}x")


def _per_call(call: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=3)) / number * 1e6


if __name__ == "__main__":
    main()
