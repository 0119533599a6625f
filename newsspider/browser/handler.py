"""The download handler of rendering sites: scrapy-playwright, with newsspider's rules.

Only sites with `render` other than "http" get it (see `browser_settings`). It renders
the requests of the spiders' listing (and article) callbacks and fetches everything
else (robots.txt, sitemaps, feeds) as plain HTTP. On top of scrapy-playwright:

- the address guard (`BrowserGuard`) routes every request of the browser context;
- a page waits for `wait_for`, else for network idle, at most `idle_timeout`;
- a page that does not load, or never shows `wait_for`, is a `RenderTimeoutError`
  (one counted error, `render_timeout`), not a stuck crawl;
- a redirect of the page itself comes back to Scrapy as a 3xx response;
- the rendered page obeys the site's `max_page_bytes`.
"""

from __future__ import annotations

import logging
from typing import Any

from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from newsspider.browser import CONTEXT_NAME, RenderTimeoutError
from newsspider.browser.guard import BrowserGuard
from newsspider.guard import AddressPolicy, resolve_host

_REDIRECT = "newsspider_redirect"
# The spiders' callbacks whose pages are rendered, by `render` mode.
RENDERED_CALLBACKS = {
    "listings": frozenset({"parse_listing"}),
    "browser": frozenset({"parse_listing", "parse_article"}),
}


def _without_traceback(record: logging.LogRecord) -> bool:
    """scrapy-playwright logs a failed page with its traceback; the reason is counted anyway."""
    record.exc_info = None
    return True


logging.getLogger("scrapy-playwright").addFilter(_without_traceback)


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        policy = AddressPolicy.from_strings(
            settings.getlist("NEWSSPIDER_DENY_ADDRESSES"),
            settings.getlist("NEWSSPIDER_ALLOW_ADDRESSES"),
        )
        self.render_timeout = settings.getfloat("NEWSSPIDER_RENDER_TIMEOUT", 30.0)
        self.idle_timeout = settings.getfloat("NEWSSPIDER_IDLE_TIMEOUT", 5.0)
        self.wait_for: str | None = settings.get("NEWSSPIDER_WAIT_FOR")
        self.rendered = RENDERED_CALLBACKS.get(settings.get("NEWSSPIDER_RENDER", ""), frozenset())
        self.max_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        self.guard = BrowserGuard(
            policy,
            resolve_host,
            tuple(settings.getlist("NEWSSPIDER_BLOCK_RESOURCES")),
            count=self._count,
            timeout=self.render_timeout,
        )

    def _count(self, key: str) -> None:
        self.stats.inc_value(f"newsspider/{key}")

    async def download_request(self, request: Request) -> Response:
        callback = getattr(request.callback, "__name__", None)
        if callback not in self.rendered:
            return await super().download_request(request)
        request.meta.update(playwright=True, playwright_context=CONTEXT_NAME)
        request.meta.setdefault("playwright_context_kwargs", {"service_workers": "block"})
        try:
            response = await super().download_request(request)
        except PlaywrightTimeoutError as exc:
            self._count("pages/render_timeout")
            raise RenderTimeoutError(f"{request.url}: {exc.message.splitlines()[0]}") from None
        moved = request.meta.pop(_REDIRECT, None)
        if moved is not None:
            status, location = moved
            return Response(
                request.url, status=status, headers={"Location": location}, request=request
            )
        if self.max_bytes and len(response.body) > self.max_bytes:
            raise IgnoreRequest(f"rendered page over max size ({len(response.body)} bytes)")
        self._count("pages/rendered")
        return response

    async def _create_browser_context(
        self, name: str, context_kwargs: dict | None, spider: Spider | None = None
    ):
        wrapper = await super()._create_browser_context(name, context_kwargs, spider)
        await self.guard.install(wrapper.context)
        return wrapper

    def _make_request_handler(self, *args: Any, **kwargs: Any) -> Any:
        """scrapy-playwright's page route (the Scrapy request's headers) hands each request
        on to the context's guard instead of sending it itself."""
        handler = super()._make_request_handler(*args, **kwargs)

        async def fall_back_to_guard(route: Any, request: Any) -> None:
            await handler(_FallbackRoute(route), request)

        return fall_back_to_guard

    async def _apply_page_methods(self, page: Page, request: Request, spider: Spider) -> None:
        """Wait until the page is ready (or note that its document was a redirect)."""
        moved = self.guard.redirect_of(page)
        if moved is not None:
            request.meta[_REDIRECT] = moved
            return
        if self.wait_for:
            await page.wait_for_selector(
                self.wait_for, state="attached", timeout=self.render_timeout * 1000
            )
        else:
            try:
                await page.wait_for_load_state("networkidle", timeout=self.idle_timeout * 1000)
            except PlaywrightTimeoutError:
                self._count("warnings/render_not_idle")
        await super()._apply_page_methods(page, request, spider)


class _FallbackRoute:
    """A route whose `continue_` passes the request to the next handler (the guard)."""

    def __init__(self, route: Any):
        self._route = route

    async def continue_(self, **overrides: Any) -> None:
        await self._route.fallback(**overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._route, name)
