"""Sites that need a browser: listing and article pages rendered in headless Chromium.

A site with `render = "browser"` (or `"listings"`) is crawled through scrapy-playwright,
driving the system's Chromium (`browser_path`); its rendered DOM goes through the same
spiders and extraction chain as any fetched page (docs/browser.md). This module holds
what needs neither Playwright nor Scrapy: the Scrapy settings of such a site and the
check that the browser is there. `handler` is the download handler, `guard` the address
guard inside the browser, `render` a renderer for the commands (discover, check-site).
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from newsspider.config import SiteConfig
from newsspider.errors import ConfigError

# As root, in a container and with no network beyond the sites: no sandbox (needs user
# namespaces), no GPU, and none of Chromium's own background traffic.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
HANDLER = "newsspider.browser.handler.BrowserDownloadHandler"
CONTEXT_NAME = "newsspider"


class RenderTimeoutError(Exception):
    """A page did not load, or its `wait_for` element did not appear, within render_timeout."""

    reason = "render_timeout"


def needs_browser(site: SiteConfig) -> bool:
    return site.render != "http"


def renders(site: SiteConfig, page_kind: str) -> bool:
    """Whether pages of this kind ("listing" or "article") are rendered for the site."""
    return site.render == "browser" or (site.render == "listings" and page_kind == "listing")


def require_browser(config_path: str, site: SiteConfig) -> None:
    """A ConfigError naming the key when a rendering site cannot have its browser."""
    if not needs_browser(site):
        return
    if importlib.util.find_spec("scrapy_playwright") is None:
        raise ConfigError(
            config_path,
            f"render = {site.render!r} needs the browser extra: pip install 'newsspider[browser]'",
            site=site.name,
            key="render",
        )
    path = site.browser_path
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ConfigError(
            config_path,
            f"no Chromium at {path} (install it, e.g. apt-get install chromium, or set"
            " browser_path to its executable)",
            site=site.name,
            key="browser_path",
        )


def launch_options(site: SiteConfig) -> dict[str, Any]:
    """Playwright's launch options: the system Chromium, headless, never its own download."""
    return {
        "executable_path": site.browser_path,
        "headless": True,
        "args": list(LAUNCH_ARGS),
        "timeout": site.render_timeout * 1000,
        # Scrapy handles Ctrl-C and SIGTERM (a graceful stop); the browser closes with it.
        "handle_sigint": False,
        "handle_sigterm": False,
        "handle_sighup": False,
    }


def browser_settings(site: SiteConfig) -> dict[str, Any]:
    """Scrapy settings of a rendering site; none for an HTTP site (its crawl is unchanged)."""
    if not needs_browser(site):
        return {}
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(site),
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": site.max_open_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": site.render_timeout * 1000,
        "NEWSSPIDER_RENDER": site.render,
        "NEWSSPIDER_WAIT_FOR": site.wait_for,
        "NEWSSPIDER_RENDER_TIMEOUT": site.render_timeout,
        "NEWSSPIDER_IDLE_TIMEOUT": site.idle_timeout,
        "NEWSSPIDER_BLOCK_RESOURCES": list(site.block_resources),
    }


def refuse_in_cluster(config_path: str, sites: list[SiteConfig]) -> None:
    """Cluster workers do not render: a rendering site among `sites` is a ConfigError."""
    for site in sites:
        if needs_browser(site):
            raise ConfigError(
                config_path,
                f"render = {site.render!r} is not supported in cluster mode; crawl this site"
                " with `newsspider crawl`, and name the other sites to enqueue and worker",
                site=site.name,
                key="render",
            )
