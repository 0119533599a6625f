"""The output port: where stored articles are published, and how readers get them.

The core never imports an output adapter. `feeds/` registers itself under the
`newsspider.outputs` entry point (see pyproject.toml), and `export`, `run`,
`serve`, `ingest` and `demo` reach it through `load()`: nothing in newsspider/
imports feeds/, while feeds/ reads through the core's read API.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from newsspider.errors import OutputError

if TYPE_CHECKING:
    from newsspider.config import Config

GROUP = "newsspider.outputs"


class Skip(Protocol):
    """An article left out of the output, and why."""

    @property
    def site(self) -> str: ...
    @property
    def news_id(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Exported(Protocol):
    """What an export did: files written or unchanged, entries per feed, articles left out."""

    @property
    def written(self) -> Sequence[Path]: ...
    @property
    def unchanged(self) -> Sequence[Path]: ...
    @property
    def entries(self) -> Mapping[str, int]: ...
    @property
    def skipped(self) -> Sequence[Skip]: ...


class Output(Protocol):
    def export(self, db: str, out: str, config: Config, limit: int | None) -> Exported: ...

    def serve(
        self,
        out: str,
        db: str,
        config: Config,
        host: str,
        port: int,
        on_ready: Callable[[str], object],
    ) -> None:
        """Serve `out` until SIGTERM or SIGINT; `on_ready(url)` once it accepts connections.

        Raises OSError at once when `host:port` cannot be listened on.
        """


def check_output_dir(out_dir: str | Path) -> None:
    """Fail now, creating nothing, when an output directory could not be made or written
    (e.g. before a crawl whose feeds go there): the directory, or its nearest existing
    parent, must be a writable directory."""
    path = Path(out_dir).absolute()
    existing = next(p for p in (path, *path.parents) if p.exists() or p == p.parent)
    if existing != path and not existing.is_dir():
        raise OutputError(f"{out_dir}: cannot create output directory: {existing} is a file")
    if existing == path and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a directory: give --out a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{out_dir}: output directory is not writable")


def load() -> Output:
    """The installed output adapter (feeds/, unless another is registered)."""
    found = list(entry_points(group=GROUP))
    if not found:
        raise OutputError(f"no output adapter installed (entry point {GROUP}); reinstall")
    return cast(Output, found[0].load())
