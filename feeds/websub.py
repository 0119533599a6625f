"""WebSub publisher pings: tell the hub which feeds changed, so it fetches and pushes them.

A hub that is down never fails an export: each failed ping is logged and counted, and the
next export that changes the feed pings again.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlencode

log = logging.getLogger(__name__)

PING_TIMEOUT_S = 10.0
USER_AGENT = "newsspider-websub"


def ping_hub(hub: str, feed_urls: Iterable[str], timeout: float = PING_TIMEOUT_S) -> list[str]:
    """POST `hub.mode=publish` for each feed URL; returns the URLs whose ping failed."""
    failed = []
    for url in feed_urls:
        try:
            _publish(hub, url, timeout)
        except (OSError, ValueError) as exc:
            log.warning("WebSub hub %s: ping for %s failed: %s", hub, url, exc)
            failed.append(url)
        else:
            log.info("WebSub hub %s: pinged for %s", hub, url)
    return failed


def _publish(hub: str, url: str, timeout: float) -> None:
    body = urlencode({"hub.mode": "publish", "hub.url": url}).encode("ascii")
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
    )
    # Any 2xx is success (hubs answer 202 or 204); urlopen raises HTTPError otherwise.
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
