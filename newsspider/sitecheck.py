"""Does a site definition work? The site's own spider on a few article pages, storing nothing.

`sample_site` runs the very spider a crawl runs (listings, pagination, feeds,
sitemaps, robots.txt, politeness, the address guard), lets through only the first
`limit` article requests, and keeps each article as the crawl's own article path
would store it (`newsspider.articles.preview`), from the page alone: what a
sitemap or feed said of the page is left out, so a gap in the page shows.
Scrapy's reactor runs once per process: the spider runs in a child process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import TextResponse

from newsspider import stats
from newsspider.articles import preview
from newsspider.browser.signs import script_built
from newsspider.config import Config, SiteConfig
from newsspider.crawl import crawl_settings
from newsspider.spiders import spider_class_for

_PAGES = ("listing", "feed", "sitemap", "article")
_ROBOTS_FORBIDDEN = "robotstxt/forbidden"  # Scrapy's own count
ADVICE = 'set render = "browser" (docs/browser.md)'


@dataclass(frozen=True)
class Checked:
    url: str
    fields: dict[str, Any] | None
    error: str | None = None


@dataclass
class Sample:
    """The article pages checked, and what the crawl counted on the way (as notes)."""

    checked: list[Checked] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sample_site(config: Config, site: SiteConfig, limit: int, log_level: str) -> Sample:
    """Run `site`'s spider in a child process until `limit` article pages are read."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_crawl_sample, config, site.name, limit, log_level).result()


def _crawl_sample(config: Config, name: str, limit: int, log_level: str) -> Sample:
    settings = crawl_settings(config, "", log_level, incremental=False, sample_limit=limit)
    settings.set("ITEM_PIPELINES", {f"{__name__}.SampleCollector": 100}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    middlewares = settings.getdict("SPIDER_MIDDLEWARES") | {f"{__name__}.ArticleBudget": 960}
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class_for(config.sites[name]))
    process.crawl(crawler)
    process.start()
    return _sample(crawler)


def _sample(crawler: Crawler) -> Sample:
    figures = crawler.stats.get_stats() if crawler.stats else {}
    budget: ArticleBudget = crawler.newsspider_budget  # type: ignore[attr-defined]
    admitted = budget.admitted
    collected: dict[str, dict[str, Any]] = crawler.newsspider_collected  # type: ignore[attr-defined]
    checked = [Checked(url, fields) for url, fields in collected.items()]
    unread = [url for url in admitted if url not in collected]  # a redirect changes the URL
    checked += [Checked(url, None, _why_not(figures)) for url in unread[len(checked) :]]
    pages = ", ".join(f"{kind} {stats.value(figures, f'pages/{kind}')}" for kind in _PAGES)
    notes = [f"pages read: {pages}", *budget.notes]
    if figures.get(_ROBOTS_FORBIDDEN):
        notes.append(f"disallowed by robots.txt: {figures[_ROBOTS_FORBIDDEN]} requests")
    for group in (stats.Group.ERRORS, stats.Group.SKIPPED):
        counted = {k: v for k, v in stats.grouped(figures, group).items() if k != "requests"}
        if counted:
            notes.append(f"{group}: " + ", ".join(f"{k} {v}" for k, v in counted.items()))
    return Sample(checked, notes)


def _why_not(figures: dict[str, Any]) -> str:
    errors = stats.grouped(figures, stats.Group.ERRORS)
    errors.pop("requests", None)
    if figures.get(_ROBOTS_FORBIDDEN):
        errors["disallowed by robots.txt"] = figures[_ROBOTS_FORBIDDEN]
    reasons = ", ".join(errors) or "not an HTML article page"
    return f"no article read ({reasons}; -v shows each request)"


class ArticleBudget:
    """Spider middleware: the first `NEWSSPIDER_SAMPLE_LIMIT` article requests, then nothing."""

    def __init__(self, limit: int):
        self.limit = limit
        self.admitted: list[str] = []
        self.notes: list[str] = []  # per listing page: its article links

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        budget = cls(crawler.settings.getint("NEWSSPIDER_SAMPLE_LIMIT"))
        crawler.newsspider_budget = budget  # type: ignore[attr-defined]
        return budget

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in start:
            if self.admit(output):
                yield output

    async def process_spider_output(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        links = 0
        async for output in result:
            links += _is_article_request(output)
            if self.admit(output):
                yield output
        if getattr(response.request.callback, "__name__", "") == "parse_listing":
            self.note_listing(response, links)

    def note_listing(self, response: Any, links: int) -> None:
        self.notes.append(f"listing {response.url}: {links} article links")
        if (
            not links
            and isinstance(response, TextResponse)
            and (why := script_built(response.text))
        ):
            self.notes.append(f"listing {response.url} looks built by JavaScript: {why}; {ADVICE}")

    def admit(self, output: Any) -> bool:
        if not isinstance(output, Request):
            return True  # an article
        if len(self.admitted) >= self.limit:
            return False  # enough: no more listings, feeds or articles
        if _is_article_request(output):
            self.admitted.append(output.url)
            output.cb_kwargs.pop("hint", None)  # the page alone
        return True


class SampleCollector:
    """Item pipeline: keeps each article as the crawl would store it, by its URL."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.collected: dict[str, dict[str, Any]] = {}
        crawler.newsspider_collected = self.collected  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        site = getattr(self.crawler.spider, "site", None)
        fields = preview(dict(ItemAdapter(item).items()), site)
        self.collected[fields["url"]] = fields
        return item


def _is_article_request(output: Any) -> bool:
    return (
        isinstance(output, Request) and getattr(output.callback, "__name__", "") == "parse_article"
    )
