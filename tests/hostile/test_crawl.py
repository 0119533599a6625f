"""One crawl of every hostile scenario site (tests/hostile/scenarios.py) against 127.0.0.1.

The crawl runs once per module in a child process; each test reads one aspect
of its outcome: good articles intact, hostile ones absent, every failure and
cut branch counted by reason, no request to a denied address, a sound database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.hostile.scenarios import SCENARIOS, CrawlOutcome, install, run_crawl
from tests.support.hostile_server import HostileServer


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlOutcome, HostileServer]]:
    with HostileServer() as server:
        install(server)
        yield run_crawl(server, tmp_path_factory.mktemp("hostile")), server


@pytest.mark.parametrize("name", [s.name for s in SCENARIOS])
def test_site_finishes_with_good_articles_intact_and_reasons_counted(crawl, name):
    outcome, _ = crawl
    site = outcome.sites[name]
    assert site.finished, site.run
    assert site.problems == []


def test_the_crawl_exits_cleanly_with_a_sound_database(crawl):
    outcome, _ = crawl
    assert outcome.returncode == 0, outcome.stderr[-2000:]
    assert outcome.integrity == "ok"
    assert "Traceback" not in outcome.stderr


def test_no_request_reaches_a_denied_address(crawl):
    outcome, server = crawl
    assert outcome.witness_hits == 0
    assert server.witness_hits() == 0
    assert outcome.sites["ssrf"].run["skipped_reasons"] == '{"blocked_address": 3}'


def test_retry_after_is_honoured(crawl):
    _, server = crawl
    first, second = server.times["/s/retry_after/news/3"]
    assert second - first >= 2.0  # asked 2 s; the default backoff alone waits 1 s


def test_a_page_that_keeps_failing_is_tried_a_bounded_number_of_times(crawl):
    _, server = crawl
    assert server.requests[("127.0.0.1", "/s/always_503/news/3")] == 3  # 1 + RETRY_TIMES 2
    assert server.requests[("127.0.0.1", "/s/retry_after_long/news/3")] == 1


def test_traps_are_cut_short(crawl):
    _, server = crawl
    pages = [p for (_, p) in server.requests if p.startswith("/s/endless_pages/page/")]
    assert len(pages) == 2  # max_pages 3: the start page and two more
    # max_requests 40 admits 40 addresses; a retry of one (a slow answer on a loaded machine)
    # is the same request again, and robots.txt is outside the budget.
    queries = [p for (_, p) in server.requests if p.startswith("/s/queries/")]
    assert 0 < len(queries) <= 40
    loop = [p for (_, p) in server.requests if p.startswith("/s/redirect_loop/loop/")]
    assert len(loop) <= 20


def test_the_summary_names_failures_by_site_and_reason(crawl):
    outcome, _ = crawl
    assert "always_503: failed requests: http_503 1" in outcome.stderr
    assert "truncated: failed requests: data_loss 1" in outcome.stderr
    assert "max_requests" in json.loads(outcome.sites["queries"].run["skipped_reasons"])
    assert "skipped requests" not in outcome.stderr  # -q: cut branches only in crawl_runs


def test_the_xxe_secret_never_leaves_the_file(crawl):
    _, server = crawl
    from tests.hostile.scenarios import SECRET

    assert not [path for (_, path) in server.requests if SECRET in path]
