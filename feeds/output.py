"""feeds/ as newsspider's output (the `newsspider.outputs` entry point; see newsspider.outputs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds.export import ExportReport, export_feeds

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsspider.config import Config


def export(db: str, out: str, config: Config, limit: int | None) -> ExportReport:
    """Every feed, written atomically (see `export_feeds`)."""
    return export_feeds(db, out, config, limit=limit)


def serve(
    out: str, db: str, config: Config, host: str, port: int, on_ready: Callable[[str], object]
) -> None:
    """Serve the feed directory until SIGTERM (see `feeds.serve.serve`); imported only to serve."""
    from feeds.serve import check_port, feed_app, serve

    bound = check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    serve(
        feed_app(out, db, config),
        host,
        bound,
        on_ready=lambda: on_ready(f"http://{shown}:{bound}/"),
    )
