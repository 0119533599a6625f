"""Render a few pages outside a crawl (`check-site`, `discover`, bench): the same Chromium,
launch options, address guard, blocked resources and wait condition as the crawler's."""

from __future__ import annotations

import asyncio
import os
from contextlib import suppress
from dataclasses import dataclass

from playwright.async_api import BrowserContext, Error, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from newsspider.browser import launch_options
from newsspider.browser.guard import BrowserGuard
from newsspider.browser.signs import rendering_adds, script_built
from newsspider.config import SiteConfig
from newsspider.fetching import FetchError, Page
from newsspider.guard import DEFAULT_DENY_NETWORKS, AddressPolicy, resolve_host


@dataclass(frozen=True)
class Rendered:
    url: str  # where the page ended up
    html: str | None
    error: str | None = None


def rendered_page(site: SiteConfig, url: str, user_agent: str) -> Page:
    """One page rendered, as `fetching.Fetcher.get` returns a fetched one (FetchError)."""
    result = render_pages(site, [url], user_agent)[0]
    if result.html is None:
        raise FetchError(f"{url}: {result.error}")
    return Page(result.url, "text/html; charset=utf-8", result.html.encode("utf-8"))


def render_pages(site: SiteConfig, urls: list[str], user_agent: str) -> list[Rendered]:
    """Each URL rendered in turn, in one browser; a failure is that page's `error`."""
    return asyncio.run(_render_all(site, urls, user_agent))


async def _render_all(site: SiteConfig, urls: list[str], user_agent: str) -> list[Rendered]:
    policy = AddressPolicy.from_strings(DEFAULT_DENY_NETWORKS, site.allow_addresses)
    guard = BrowserGuard(policy, resolve_host, site.block_resources, timeout=site.render_timeout)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(site))
        try:
            context = await browser.new_context(user_agent=user_agent, service_workers="block")
            await guard.install(context)
            return [await _render(context, guard, site, url) for url in urls]
        finally:
            await browser.close()


async def _render(
    context: BrowserContext, guard: BrowserGuard, site: SiteConfig, url: str, hops: int = 5
) -> Rendered:
    page = await context.new_page()
    timeout = site.render_timeout * 1000
    try:
        response = await page.goto(url, timeout=timeout)
        moved = guard.redirect_of(page)
        if moved is not None and hops > 0:  # each hop checked like the first
            return await _render(context, guard, site, moved[1], hops - 1)
        if moved is not None:
            return Rendered(url, None, "redirect_loop")
        if response is not None and response.status >= 400:
            return Rendered(url, None, f"HTTP {response.status}")
        if site.wait_for:
            await page.wait_for_selector(site.wait_for, state="attached", timeout=timeout)
        else:
            with suppress(PlaywrightTimeoutError):  # taken as it is, as the crawler does
                await page.wait_for_load_state("networkidle", timeout=site.idle_timeout * 1000)
        return Rendered(page.url, await page.content())
    except PlaywrightTimeoutError:
        return Rendered(url, None, f"render_timeout: not ready within {site.render_timeout:g} s")
    except Error as exc:
        return Rendered(url, None, exc.message.splitlines()[0])
    finally:
        await page.close()


def render_advice(
    url: str, fetched_html: str, user_agent: str, allow: tuple[str, ...]
) -> str | None:
    """Why `url` needs `render = "browser"` (its text appears only when rendered), else None.

    Renders with the system Chromium at the default path; without it, judges the fetched
    page alone (`script_built`)."""
    site = SiteConfig(
        name="discover", kind="generic", start_urls=(url,), timezone="UTC", allow_addresses=allow
    )
    if not os.access(site.browser_path, os.X_OK):
        why = script_built(fetched_html)
        return (
            f"the page looks built by JavaScript: {why} (not rendered: no Chromium)"
            if why
            else None
        )
    rendered = render_pages(site, [url], user_agent)[0]
    return rendering_adds(fetched_html, rendered.html) if rendered.html else None
