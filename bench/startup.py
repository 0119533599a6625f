"""Start time of each read-only command beside `python -c pass`, on an empty database.

Each command runs in a fresh interpreter, best of `--rounds`; `serve` is timed until
it says it is serving. A command that loads Scrapy or the numeric stack shows here
(tests/test_fast_start.py checks the modules themselves).

    python bench/startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = (
    ("--help",),
    ("status",),
    ("search", "budget"),
    ("articles",),
    ("export", "--out", "OUT"),
    ("serve", "--port", "0", "--out", "OUT"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "news.db", Path(tmp) / "feeds"
        out.mkdir()
        _create_database(db)
        baseline = _best(args.rounds, [sys.executable, "-c", "pass"])
        print(f"{'python -c pass':<22} {baseline:6.3f} s")
        for command in COMMANDS:
            argv = [str(out) if a == "OUT" else a for a in command]
            if command != ("--help",):
                argv += ["--db", str(db)]
            full = [sys.executable, "-m", "newsspider.cli", *argv]
            seconds = _best(args.rounds, full, until="serving" if command[0] == "serve" else None)
            name = " ".join(command[:2]).replace("OUT", "DIR")
            print(f"{name:<22} {seconds:6.3f} s  (+{seconds - baseline:.3f} s)")


def _create_database(path: Path) -> None:
    code = f"from newsspider.db import Database; Database({str(path)!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True)


def _best(rounds: int, command: list[str], until: str | None = None) -> float:
    return min(_once(command, until) for _ in range(rounds))


def _once(command: list[str], until: str | None) -> float:
    started = time.perf_counter()
    if until is None:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if until in line:
                break
        elapsed = time.perf_counter() - started
        process.terminate()
    return elapsed


if __name__ == "__main__":
    main()
