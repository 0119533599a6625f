"""A few pages fetched outside a crawl (`discover`), under the crawl's own rules for a site.

No Scrapy: a plain blocking client, one request at a time, so a user can try a site in
seconds. Every rule is the crawl's, taken from the same place:

- the site's definition (`SiteConfig`): timeout, delay, largest response
  (`max_page_bytes`), robots.txt obeyed or not, and the addresses it may reach;
- the address guard (`newsspider.guard`): every request and every redirect hop is
  refused before connecting when its host resolves to a denied address;
- robots.txt read by the crawl's parser (`politeness.robots_rules`, Scrapy's default
  Protego) for the crawl's user agent; redirects re-checked, at most `REDIRECT_MAX_TIMES`.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from protego import Protego

from newsspider.errors import NewsspiderError
from newsspider.extract.encoding import decode_html
from newsspider.extract.sitemaps import sitemaps_in_robots
from newsspider.guard import DEFAULT_DENY_NETWORKS, AddressPolicy, ip_literal, resolve_host
from newsspider.politeness import robots_rules
from newsspider.settings import REDIRECT_MAX_TIMES, USER_AGENT

if TYPE_CHECKING:
    from newsspider.config import SiteConfig

_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(NewsspiderError):
    """A page could not be fetched (network error, HTTP error, robots.txt, guard, size)."""


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        charset = re.search(r"charset=([\w.:-]+)", self.content_type)
        return decode_html(self.body, charset.group(1) if charset else None)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by `Fetcher.get`, so that each hop is checked like a request."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


class Fetcher:
    """GET pages of `site` as its crawl would: its user agent, limits, guard and robots.txt."""

    def __init__(
        self,
        user_agent: str,
        site: SiteConfig,
        *,
        delay: float | None = None,
        timeout: float | None = None,
    ):
        self.user_agent = user_agent or USER_AGENT
        self.timeout = site.timeout if timeout is None else timeout
        self.delay = site.download_delay if delay is None else delay
        self.obey_robots = site.obey_robots
        self.max_bytes = site.max_page_bytes
        self.policy = AddressPolicy.from_strings(DEFAULT_DENY_NETWORKS, site.allow_addresses)
        self._robots: dict[str, tuple[Protego, bytes]] = {}  # origin -> rules, robots.txt
        self._last = 0.0

    def get(self, url: str) -> Page:
        """The page at `url`, redirects followed; FetchError says why there is none."""
        for _ in range(REDIRECT_MAX_TIMES + 1):
            self._check(url)
            page, location = self._get(url)
            if location is None:
                return page
            url = urljoin(url, location)
        raise FetchError(f"{url}: more than {REDIRECT_MAX_TIMES} redirects")

    def robots_for(self, url: str) -> Protego:
        """The robots.txt rules of the URL's origin (all allowed when it has none)."""
        return self._robots_of(url)[0]

    def sitemaps_for(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of the URL's origin names, as the crawl reads them."""
        return list(sitemaps_in_robots(self._robots_of(url)[1], urljoin(url, "/robots.txt")))

    def _robots_of(self, url: str) -> tuple[Protego, bytes]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            try:
                body = self._get(origin + "/robots.txt")[0].body
            except FetchError:
                body = b""
            self._robots[origin] = robots_rules(body), body
        return self._robots[origin]

    def _check(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        literal = ip_literal(host)
        addresses = (str(literal),) if literal is not None else resolve_host(host)
        if not addresses:
            raise FetchError(f"{url}: {host} resolves to no address")
        if denied := self.policy.denied(addresses):
            raise FetchError(f"{url}: blocked address ({host} -> {', '.join(denied)})")
        if self.obey_robots and not self.robots_for(url).can_fetch(url, self.user_agent):
            raise FetchError(f"{url}: disallowed by robots.txt")

    def _get(self, url: str) -> tuple[Page, str | None]:
        """One request: the page, and where it redirects to (None when it does not)."""
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                page = Page(response.geturl(), response.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in _REDIRECTS else None
            if location:
                return Page(url, "", b""), location
            raise FetchError(f"{url}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: {reason}") from None
        finally:
            self._last = time.monotonic()
        if len(page.body) > self.max_bytes:
            raise FetchError(f"{url}: larger than {self.max_bytes} bytes (max_page_bytes)")
        return page, None
