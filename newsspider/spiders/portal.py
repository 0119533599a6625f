"""Portal news sites: pages labelled `News ID` and `Publish Date`."""

from __future__ import annotations

from typing import Any

from scrapy.http import TextResponse

from newsspider.extract.sitemaps import Link
from newsspider.items import Article
from newsspider.spiders.base import SiteSpider


class PortalSpider(SiteSpider):
    def build_article(
        self, response: TextResponse, fields: dict[str, Any], hint: Link | None = None
    ) -> Article:
        return Article(**self.base_article(response), **fields)
