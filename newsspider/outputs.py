"""The output port: where stored articles are published, and how readers get them.

The core never imports an output adapter. `feeds/` registers itself under the
`newsspider.outputs` entry point (see pyproject.toml), and `export`, `run`,
`serve`, `ingest` and `demo` reach it through `load()`: nothing in newsspider/
imports feeds/, while feeds/ reads through the core's read API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

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


class Server(Protocol):
    """A bound server: `serve_forever` until stopped; a context manager that closes it."""

    url: str

    def serve_forever(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(self, *exc: object) -> None: ...


class Output(Protocol):
    def export(self, db: str, out: str, config: Config, limit: int | None) -> Exported: ...

    def make_server(self, out: str, db: str, config: Config, host: str, port: int) -> Server: ...


def load() -> Output:
    """The installed output adapter (feeds/, unless another is registered)."""
    found = list(entry_points(group=GROUP))
    if not found:
        raise OutputError(f"no output adapter installed (entry point {GROUP}); reinstall")
    return cast(Output, found[0].load())
