"""`newsspider serve` under load: granian against the old stdlib server, with slow clients.

Fills a database (bench/feeds.py's synthetic articles) at two sizes, exports the feeds,
and starts both servers as child processes over the same files: the current one and the
thread-per-connection stdlib server as it was before issue 16 (the whole tree at git
revision `--baseline`, so its modules are as they were). Each answers a cached feed
(gzip), a 304 and a `?q=` to 1 and 64 clients on keep-alive connections for `--seconds`
each, first alone, then with `--slow` clients
that open connections and trickle a header line every few seconds (reconnecting when the
server drops them). Prints req/s and p99 per cell, the ratio of each figure with slow
clients to the one without, the ratio of granian to the stdlib server, the servers'
memory and thread counts, and the tracebacks found in their logs. Every connection goes
to 127.0.0.1; every loop stops at its deadline.

    python bench/serve.py [--small 10000] [--large 100000] [--seconds 2] [--slow 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.feeds import config, fill  # noqa: E402
from feeds import export_feeds  # noqa: E402
from feeds.serve import check_port, feed_app, serve  # noqa: E402

BASELINE = "b93d7f5"  # the last commit with the ThreadingHTTPServer-based feeds/serve.py
HOST = "127.0.0.1"
FEED = "/all.atom.xml"
KINDS = {"feed": FEED, "304": FEED, "?q=": FEED + "?q=rareword"}
CLIENTS = (1, 64)
MAX_REQUESTS = 50_000  # per cell, whatever the time
TRICKLE = 4.0  # seconds between a slow client's header lines
REQUEST_TIMEOUT = 10.0  # seconds; a slower answer counts as an error


@dataclass
class Cell:
    rate: float
    p99_ms: float
    errors: int


# ---- the servers, each run as `bench/serve.py --run new|old` in a child process ----


# The old server, run from the baseline's own tree (its modules as they were then).
OLD_RUNNER = """
import logging, sys
from bench.feeds import config
from feeds.serve import make_server
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
out, db = sys.argv[1:3]
server = make_server(out, db, config(), "127.0.0.1", 0)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def run_server(db: Path, out: Path) -> None:
    """`serve` as `newsspider serve` runs it, printing its port once it listens."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
    port = check_port(HOST, 0)
    serve(feed_app(out, db, config()), HOST, port, on_ready=lambda: print(port, flush=True))


def old_tree(rev: str, into: Path) -> Path:
    """The repository as it was at `rev`, unpacked into `into`."""
    into.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


class Child:
    """A server child process: its port, memory and thread count, its log."""

    def __init__(self, command: list[str], log_path: Path, tree: Path = REPO):
        self.log_path = log_path
        self.log = log_path.open("w")
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=tree, env=env
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise SystemExit(f"{command[:3]} did not start: see {log_path}")
        self.port = int(line)

    def status(self) -> tuple[int, int]:
        """Resident memory (MiB) and threads of the server and its worker processes."""
        rss = threads = 0
        for pid in _family(self.process.pid):
            try:
                text = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in text.splitlines())
            rss += int(fields["VmRSS"].split()[0])
            threads += int(fields["Threads"])
        return rss // 1024, threads

    def stop(self) -> int:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.log_path.read_text(errors="replace").count("Traceback")


def _family(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += _family(int(child))
    return found


# ---- the load: keep-alive clients and slow clients, on one event loop ----


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    await reader.readexactly(int(headers.get("content-length", "0").strip()))
    keep = lines[0].startswith("http/1.1") and headers.get("connection", "").strip() != "close"
    return status, keep


async def _client(port: int, request: bytes, expect: int, deadline: float, out: list) -> int:
    errors = 0
    writer = None
    while time.perf_counter() < deadline and len(out) < MAX_REQUESTS:
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            status, keep = await asyncio.wait_for(_response(reader), REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            if writer is not None:
                writer.close()
            errors, writer = errors + 1, None
            continue
        out.append(time.perf_counter() - started)
        errors += status != expect
        if not keep:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()
    return errors


async def measure(port: int, request: bytes, expect: int, clients: int, seconds: float) -> Cell:
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    errors = await asyncio.gather(
        *(_client(port, request, expect, deadline, latencies) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Cell(len(latencies) / elapsed, p99 * 1000, sum(errors))


class SlowCrowd:
    """`count` clients that each keep one connection open with an unfinished request head.

    They run in a child process with their own event loop, so serving them costs the
    measuring client nothing; `open` and `reconnects` are shared counters.
    """

    def __init__(self, port: int, count: int):
        context = multiprocessing.get_context("fork")
        self.open, self.reconnects = context.Value("i", 0), context.Value("i", 0)
        self.stopping = context.Event()
        self.process = context.Process(target=self._main, args=(port, count))
        self.process.start()

    def wait_open(self, count: int, settle: float = 15.0) -> int:
        deadline = time.perf_counter() + settle
        while self.open.value < count and time.perf_counter() < deadline:
            time.sleep(0.1)
        return int(self.open.value)

    def stop(self) -> tuple[int, int]:
        held = int(self.open.value), int(self.reconnects.value)
        self.stopping.set()
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()
        return held

    def _main(self, port: int, count: int) -> None:
        asyncio.run(self._crowd(port, count))

    async def _crowd(self, port: int, count: int) -> None:
        done = asyncio.Event()
        tasks = []
        for n in range(count):
            tasks.append(asyncio.create_task(self._one(port, done)))
            if n % 50 == 49:
                await asyncio.sleep(0.05)  # the old server's listen backlog is 5
        while not self.stopping.is_set():
            await asyncio.sleep(0.2)
        done.set()
        await asyncio.gather(*tasks)

    async def _one(self, port: int, done: asyncio.Event) -> None:
        while not done.is_set():
            try:
                _, writer = await asyncio.open_connection(HOST, port)
            except OSError:
                await asyncio.sleep(random.uniform(0.1, 0.5))
                continue
            self.open.value += 1
            try:
                writer.write(b"GET " + FEED.encode() + b" HTTP/1.1\r\nHost: bench\r\n")
                while not done.is_set() and not writer.transport.is_closing():
                    if await _wait(done, TRICKLE * random.uniform(0.5, 1.5)):
                        break
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
            except OSError:
                pass
            finally:
                self.open.value -= 1
                writer.close()
            self.reconnects.value += not done.is_set()


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True


# ---- the run ----


def bench_server(child: Child, etag: str, args: argparse.Namespace) -> dict:
    """Every cell without and with slow clients; memory before, during and after."""
    results: dict = {"memory": [child.status()]}
    for slow in (0, args.slow):
        crowd = SlowCrowd(child.port, slow)
        held = crowd.wait_open(slow)
        for kind, path in KINDS.items():
            extra = f"If-None-Match: {etag}\r\n" if kind == "304" else ""
            request = (f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: gzip\r\n"
                       f"{extra}\r\n").encode()  # fmt: skip
            for clients in CLIENTS:
                expect = 304 if kind == "304" else 200
                cell = asyncio.run(measure(child.port, request, expect, clients, args.seconds))
                results[(kind, clients, slow)] = cell
        results["memory"].append(child.status())
        results[("held", slow)] = (held, *crowd.stop())
    results["memory"].append(child.status())
    return results


def _etag(port: int) -> str:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", FEED, headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    response.read()
    return str(response.getheader("ETag"))


def report(size: int, results: dict[str, dict], slow: int) -> None:
    print(f"\n== {size:,} articles; {slow} slow clients; req/s and p99 (ms) ==")
    print(f"{'':22}{'server':>8}{'req/s':>9}{'p99':>8}{'+slow req/s':>13}{'+slow p99':>11}"
          f"{'ratio r/s':>11}{'ratio p99':>11}{'vs stdlib':>11}")  # fmt: skip
    for kind in KINDS:
        for clients in CLIENTS:
            for name, res in results.items():
                alone, crowded = res[(kind, clients, 0)], res[(kind, clients, slow)]
                old = results["stdlib"][(kind, clients, 0)]
                versus = alone.rate / old.rate if old.rate else float("nan")
                errors = alone.errors + crowded.errors
                print(
                    f"{kind + f' x{clients}':22}{name:>8}{alone.rate:>9.0f}{alone.p99_ms:>8.1f}"
                    f"{crowded.rate:>13.0f}{crowded.p99_ms:>11.1f}"
                    f"{crowded.rate / alone.rate:>11.2f}{crowded.p99_ms / alone.p99_ms:>11.2f}"
                    f"{versus:>11.2f}" + (f"  ({errors} errors)" if errors else "")
                )
    for name, res in results.items():
        memory = " -> ".join(f"{rss} MiB/{threads} thr" for rss, threads in res["memory"])
        held, left, reconnects = res[("held", slow)]
        print(f"{name:>8}: memory before/with slow/after: {memory}; slow connections held at "
              f"start {held}, at end {left}, reconnects {reconnects}; "
              f"tracebacks in log {res['tracebacks']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="per cell (default 2)")
    parser.add_argument("--slow", type=int, default=1000, help="slow clients (default 1000)")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old server")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_server(args.db, args.out)
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.slow + 1024)), hard))
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db, out, previous = Path(tmp) / "bench.db", Path(tmp) / "out", 0
        old = old_tree(args.baseline, Path(tmp) / "baseline")
        for size in dict.fromkeys((args.small, args.large)):
            fill(db, previous, size, rng)
            previous = size
            export_feeds(db, out, config())
            results = {}
            commands = {
                "granian": ([sys.executable, __file__, "--run", "--db", str(db), "--out", str(out)],
                            REPO),
                "stdlib": ([sys.executable, "-c", OLD_RUNNER, str(out), str(db)], old),
            }  # fmt: skip
            for name, (command, tree) in commands.items():
                child = Child(command, Path(tmp) / f"{name}.log", tree)
                try:
                    results[name] = bench_server(child, _etag(child.port), args)
                finally:
                    results.setdefault(name, {})["tracebacks"] = child.stop()
            report(size, results, args.slow)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
