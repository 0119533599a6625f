"""Rendering cost: the same pages crawled over plain HTTP and rendered in Chromium.

Serves the demo portal's "alpha" section (server-rendered, so every mode finds the same
listing and article pages and extracts the same articles) on 127.0.0.1 and crawls it in a
child process per mode: `http` (render = "http"), then render = "browser" with
max_open_pages = 1 and 4. Prints pages/s, the ratio to HTTP, and the peak memory of the
whole process tree (crawl, Playwright's driver and every Chromium process), sampled.

    python bench/render.py [--articles 120]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsspider.demo import DemoServer, demo_config_toml

MODES = {"http": None, "browser-1": 1, "browser-4": 4}
PAGE_SIZE = 4096


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args()
    with (
        DemoServer(articles_per_section=args.articles) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        results = {
            mode: crawl(server.base_url, Path(tmp), mode, pages) for mode, pages in MODES.items()
        }
    base = results["http"]["pages_per_s"]
    print(f"{'mode':<10} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'vs http':>8} {'peak MiB':>9}")
    for mode, run in results.items():
        print(
            f"{mode:<10} {run['pages']:>6} {run['seconds']:>8.1f} {run['pages_per_s']:>8.1f}"
            f" {run['pages_per_s'] / base:>8.2f} {run['peak_mib']:>9.0f}"
        )


def crawl(base_url: str, tmp: Path, mode: str, open_pages: int | None) -> dict[str, float]:
    config, db = tmp / f"{mode}.toml", tmp / f"{mode}.db"
    text = demo_config_toml(base_url, ("alpha",), max_pages=1000) + "concurrency = 4\n"
    if open_pages is not None:
        text += f'render = "browser"\nmax_open_pages = {open_pages}\n'
    config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q", "--config", str(config),
               "--db", str(db)]  # fmt: skip
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.1)
    seconds = time.monotonic() - started
    if child.returncode != 0:
        sys.exit(f"{mode}: crawl failed with exit status {child.returncode}")
    conn = sqlite3.connect(db)
    (pages,) = conn.execute("SELECT sum(requests) FROM crawl_runs").fetchone()
    conn.close()
    return {
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "peak_mib": peak / 2**20,
    }


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * PAGE_SIZE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


if __name__ == "__main__":
    main()
