"""One spider class per kind of site; each configured site gets its own subclass."""

from __future__ import annotations

from scrapy import Spider

from newsspider.config import SiteConfig


def spider_class_for(site: SiteConfig) -> type[Spider]:
    from newsspider.spiders.base import SiteSpider
    from newsspider.spiders.generic import GenericSpider
    from newsspider.spiders.portal import PortalSpider

    kinds: dict[str, type[SiteSpider]] = {"portal": PortalSpider, "generic": GenericSpider}
    return kinds[site.kind].for_site(site)
