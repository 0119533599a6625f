"""Portal news sites: pages labelled `News ID` and `Publish Date`."""

from __future__ import annotations

from scrapy.http import TextResponse

from newsspider.extract.portal import extract_portal, parse_html
from newsspider.items import Article
from newsspider.spiders.base import SiteSpider


class PortalSpider(SiteSpider):
    def build_article(self, response: TextResponse) -> Article:
        fields = extract_portal(parse_html(response.text))
        url_id = self.id_from_url(response.url)
        if url_id:
            fields["news_id"] = url_id
            fields["extracted_by"]["news_id"] = "url"
        return Article(**self.base_article(response), **fields)
