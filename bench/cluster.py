"""Cluster scaling: articles/s with 1, 2 and 4 workers, politeness held per host.

Four "hosts" (127.0.0.1-4, one demo section each) answer every request after a fixed
latency; each site allows `CONCURRENCY` requests at a time cluster-wide, and each
worker handles `WORKER_CONCURRENCY` at once. Throughput should grow with workers until
the hosts' combined limit (hosts x concurrency / latency) caps it.

    python bench/cluster.py [--articles 60] [--latency 0.2]

Needs `redis-server` on PATH.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.cluster's Redis helper

from newsspider.demo import demo_config_toml
from newsspider.demo.editions import build_editions
from newsspider.demo.site import DemoSite, route_key
from tests.cluster.conftest import RedisProcess

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
SECTIONS = ("alpha", "beta", "gamma", "fa")
# Each worker's own limit binds before the hosts' cluster-wide one, so added workers show
# as added throughput until HOSTS x CONCURRENCY / latency caps it.
CONCURRENCY = 16
WORKER_CONCURRENCY = 1


def serve(host: str, site_for: dict[str, DemoSite], latency: float) -> str:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(latency)
            page = site_for[host].page(route_key(self.path))
            body = page.body if page else b"not found"
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", page.content_type if page else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://{host}:{server.server_address[1]}"
    site_for[host] = DemoSite(build_editions(site_for["_n"], 1)[1], base_url)  # type: ignore[index]
    return base_url


def config_text(base_urls: list[str], redis_url: str, prefix: str) -> str:
    """One site per demo section per host: parallel work comes from many sites, as in a
    real cluster; within one site, pagination is a chain that no added worker shortens."""
    tables = []
    for number, base_url in enumerate(base_urls):
        for section in SECTIONS:
            table = demo_config_toml(base_url, sections=(section,), max_pages=50)
            table = table.replace(f"[sites.demo_{section}]", f"[sites.host{number}_{section}]")
            table = table.replace('"127.0.0.1/32"', '"127.0.0.0/8"')
            tables.append(table + f"concurrency = {CONCURRENCY}\nmax_depth = 100\n")
    return "\n".join(tables) + f'[cluster]\nredis_url = "{redis_url}"\nkey_prefix = "{prefix}"\n'


def run(workers: int, base_urls: list[str], redis_url: str, tmp: Path) -> tuple[int, float]:
    config, db = tmp / f"w{workers}.toml", tmp / f"w{workers}.db"
    config.write_text(config_text(base_urls, redis_url, f"bench{workers}"), encoding="utf-8")
    cli = [sys.executable, "-m", "newsspider.cli"]
    common = ["--config", str(config), "--db", str(db), "-q"]
    subprocess.run([*cli, "enqueue", *common], check=True)
    started = time.monotonic()
    worker = [*cli, "worker", "--exit-when-idle", "--concurrency", str(WORKER_CONCURRENCY)]
    processes = [subprocess.Popen([*worker, *common]) for _ in range(workers)]
    ingest = [*cli, "ingest", "--exit-when-idle", "--out", str(tmp / "feeds"), *common]
    subprocess.run(ingest, check=True)
    elapsed = time.monotonic() - started
    for process in processes:
        process.wait()
    with sqlite3.connect(db) as conn:
        stored = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return stored, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="articles per host")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per response")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    site_for: dict[str, object] = {"_n": args.articles}
    base_urls = [serve(host, site_for, args.latency) for host in HOSTS]  # type: ignore[arg-type]
    cap = len(HOSTS) * CONCURRENCY / args.latency
    print(f"{len(HOSTS)} hosts x {args.articles} articles, {args.latency * 1000:.0f} ms latency,")
    print(f"{CONCURRENCY} per host cluster-wide (cap {cap:.0f} requests/s), ", end="")
    print(f"{WORKER_CONCURRENCY} per worker")
    redis = RedisProcess().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            baseline = None
            for workers in args.workers:
                stored, elapsed = run(workers, base_urls, redis.url, Path(tmp))
                rate = stored / elapsed
                baseline = baseline or rate
                print(
                    f"{workers} worker(s): {stored} articles in {elapsed:5.1f} s = "
                    f"{rate:5.1f} articles/s (x{rate / baseline:.2f})"
                )
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
