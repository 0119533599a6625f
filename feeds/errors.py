"""Named errors of the feed exporter (subclasses of the library's errors, same exit statuses)."""

from __future__ import annotations

from newsspider.errors import DatabaseNotFoundError, OutputError

__all__ = ["DatabaseNotFoundError", "FeedNameClashError", "OutputDirError"]


class OutputDirError(OutputError):
    """The output directory cannot be created or a feed file cannot be written there."""


class FeedNameClashError(OutputError):
    """A site's feed files would overwrite the combined feed (a site named like it)."""
