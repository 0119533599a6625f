"""SIGINT and SIGTERM for the cluster commands, obeyed even while Redis is down.

A command that is waiting for an unreachable Redis cannot do anything useful before it
stops (return its leases, release the ingest lock): it leaves at once with exit status
128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A worker's leases then expire
within `lease_timeout` and go back to the queue; the ingest lock expires likewise.
Otherwise the command stops cleanly: `install` calls `on_stop` for the first signal and
leaves at once on the second.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

from newsspider.cluster.connection import waiting_for_redis

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """Raised by `raise_stopped`: the command was asked to stop by `signum`."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return exit_status(self.signum)


def exit_status(signum: int) -> int:
    """What a shell reports for a process ended by `signum`: 130 SIGINT, 143 SIGTERM."""
    return 128 + signum


def leave(signum: int, why: str) -> None:
    """Exit now, without unwinding (the reactor or a Redis wait may be on the stack)."""
    print(f"newsspider: {signal.Signals(signum).name}: {why}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(exit_status(signum))


def install(on_stop: Callable[[int], None]) -> list[int]:
    """Handle SIGINT/SIGTERM; return the list the received signals are appended to."""
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if waiting_for_redis():
            leave(signum, "stopped while waiting for Redis (leases and locks expire)")
        if len(received) > 1:
            leave(signum, "stopped at once (a second signal)")
        on_stop(signum)

    for number in STOP_SIGNALS:
        signal.signal(number, handler)
    return received


def raise_stopped(signum: int) -> None:
    """An `on_stop` for plain loops (ingest, enqueue): unwind with `Stopped`."""
    raise Stopped(signum)
