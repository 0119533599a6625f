"""The steady state: what a day of cron runs every 15 minutes costs a site, and what it catches.

A living demo site (newsspider/demo/living.py: a backlog of 60 articles, then about 10
an hour at random times, a fifth of them corrected within a day, no ETag/Last-Modified
like most ASP.NET portals) is crawled on a simulated clock (time-machine) by three
behaviours, each in its own child process that runs every cron run in one reactor:

- naive:  a full crawl every run (`crawl --full` of the code before issue 13);
- before: the incremental crawl before issue 13 (re-check everything first seen in the
          last 48 hours, robots.txt every run), run from that commit's own code:
          `git archive` of the parent of the commit that added newsspider/recheck.py
          (or `--before REV`), put first on the child's PYTHONPATH;
- new:    this checkout.

Requests are counted from the demo server's own log, by purpose. After the publishing
day, `--tail-hours` more runs of the new behaviour (nothing new published; corrections
still land) let its later re-check steps catch the corrections; the old behaviours
re-fetch every recent article each run, so they need no tail. Corrections count when
made before a behaviour's last run. Prints requests per day
by purpose, corrections caught and how late, freshness (publication to being stored,
so to being in the feed), and the issue's aims for the new behaviour.

    python bench/steady.py [--hours 24] [--tail-hours 24] [--only new]
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2025, 11, 3, 0, 0, tzinfo=UTC)
CRON = timedelta(minutes=15)
BEHAVIOURS = ("naive", "before", "new")
SITE = "living"
MAX_PAGES = 10
STEPS = 4  # the default re-check schedule: 1h, 6h, 1d, 3d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0, help="publishing day (hours)")
    parser.add_argument("--tail-hours", type=float, default=24.0, help="runs after it (new)")
    parser.add_argument("--per-hour", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", help="the commit whose code is 'before' and 'naive'")
    parser.add_argument("--only", choices=BEHAVIOURS, action="append")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.config, args.db, args.full)
        return
    sys.path.insert(0, str(ROOT))
    from newsspider.demo.living import Timeline

    timeline = Timeline.build(START, args.hours, args.per_hour, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        old_code = Path(tmp) / "before"
        rev = args.before or _before_issue_13()
        _export(rev, old_code)
        print(f"before/naive: code of {rev[:12]}; new: {ROOT}")
        print(
            f"site: {len(timeline.stories)} articles, "
            f"{sum(s.corrected is not None for s in timeline.stories)} corrected; "
            f"cron every 15 min for {args.hours:g} h (+{args.tail_hours:g} h for new)\n"
        )
        results = {}
        for name in args.only or BEHAVIOURS:
            code = ROOT if name == "new" else old_code
            tail = args.tail_hours if name == "new" else 0.0
            results[name] = simulate(name, code, timeline, args.hours, tail, Path(tmp))
    report(results, args.hours)


def _before_issue_13() -> str:
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "newsspider/recheck.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if not added:
        sys.exit("bench/steady.py: no commit adds newsspider/recheck.py; pass --before REV")
    return added[-1] + "^"


def _export(rev: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "newsspider", "feeds"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def simulate(
    name: str, code: Path, timeline: object, hours: float, tail: float, tmp: Path
) -> dict[str, object]:
    from newsspider.demo.server import DemoServer

    with DemoServer(articles_per_section=4, validators=False) as server:
        config, db = tmp / f"{name}.toml", tmp / f"{name}.db"
        config.write_text(_config(server.base_url), encoding="utf-8")
        command = [sys.executable, __file__, "--child", "--config", str(config), "--db", str(db)]
        env = {**os.environ, "PYTHONPATH": str(code)}
        proc = subprocess.Popen(
            [*command, *(["--full"] if name == "naive" else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        seen: set[str] = set()
        day, tail_runs = Counter[str](), []
        moment, end, runs = START, START + timedelta(hours=hours), 0
        while moment < end + timedelta(hours=tail):
            server.serve(timeline.edition_at(moment))  # type: ignore[attr-defined]
            server.clear_requests()
            proc.stdin.write(moment.isoformat() + "\n")
            proc.stdin.flush()
            if proc.stdout.readline().strip() != "done":
                sys.exit(f"bench/steady.py: the {name} crawl failed at {moment}")
            counts = _purposes(server.requests, seen)
            if moment < end:
                day.update(counts)
                runs += 1
            else:
                tail_runs.append(counts)
            moment += CRON
        proc.stdin.close()
        proc.wait(timeout=60)
    outcome = _outcome(db, timeline, end, end + timedelta(hours=tail))
    return {"day": day, "runs": runs, "tail": tail_runs, **outcome}


def _config(base_url: str) -> str:
    pattern = r"^https?://[^/]+/alpha/newsview\.aspx\?NewsID=\d+$"
    return (
        f'[sites.{SITE}]\nkind = "portal"\nstart_urls = ["{base_url}/alpha/news"]\n'
        f'timezone = "Asia/Tehran"\nlanguage = "en"\nmax_pages = {MAX_PAGES}\n'
        f'download_delay = 0\nallow_addresses = ["127.0.0.1/32"]\n'
        f"article_url_pattern = '{pattern}'\n"
    )


def _purposes(paths: list[str], seen: set[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in paths:
        if path == "/robots.txt":
            counts["robots"] += 1
        elif path.startswith("/alpha/newsview"):
            counts["recheck" if path in seen else "article"] += 1
            seen.add(path)
        elif path.startswith("/alpha/news"):
            counts["listing"] += 1
        else:
            counts["asset"] += 1
    return counts


def _outcome(db: Path, timeline: object, end: datetime, last: datetime) -> dict[str, object]:
    """Freshness of the day's articles; corrections made before the `last` run, caught or not."""
    conn = sqlite3.connect(db)
    rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT news_id, first_seen, updated FROM articles")}  # fmt: skip
    conn.close()
    fresh, late, missed, new = [], [], 0, 0
    for story in timeline.stories:  # type: ignore[attr-defined]
        first_seen, updated = rows.get(story.article.news_id, (None, None))
        if story.published >= START and story.published < end:
            new += 1
            if first_seen:
                fresh.append((_parse(first_seen) - story.published).total_seconds() / 60)
        if story.corrected_at is not None and story.corrected_at < last:
            if updated and _parse(updated) >= story.corrected_at:
                late.append((_parse(updated) - story.corrected_at).total_seconds() / 3600)
            else:
                missed += 1
    return {"fresh_min": fresh, "late_h": late, "missed": missed, "published": new,
            "stored": len(rows)}  # fmt: skip


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def report(results: dict[str, dict[str, object]], hours: float) -> None:
    purposes = ("robots", "listing", "article", "recheck", "asset")
    per_day = 24 / hours
    print(f"{'behaviour':<9} {'req/day':>8} " + " ".join(f"{p:>8}" for p in purposes)
          + f" {'caught':>9} {'late med/max h':>15} {'fresh med/max min':>18}")  # fmt: skip
    for name, r in results.items():
        day: Counter[str] = r["day"]  # type: ignore[assignment]
        late: list[float] = r["late_h"]  # type: ignore[assignment]
        fresh: list[float] = r["fresh_min"]  # type: ignore[assignment]
        caught = f"{len(late)}/{len(late) + int(r['missed'])}"  # type: ignore[call-overload]
        lateness = f"{_median(late):.1f}/{max(late, default=0):.1f}"
        freshness = f"{_median(fresh):.0f}/{max(fresh, default=0):.0f}"
        print(f"{name:<9} {round(sum(day.values()) * per_day):>8} "
              + " ".join(f"{round(day[p] * per_day):>8}" for p in purposes)
              + f" {caught:>9} {lateness:>15} {freshness:>18}")  # fmt: skip
    if "new" in results:
        aims(results["new"], hours)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def aims(new: dict[str, object], hours: float) -> None:
    day: Counter[str] = new["day"]  # type: ignore[assignment]
    runs = int(new["runs"])  # type: ignore[call-overload]
    fetched = day["article"]
    bound = runs * 1 + fetched * (1 + STEPS)
    quiet = [c for c in new["tail"] if not c["recheck"]]  # type: ignore[attr-defined]
    quiet_cost = Counter(sum(c.values()) - c["robots"] for c in quiet)
    late: list[float] = new["late_h"]  # type: ignore[assignment]
    caught = len(late) / max(1, len(late) + int(new["missed"]))  # type: ignore[call-overload]
    fresh: list[float] = new["fresh_min"]  # type: ignore[assignment]
    print("\naims (new behaviour):")
    print(
        f"- unchanged runs (tail runs with no re-check due: {len(quiet)}): requests besides "
        f"robots.txt per run {dict(sorted(quiet_cost.items()))}; robots.txt fetched "
        f"{sum(c['robots'] for c in new['tail'])} times in the tail"
    )  # type: ignore[attr-defined]
    print(f"- requests in {hours:g} h: {sum(day.values())} <= 1.05 x (runs {runs} x 1 start URL "
          f"+ new {fetched} x (1 + {STEPS} steps)) = {1.05 * bound:.0f}: "
          f"ratio {sum(day.values()) / bound:.3f}")  # fmt: skip
    print(f"- corrections caught: {caught:.1%} (aim >= 95%)")
    print(f"- freshness: max {max(fresh, default=0):.0f} min, cron interval 15 min")


def child(config_path: str, db_path: str, full: bool) -> None:
    """Every cron run of one behaviour in one reactor: a line with the simulated time in,
    `done` out. The code is whatever `newsspider` is first on PYTHONPATH."""
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    import time_machine
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import defer, reactor, threads

    from newsspider.config import load_config
    from newsspider.crawl import crawl_settings
    from newsspider.db import Database
    from newsspider.spiders import spider_class_for

    config = load_config(config_path)
    (site,) = config.sites.values()
    Database(db_path).close()
    runner = CrawlerRunner(crawl_settings(config, db_path, "ERROR", incremental=not full))

    @defer.inlineCallbacks
    def loop():  # type: ignore[no-untyped-def]
        while line := (yield threads.deferToThread(sys.stdin.readline)).strip():
            with time_machine.travel(datetime.fromisoformat(line), tick=True):
                yield runner.crawl(spider_class_for(site))
            print("done", flush=True)
        reactor.stop()  # type: ignore[attr-defined]

    reactor.callWhenRunning(loop)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
