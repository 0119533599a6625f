"""What an operator reads: a down site is one line with its reason (no traceback, in text or
JSON logs), a DNS failure is an error and not a refusal, the live progress line never runs
into log lines and counts pages as crawl_runs does, table rows are one line each."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest
from twisted.python.failure import Failure

from newsspider.middlewares import AddressGuardMiddleware, UnresolvedHost, failure_reason
from newsspider.progress import Board, install_log_handler, site_counts
from newsspider.runs import run_summary
from tests.ops.conftest import cli

DOWN = """
[sites.down]
kind = "portal"
start_urls = ["http://127.0.0.1:9/news"]
timezone = "UTC"
retries = 0
allow_addresses = ["127.0.0.1/32"]
"""


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_site_that_is_down_is_one_line_with_its_reason(tmp_path, log_format):
    config = tmp_path / "down.toml"
    config.write_text(DOWN, encoding="utf-8")
    done = cli("crawl", "--config", str(config), "--db", str(tmp_path / "news.db"),
               "--log-format", log_format)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "exception" not in done.stderr
    lines = done.stderr.splitlines()
    assert "down: failed requests: connection_refused 1" in lines
    assert not [line for line in lines if " ERROR" in line or '"ERROR"' in line], lines
    if log_format == "json":
        logged = [json.loads(line) for line in lines if line.startswith("{")]
        assert logged and all("exception" not in entry for entry in logged)
    quiet = cli("crawl", "-q", "--config", str(config), "--db", str(tmp_path / "news.db"))
    reasons = [line for line in quiet.stderr.splitlines() if line.startswith("down:")]
    assert reasons == ["down: failed requests: connection_refused 1"], quiet.stderr


def test_a_host_that_resolves_to_nothing_is_a_dns_error_not_a_refusal():
    guard = AddressGuardMiddleware.__new__(AddressGuardMiddleware)
    guard.resolved = {"no-such-host.invalid": ()}  # as resolve_host answers a failed lookup
    guard.crawler = None  # type: ignore[assignment]
    with pytest.raises(UnresolvedHost) as raised:
        asyncio.run(guard.process_request(_request("http://no-such-host.invalid/")))
    assert failure_reason(Failure(raised.value)) == "dns"


def _request(url: str):
    from scrapy import Request

    return Request(url)


def test_log_lines_clear_and_redraw_the_live_line(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(Board, "stream", stream)
    monkeypatch.setattr(Board, "crawlers", {"a": _FakeCrawler()})
    install_log_handler("WARNING", "text", stream)
    try:
        logging.getLogger("x").warning("something happened")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "newsspider", False)]:
            root.removeHandler(handler)
    text = stream.getvalue()
    before, _, after = text.partition("something happened")
    assert before.startswith("\r\x1b[K")  # the live line was cleared first
    assert after.startswith("\n\r\x1b[Ka 2p")  # the log line ended, then the line came back


class _FakeCrawler:
    class stats:
        @staticmethod
        def get_stats():
            return {"newsspider/pages/listing": 1, "newsspider/pages/article": 1,
                    "newsspider/pages/not_modified": 15}  # fmt: skip


def test_progress_counts_pages_as_crawl_runs_does():
    figures = _FakeCrawler.stats.get_stats()
    assert site_counts(figures)["pages"] == run_summary(figures, "finished", 0)["pages"] == 2
    assert site_counts(figures)["not_modified"] == 15


def test_table_rows_are_one_line_each(tmp_path):
    from newsspider.commands.search import print_rows

    out = io.StringIO()
    row = {"site": "a", "news_id": "1", "published": None, "title": "two\nlines",
           "snippet": "a\n\nparagraph\tbreak"}  # fmt: skip
    import contextlib

    with contextlib.redirect_stdout(out):
        print_rows([row], "table", detail="snippet")
    assert out.getvalue().splitlines()[0].endswith("two lines")
    assert out.getvalue().splitlines()[1].strip() == "a paragraph break"
