"""WebSub: `export` pings a local stand-in hub for exactly the feed files whose bytes changed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from feeds import export_feeds
from newsspider.db import Database
from tests.feeds.conftest import BASE_URL, article, make_config


class StandInHub(ThreadingHTTPServer):
    """Records publish pings; answers 204, or 500 while `failing`."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _HubHandler)
        self.pings: list[dict[str, list[str]]] = []
        self.failing = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hub"


class _HubHandler(BaseHTTPRequestHandler):
    server: StandInHub

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode("ascii"))
        assert self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
        self.server.pings.append(form)
        self.send_response(500 if self.server.failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hub() -> Iterator[StandInHub]:
    server = StandInHub()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def pinged_urls(hub: StandInHub) -> list[str]:
    assert all(form["hub.mode"] == ["publish"] for form in hub.pings)
    return sorted(url for form in hub.pings for url in form["hub.url"])


def test_export_pings_only_changed_feeds(make_db, tmp_path, hub):
    db_path = make_db(article("a", "1"), article("b", "1"))
    config = make_config("a", "b", websub_hub=hub.url)
    out = tmp_path / "out"
    first = export_feeds(db_path, out, config)
    every = sorted(f"{BASE_URL}{n}.{s}" for n in ["a", "b", "all"] for s in ("atom.xml", "json",
                                                                           "rss.xml"))  # fmt: skip
    assert pinged_urls(hub) == every and sorted(first.pinged) == every
    hub.pings.clear()
    assert export_feeds(db_path, out, config).pinged == [] and hub.pings == []
    db = Database(db_path)
    db.upsert_article(
        article("a", "2", published="2025-11-01T00:00:00Z"), now="2025-11-01T00:00:00Z"
    )
    db.close()
    export_feeds(db_path, out, config)
    changed = [f"{BASE_URL}{n}.{s}" for n in ("a", "all") for s in ("atom.xml", "json", "rss.xml")]
    assert pinged_urls(hub) == changed


def test_hub_failure_is_counted_not_fatal(make_db, tmp_path, hub, caplog):
    hub.failing = True
    report = export_feeds(
        make_db(article("a", "1")), tmp_path, make_config("a", websub_hub=hub.url)
    )
    assert len(report.ping_failures) == 6 and report.pinged == []
    assert (tmp_path / "a.atom.xml").exists()
    assert "ping for" in caplog.text


def test_unreachable_hub_is_counted_not_fatal(make_db, tmp_path):
    hub = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    dead = f"http://127.0.0.1:{hub.server_address[1]}/"
    hub.server_close()
    report = export_feeds(make_db(article("a", "1")), tmp_path, make_config("a", websub_hub=dead))
    assert len(report.ping_failures) == 6
