"""News IDs: the site's own article number, never anything that changes between fetches."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from newsspider.extract.metadata import strip_tracking


def news_id_from_url(url: str, id_pattern: str | None) -> str | None:
    """The `id` group of the site's `id_pattern` over the URL."""
    if not id_pattern:
        return None
    found = re.search(id_pattern, url)
    return found.group("id") if found and found.group("id") else None


def url_hash_id(url: str) -> str:
    """A stable ID from a URL without scheme, fragment and tracking parameters, hashed.

    The last resort for sites that show no article number: `u` + 16 hex digits.
    """
    parts = urlsplit(strip_tracking(url))
    key = f"{parts.netloc.lower()}{parts.path}{'?' + parts.query if parts.query else ''}"
    return "u" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
