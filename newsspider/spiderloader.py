"""Every configured site is a spider: `scrapy list` and `scrapy crawl SITE` just work."""

from __future__ import annotations

import builtins
import os
import sys
from pathlib import Path
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from newsspider.config import DEFAULT_CONFIG, LOCAL_CONFIG, Config, load_config
from newsspider.errors import ConfigError
from newsspider.spiders import spider_class_for

CONFIG_SOURCES = (
    "the configuration is -s NEWSSPIDER_CONFIG=PATH, else $NEWSSPIDER_CONFIG, "
    "else ./newsspider.toml, else the bundled newsspider/sites.toml"
)


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
        """The configured sites; under `scrapy`, a bad configuration is one line and exit 2."""
        try:
            return cls(load_config(config_path(settings)))
        except ConfigError as exc:
            print(f"newsspider: error: {exc} ({CONFIG_SOURCES})", file=sys.stderr)
            raise SystemExit(2) from None

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
