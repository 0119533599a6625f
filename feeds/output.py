"""feeds/ as newsspider's output (the `newsspider.outputs` entry point; see newsspider.outputs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds.export import ExportReport, export_feeds

if TYPE_CHECKING:
    from feeds.serve import FeedServer
    from newsspider.config import Config


def export(db: str, out: str, config: Config, limit: int | None) -> ExportReport:
    """Every feed, written atomically (see `export_feeds`)."""
    return export_feeds(db, out, config, limit=limit)


def make_server(out: str, db: str, config: Config, host: str, port: int) -> FeedServer:
    """A bound feed server (see `feeds.serve.make_server`); imported only to serve."""
    from feeds.serve import make_server

    return make_server(out, db, config, host, port)
