"""Crawl rounds of a cluster, recorded in `crawl_runs` like any crawl.

`enqueue` opens a round of a site (`<site>:round`: when it started). Workers add their
Scrapy counters to it (requests, pages, errors) before acknowledging each request, and
ingest adds what storing gave (new, updated, dropped by reason, warnings). Ingest, the
only writer, starts the site's `crawl_runs` row when it sees the round and finishes it
with `run_summary` once the round is over: nothing queued or leased for the site, and
nothing left to ingest. `status`, health verdicts and the alarm feed then read cluster
crawls exactly as they read `crawl`/`run`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from newsspider.cluster.connection import PatientRedis
from newsspider.cluster.keys import Keys
from newsspider.db import Database
from newsspider.runs import run_summary

# Scrapy counters a round adds up; the rest of a worker's stats are its own business.
_COUNTED_PREFIXES = ("newsspider/", "downloader/request_count", "spider_exceptions/")
_STARTED = "round/started"
_STARTED_MS = "round/started_ms"
_RUN_ID = "round/run_id"


def open_round(server: PatientRedis, keys: Keys, site: str, requests: list[bytes]) -> None:
    """A new round of `site` starts now with these (encoded) start requests: in one
    transaction, so ingest never sees the round without its requests, nor a worker a
    request whose counts would go to the previous round."""
    now = time.time()
    started = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def send() -> None:
        pipe = server.pipeline(transaction=True)
        pipe.delete(keys.round(site))
        pipe.hset(keys.round(site), mapping={_STARTED: started, _STARTED_MS: int(now * 1000)})
        if requests:
            pipe.lpush(keys.requests(site), *requests)
            pipe.publish(keys.wake, site)
        pipe.execute()

    server.patiently(send)


def counted(stats: Mapping[str, Any]) -> dict[str, int]:
    """The numeric counters of `stats` that a round adds up."""
    return {
        key: int(value)
        for key, value in stats.items()
        if key.startswith(_COUNTED_PREFIXES) and isinstance(value, int)
    }


class RoundCounters:
    """A process's counters for one site, added to its round as deltas since the last time."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}

    def deltas(self, stats: Mapping[str, Any]) -> dict[str, int]:
        """What grew since the last `sent` call."""
        counts = counted(stats)
        return {k: v - self.sent.get(k, 0) for k, v in counts.items() if v != self.sent.get(k, 0)}

    def sent_ok(self, deltas: Mapping[str, int]) -> None:
        for name, delta in deltas.items():
            self.sent[name] = self.sent.get(name, 0) + delta


def add_counts(pipe: Any, key: str, counts: Mapping[str, int]) -> None:
    """Queue increments of a round's counters (ingest's per-batch outcomes)."""
    for name, delta in counts.items():
        if delta:
            pipe.hincrby(key, name, delta)


class RoundRecorder:
    """Ingest's side: opens and finishes the `crawl_runs` rows of the rounds it sees."""

    def __init__(self, server: PatientRedis, keys: Keys, sites: list[str]):
        self.server = server
        self.keys = keys
        self.sites = sites

    def record(self, db: Database) -> int:
        """Open the row of every new round, finish those of the rounds that are over;
        return how many were finished."""
        idle = self._idle_sites()  # before the counts: all of an idle site's are in
        finished = 0
        for site, raw in zip(self.sites, self.server.patiently(self._read_rounds), strict=True):
            fields = {k.decode(): v.decode() for k, v in raw.items()}
            if fields:
                finished += self._record_site(db, site, fields, site in idle)
        db.commit()
        return finished

    def _read_rounds(self) -> list[dict[bytes, bytes]]:
        pipe = self.server.pipeline(transaction=False)
        for site in self.sites:
            pipe.hgetall(self.keys.round(site))
        return list(pipe.execute())

    def _idle_sites(self) -> set[str]:
        """The sites whose round is over: nothing queued or leased, then nothing waiting for
        ingest (leases first: a worker pushes a request's article before it acknowledges it)."""

        def read() -> list[int]:
            pipe = self.server.pipeline(transaction=False)
            for site in self.sites:
                pipe.llen(self.keys.requests(site))
                pipe.zcard(self.keys.leases(site))
            pipe.llen(self.keys.items)
            pipe.llen(self.keys.processing)
            return list(pipe.execute())

        counts = self.server.patiently(read)
        if any(counts[-2:]):
            return set()
        return {site for n, site in enumerate(self.sites) if not any(counts[2 * n : 2 * n + 2])}

    def _record_site(self, db: Database, site: str, fields: dict[str, str], idle: bool) -> int:
        key = self.keys.round(site)
        if _STARTED not in fields:  # counts of a request after its round was recorded
            if idle:
                self.server.delete(key)
            return 0
        run_id = fields.get(_RUN_ID)
        if run_id is None:
            run_id = str(db.start_run(site, fields[_STARTED]))
            self.server.hset(key, _RUN_ID, run_id)
        if not idle:
            return 0
        stats = {k: int(v) for k, v in fields.items() if not k.startswith("round/")}
        duration = time.time() - int(fields[_STARTED_MS]) / 1000
        db.finish_run(int(run_id), run_summary(stats, "finished", max(duration, 0.0)))
        self.server.delete(key)
        return 1
