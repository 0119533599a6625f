"""Every configured site is a spider: `scrapy list` and `scrapy crawl SITE` just work."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from newsspider.config import DEFAULT_CONFIG, LOCAL_CONFIG, Config, load_config
from newsspider.spiders import spider_class_for


def config_path(settings: BaseSettings) -> Path:
    """The configuration in effect: setting, environment, ./newsspider.toml, bundled file."""
    explicit = settings.get("NEWSSPIDER_CONFIG") or os.environ.get("NEWSSPIDER_CONFIG")
    if explicit:
        return Path(explicit)
    return LOCAL_CONFIG if LOCAL_CONFIG.exists() else DEFAULT_CONFIG


class SiteSpiderLoader:
    """Loads one spider class per `[sites.NAME]` table of the configuration."""

    def __init__(self, config: Config):
        self.config = config

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(load_config(config_path(settings)))

    def load(self, spider_name: str) -> type[Spider]:
        site = self.config.sites.get(spider_name)
        if site is None:
            known = ", ".join(self.list())
            raise KeyError(
                f"Spider not found: {spider_name} (sites in {self.config.path}: {known})"
            )
        return spider_class_for(site)

    def list(self) -> list[str]:
        return sorted(self.config.sites)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        host = request.url.split("/")[2].split(":")[0] if "://" in request.url else ""
        return [
            name
            for name, site in self.config.sites.items()
            if any(host == d or host.endswith("." + d) for d in site.allowed_domains)
        ]
