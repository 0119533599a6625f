"""The address guard inside Chromium: every request a rendered page makes is checked.

Playwright's request routing sees each request of a page (the page itself, scripts,
stylesheets, XHR and fetch, frames), but not the hops of a redirect the browser
follows by itself. So the guard fetches every request itself, one hop at a time
(`route.fetch(max_redirects=0)`), checks each hop's address, and hands the browser
only the final answer. A redirect of the page itself is not followed here: it is
recorded (`redirect_of`) and goes back to Scrapy, whose redirect and address
middlewares decide as for any request. WebSockets and service workers are refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import BrowserContext, Error, Page, Request, Route, WebSocketRoute

from newsspider.guard import AddressPolicy, ip_literal

logger = logging.getLogger(__name__)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_HOPS = 5
EMPTY_PAGE = "<!DOCTYPE html><html><head></head><body></body></html>"

Resolver = Callable[[str], tuple[str, ...]]
Counter = Callable[[str], None]


class BrowserGuard:
    """The route handler of one browser context (one site)."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolve: Resolver,
        blocked_types: tuple[str, ...] = (),
        count: Counter | None = None,
        timeout: float = 30.0,
    ):
        self.policy = policy
        self.resolve = resolve
        self.blocked_types = frozenset(blocked_types)
        self.count: Counter = count or (lambda key: None)
        self.timeout_ms = timeout * 1000
        self.resolved: dict[str, tuple[str, ...]] = {}
        self.redirects: dict[Page, tuple[int, str]] = {}

    async def install(self, context: BrowserContext) -> None:
        """Route every request of the context (every page, popup and worker) through `route`."""
        await context.route("**", self.route)
        await context.route_web_socket("**", self.refuse_web_socket)

    async def permits(self, url: str) -> bool:
        host = urlsplit(url).hostname
        if not host:
            return False
        literal = ip_literal(host)
        if literal is not None:
            addresses: tuple[str, ...] = (str(literal),)
        else:
            if host not in self.resolved:
                self.resolved[host] = await asyncio.to_thread(self.resolve, host)
            addresses = self.resolved[host]
        return bool(addresses) and all(self.policy.permits(a) for a in addresses)

    async def route(self, route: Route, request: Request) -> None:
        if request.resource_type in self.blocked_types:
            self.count(f"browser/blocked/{request.resource_type}")
            await _quietly(route.abort("blockedbyclient"))
            return
        url = request.url
        if not url.startswith(("http://", "https://")):
            await _quietly(route.continue_())  # data:, blob: (no network)
            return
        main_page = _main_frame_page(request)
        for _hop in range(MAX_HOPS + 1):
            if not await self.permits(url):
                await self._refuse(route, url)
                return
            try:
                response = await route.fetch(url=url, max_redirects=0, timeout=self.timeout_ms)
            except Error as exc:
                logger.debug("browser request failed: %s (%s)", url, exc)
                await _quietly(route.abort("failed"))
                return
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                await _quietly(route.fulfill(response=response))
                return
            url = urljoin(url, location)
            if main_page is not None:  # the page itself moved: Scrapy follows (and checks) it
                self.redirects[main_page] = (response.status, url)
                await _quietly(route.fulfill(status=200, body=EMPTY_PAGE, content_type="text/html"))
                return
        self.count("browser/redirect_loop")
        await _quietly(route.abort("failed"))

    async def _refuse(self, route: Route, url: str) -> None:
        self.count("skipped/blocked_address")
        logger.warning("blocked %s in the browser: a denied address", url)
        await _quietly(route.abort("addressunreachable"))

    async def refuse_web_socket(self, websocket: WebSocketRoute) -> None:
        self.count("browser/blocked/websocket")
        await websocket.close(code=1008, reason="refused by newsspider")

    def redirect_of(self, page: Page) -> tuple[int, str] | None:
        """The redirect the page's own document answered with, if any (forgotten once read)."""
        return self.redirects.pop(page, None)


def _main_frame_page(request: Request) -> Page | None:
    """The page whose top-level document this request loads, else None."""
    if not request.is_navigation_request():
        return None
    try:
        frame = request.frame
    except Error:  # a service worker's request has no frame
        return None
    return frame.page if frame.parent_frame is None else None


async def _quietly(action: Any) -> None:
    """Route actions fail harmlessly when the page closed meanwhile."""
    try:
        await action
    except Error as exc:
        logger.debug("route action after close: %s", exc)
