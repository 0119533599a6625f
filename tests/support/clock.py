"""Run the newsspider CLI at a chosen moment: `python -m tests.support.clock ISO-TIME ARGS...`.

The clock starts at ISO-TIME and runs on (time-machine, `tick=True`), so the crawl's
"now" (re-check schedules, first-seen times, robots.txt expiry) is the test's.
"""

from __future__ import annotations

import sys
from datetime import datetime

import time_machine


def main(argv: list[str]) -> int:
    moment = datetime.fromisoformat(argv[0].replace("Z", "+00:00"))
    from newsspider.cli import main as cli_main

    with time_machine.travel(moment, tick=True):
        return cli_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
