"""Crawl throughput: the full pipeline against a bare fetch-only spider, in one run.

Serves a generated portal site of about 2,000 articles on 127.0.0.1, then crawls
it in child processes (a Twisted reactor runs once per process): once with a
bare spider that fetches exactly the same listing and article pages and does
nothing else, once with the full newsspider pipeline (extraction, normalize,
validate, SQLite upsert), once with extraction in a worker process, and once without
the store. Prints pages/s of each, their ratios to bare, and peak memory.

    python bench/crawl.py [--articles 2000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SECTIONS = ("alpha", "beta", "gamma")
# bare: fetch only; full: the default pipeline; pooled: the same, extraction in one worker
# process ([crawl] extract_processes = 1); unstored: full without the store pipeline, the
# most that moving every database write to another process could give.
MODES = ("bare", "full", "pooled", "unstored")
BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "LOG_LEVEL": "WARNING",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1, help="alternate bare/full this many times")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.config, args.db)))
        return
    run_parent(args.articles, args.rounds)


def run_parent(articles: int, rounds: int) -> None:
    from newsspider.demo.config import demo_config_toml
    from newsspider.demo.server import DemoServer

    per_section = math.ceil(articles / len(SECTIONS))
    server = DemoServer(articles_per_section=per_section)
    with server, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text(demo_config_toml(server.base_url, sections=SECTIONS), encoding="utf-8")
        results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
        for round_number in range(rounds):
            for mode in MODES:
                db = Path(tmp) / f"{mode}-{round_number}.db"
                results[mode].append(_child(mode, config, db))
    _report(per_section * len(SECTIONS), results)


def _child(mode: str, config: Path, db: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", mode, "--config", str(config), "--db", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(articles: int, results: dict[str, list[dict[str, float]]]) -> None:
    print(f"site: {articles} articles on 127.0.0.1")
    header = f"{'mode':<8} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}"
    header += f" {'CPU ms/page':>11}"
    print(header)
    best = {}
    for mode, runs in results.items():
        for run in runs:
            print(
                f"{mode:<8} {run['pages']:>7.0f} {run['seconds']:>8.2f} "
                f"{run['pages_per_s']:>8.1f} {run['peak_mib']:>9.1f}"
                f" {run['cpu_ms_per_page']:>11.2f}"
            )
        best[mode] = max(run["pages_per_s"] for run in runs)
    for mode in ("full", "pooled", "unstored"):
        ratio = best[mode] / best["bare"]
        aim = "the ceiling of a writer process" if mode == "unstored" else "aim: 0.70 or better"
        print(f"ratio {mode}/bare (best of each): {ratio:.2f} ({aim})")


def run_child(mode: str, config_path: str, db: str) -> dict[str, float]:
    from scrapy.crawler import CrawlerProcess

    # Both modes load the same code before the clock starts: the figure is crawl throughput.
    import newsspider.db.stories
    import newsspider.extract.chain
    import newsspider.pipelines
    import newsspider.runlog  # noqa: F401
    from newsspider.config import load_config
    from newsspider.crawl import crawl_settings
    from newsspider.spiders import spider_class_for

    config = load_config(config_path)
    settings = crawl_settings(config, db, log_level="WARNING")
    for key, value in BENCH_SETTINGS.items():
        settings.set(key, value, priority="cmdline")
    if mode == "pooled":
        settings.set("NEWSSPIDER_EXTRACT_PROCESSES", 1, priority="cmdline")
    if mode == "unstored":
        pipelines = settings.getdict("ITEM_PIPELINES")
        pipelines.pop("newsspider.pipelines.StorePipeline")
        settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    if mode == "bare":
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        settings.set("EXTENSIONS", {}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    for site in config.sites.values():
        fast = dataclasses.replace(
            site,
            max_pages=10_000,
            max_depth=10_000,
            max_requests=100_000,
            download_delay=0.0,
            concurrency=16,
        )
        spider_class = spider_class_for(fast)
        if mode == "bare":
            bare_name = f"Bare{spider_class.__name__}"
            spider_class = type(bare_name, (spider_class,), {"parse_article": _bare})
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler)
        crawlers.append(crawler)
    started, cpu_before = time.perf_counter(), _cpu_seconds()
    process.start()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    pages = sum(c.stats.get_value("response_received_count", 0) for c in crawlers if c.stats)
    # The crawl process only (Linux reports KiB); a pooled run's worker adds a process of its own.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "peak_mib": peak,
        "cpu_ms_per_page": 1000 * cpu / pages,
    }


def _cpu_seconds() -> float:
    """User and system time of the crawl process (a pooled run's worker process is not
    counted): steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _bare(self: object, response: object, hint: object = None) -> Iterator[object]:
    """Fetch-only: the response is received and dropped."""
    return iter(())


if __name__ == "__main__":
    main()
