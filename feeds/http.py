"""HTTP caching for feeds: strong ETags, conditional requests (304) and gzip negotiation.

Pure functions over bytes and header values, so the rules are testable without a server.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property

CONTENT_TYPES = {
    "opml": "text/x-opml; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Representation:
    """One response body with its validators (before content negotiation).

    The tag and the gzipped body are computed on first use and kept with the object.
    """

    body: bytes
    content_type: str
    last_modified: datetime

    @cached_property
    def etag(self) -> str:
        """A strong ETag from the content hash: equal bytes, equal tag, on any server."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    def gzip_etag(self) -> str:
        """The gzip-encoded variant is different bytes, so it carries its own strong tag."""
        return self.etag[:-1] + '-gz"'

    @cached_property
    def gzip_body(self) -> bytes:
        """The body gzipped once per representation (a cached file is compressed once)."""
        return gzipped(self.body)


def gzipped(body: bytes) -> bytes:
    """Deterministic gzip (no timestamp in the header), so the variant's ETag is stable."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip (explicitly, or by `*`, with q > 0)."""
    allowed: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if coding.strip():
            allowed[coding.strip().lower()] = quality
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("x-gzip", allowed.get("*", 0.0)) > 0


def not_modified(
    representation: Representation, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if if_none_match is not None:
        current = {representation.etag, representation.gzip_etag()}
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or bool(tags & current)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return representation.last_modified.replace(microsecond=0) <= since


def http_date(moment: datetime) -> str:
    """An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
