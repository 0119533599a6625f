"""Article extraction in worker processes, so a large crawl uses more than one core.

Extraction is pure CPU work on a page's text (`newsspider.extract.chain.extract_page`);
the reactor thread only fetches and stores. With no worker process configured the
extraction runs inline, exactly as before. The chain's libraries (trafilatura, dateparser,
numpy: a third of a second) load with the first article, not before the first request.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from newsspider.config import SiteConfig


class Extractor:
    """Runs `extract_page` inline or in a pool shared by every site crawled in this process."""

    _shared: Extractor | None = None

    def __init__(self, processes: int):
        self.processes = processes
        self._users = 0
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            # forkserver: children start from a clean process, not a copy of the reactor's.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_up)

    @classmethod
    def shared(cls, processes: int) -> Extractor:
        """The process-wide extractor (created by the first site spider that opens)."""
        if cls._shared is None or cls._shared.processes != processes:
            cls._shared = cls(processes)
        cls._shared._users += 1
        return cls._shared

    def release(self, **_signal_kwargs: Any) -> None:
        """A spider closed; the last one shuts the worker processes down."""
        self._users -= 1
        if self._users <= 0:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            if Extractor._shared is self:
                Extractor._shared = None

    async def extract(self, html: str, url: str, site: SiteConfig) -> dict[str, Any]:
        from newsspider.extract.chain import extract_page

        if self._pool is None:
            return extract_page(html, url, site)
        future = self._pool.submit(extract_page, html, url, site)
        return await asyncio.wrap_future(future)


def _warm_up() -> None:
    """Import the extraction chain's libraries once per worker, not on its first page."""
    import newsspider.extract.chain  # noqa: F401
