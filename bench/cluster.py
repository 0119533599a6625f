"""Cluster mode against `run`: wall time, articles/s and time to first request.

Many sites, one per loopback address (127.0.0.2 to 127.0.0.41 by default), each answering
every request after a fixed latency and asking for a polite delay and a small concurrency,
as real news sites do. The same load is crawled by `newsspider run` and by a cluster
(`enqueue`, then N workers and one `ingest`) with 1, 2 and 4 workers; each crawl starts
from an empty database and its own Redis keys.

    python bench/cluster.py [--sites 40] [--articles 12] [--latency 0.2] [--delay 0.25]
                            [--concurrency 2] [--worker-concurrency 16] [--workers 1 2 4]

Needs `redis-server` on PATH; runs without pytest. Aims (issue 19): one worker at most
1.2x `run`'s wall time; two workers at least 1.7x one worker's articles/s; the first
request within 3 s of a worker's start.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis

from newsspider.demo import demo_config_toml
from newsspider.demo.editions import build_editions
from newsspider.demo.site import DemoSite, route_key

CLI = [sys.executable, "-m", "newsspider.cli"]


class Hosts:
    """One demo site per loopback address, on one asyncio loop in a thread."""

    def __init__(self, count: int, articles: int, latency: float):
        self.latency = latency
        self.addresses = [f"127.0.0.{2 + n}" for n in range(count)]
        self.sites: dict[str, DemoSite] = {}
        self.first_request: float | None = None
        self.requests = 0
        self.loop = asyncio.new_event_loop()
        self.port = _free_port(self.addresses[0])
        for number, address in enumerate(self.addresses):
            edition = build_editions(articles, seed=number + 1)[1]
            self.sites[address] = DemoSite(edition, f"http://{address}:{self.port}")
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        for address in self.addresses:
            handler = self._handler(self.sites[address])
            self.loop.run_until_complete(asyncio.start_server(handler, address, self.port))
        ready.set()
        self.loop.run_forever()

    def _handler(self, site: DemoSite):  # type: ignore[no-untyped-def]
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while request := await reader.readuntil(b"\r\n\r\n"):
                    self.requests += 1
                    self.first_request = self.first_request or time.monotonic()
                    await asyncio.sleep(self.latency)
                    path = request.split(b" ", 2)[1].decode("latin-1")
                    page = site.page(route_key(path))
                    body = page.body if page else b"not found"
                    kind = page.content_type if page else "text/plain"
                    head = f"HTTP/1.1 {200 if page else 404} X\r\nContent-Type: {kind}\r\n"
                    writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        return handle

    def reset(self) -> None:
        self.first_request, self.requests = None, 0


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def config_text(hosts: Hosts, args: argparse.Namespace, redis_url: str, prefix: str) -> str:
    tables = []
    for number, address in enumerate(hosts.addresses):
        table = demo_config_toml(f"http://{address}:{hosts.port}", ("alpha",), max_pages=50)
        table = table.replace("[sites.demo_alpha]", f"[sites.host{number:02d}]")
        table = table.replace('"127.0.0.1/32"', '"127.0.0.0/8"')
        table = table.replace("download_delay = 0\n", f"download_delay = {args.delay}\n")
        tables.append(table + f"concurrency = {args.concurrency}\n")
    cluster = f'[cluster]\nredis_url = "{redis_url}"\nkey_prefix = "{prefix}"\n'
    return "\n".join(tables) + cluster


def crawl(mode: str, workers: int, hosts: Hosts, args: argparse.Namespace, redis_url: str,
          tmp: Path) -> tuple[int, float, float, float]:  # fmt: skip
    """One crawl: (articles stored, wall seconds, seconds to the first request, CPU seconds of
    its processes)."""
    name = f"{mode}{workers}"
    config, db = tmp / f"{name}.toml", tmp / f"{name}.db"
    config.write_text(config_text(hosts, args, redis_url, name), encoding="utf-8")
    common = ["--config", str(config), "--db", str(db), "-q"]
    out = ["--out", str(tmp / f"{name}-feeds")]
    if mode == "cluster":
        subprocess.run([*CLI, "enqueue", *common], check=True)
    hosts.reset()
    cpu_before = _children_cpu()
    started = time.monotonic()
    if mode == "run":
        subprocess.run([*CLI, "run", *common, *out], check=True)
    else:
        worker = [*CLI, "worker", "--exit-when-idle", *common]
        worker += ["--concurrency", str(args.worker_concurrency)]
        processes = [subprocess.Popen(worker) for _ in range(workers)]
        subprocess.run([*CLI, "ingest", "--exit-when-idle", *common, *out], check=True)
        for process in processes:
            process.wait()
    elapsed = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    first = (hosts.first_request or started) - started
    with sqlite3.connect(db) as conn:
        stored = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return stored, elapsed, first, cpu


def _children_cpu() -> float:
    """User and system seconds of the finished child processes (Redis is still running)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("bench/cluster.py: redis-server is not on PATH (apt-get install redis-server)")
    port = _free_port("127.0.0.1")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*command, "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40, help="sites, one per address (max 200)")
    parser.add_argument("--articles", type=int, default=12, help="articles per site")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per response")
    parser.add_argument("--delay", type=float, default=0.25, help="each site's download_delay")
    parser.add_argument("--concurrency", type=int, default=2, help="each site's concurrency")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=16,
        help="each worker's requests at once per site (`worker --concurrency`)",
    )
    args = parser.parse_args()
    hosts = Hosts(args.sites, args.articles, args.latency)
    print(f"{args.sites} sites on 127.0.0.2-{hosts.addresses[-1]}, {args.articles} articles each;")
    print(f"latency {args.latency * 1000:.0f} ms, download_delay {args.delay} s, "
          f"concurrency {args.concurrency} per site")  # fmt: skip
    redis_server, redis_url = start_redis()
    results: dict[str, tuple[int, float, float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results["run"] = crawl("run", 0, hosts, args, redis_url, Path(tmp))
            for workers in args.workers:
                results[f"{workers}w"] = crawl(
                    "cluster", workers, hosts, args, redis_url, Path(tmp)
                )
    finally:
        redis_server.kill()
    report(results)


def report(results: dict[str, tuple[int, float, float, float]]) -> None:
    print(
        f"{'crawl':<11} {'articles':>8} {'wall s':>7} {'articles/s':>10} {'first req s':>11}"
        f" {'CPU s':>6} {'cores busy':>10}"
    )
    for name, (stored, wall, first, cpu) in results.items():
        label = "run" if name == "run" else f"{name[:-1]} worker(s)"
        print(
            f"{label:<11} {stored:>8} {wall:>7.1f} {stored / wall:>10.1f} {first:>11.2f}"
            f" {cpu:>6.1f} {cpu / wall:>10.2f}"
        )
    run_wall = results["run"][1]
    if "1w" in results:
        stored1, wall1, _, _ = results["1w"]
        print(f"one worker / run wall time: x{wall1 / run_wall:.2f} (aim <= 1.2)")
        for name, (stored, wall, _, _) in results.items():
            if name not in ("run", "1w"):
                ratio = (stored / wall) / (stored1 / wall1)
                aim = " (aim >= 1.7)" if name == "2w" else ""
                print(f"{name[:-1]} workers / one worker articles/s: x{ratio:.2f}{aim}")
    worst = max(first for name, (_, _, first, _) in results.items() if name != "run")
    print(f"slowest first request of a cluster crawl: {worst:.2f} s (aim <= 3)")


if __name__ == "__main__":
    main()
