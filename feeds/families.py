"""Every feed the configuration declares, as `FeedSpec`s: per site, combined, and families."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.text import language_tag, plain_line
from newsspider.config import COMBINED_FEED_NAME, Config, FeedFamily, SiteConfig
from newsspider.db.read import BadQueryError, fts_query
from newsspider.db.selection import Selection
from newsspider.errors import ConfigError

COMBINED_FEED = COMBINED_FEED_NAME
_DESCRIPTIONS = {
    "category": "Articles in the category {value}",
    "tag": "Articles tagged {value}",
    "language": "Articles in language {value}",
    "source": "Articles from the agency {value}",
    "search": "Articles matching {value}",
}


@dataclass(frozen=True)
class FeedSpec:
    """What one feed is: its name (file names `<name>.*`), labels and selected articles."""

    name: str
    title: str
    subtitle: str
    home_url: str
    language: str | None
    selection: Selection


def feed_specs(config: Config) -> list[FeedSpec]:
    """Site feeds in config order, then the combined feed, then the families in config order."""
    specs = [site_spec(site) for site in config.sites.values()]
    specs.append(combined_spec(config))
    specs.extend(family_spec(config, family) for family in config.feeds.families)
    return specs


def site_spec(site: SiteConfig) -> FeedSpec:
    title = plain_line(site.display_title) or site.name
    return FeedSpec(
        name=site.name,
        title=title,
        subtitle=f"Latest articles from {title}",
        home_url=site.start_urls[0],
        language=language_tag(site.language),
        selection=Selection(sites=(site.name,)),
    )


def combined_spec(config: Config) -> FeedSpec:
    """Every site's articles, a story syndicated by several sites shown once."""
    return FeedSpec(
        name=COMBINED_FEED,
        title=plain_line(config.feeds.title) or COMBINED_FEED,
        subtitle="Latest articles from every site",
        home_url=config.feeds.base_url,
        language=_common_language(config, tuple(config.sites)),
        selection=Selection(sites=tuple(config.sites), one_per_story=True),
    )


def family_spec(config: Config, family: FeedFamily) -> FeedSpec:
    """A category, tag, language, source or saved-search feed, one entry per story."""
    sites = family.sites or tuple(config.sites)
    value = plain_line(family.query if family.kind == "search" else family.value)
    columns: list[tuple[str, str]] = []
    label = None
    match = None
    if family.kind in ("category", "tag"):
        label = (family.kind, value.lower())
    elif family.kind in ("language", "source"):
        columns.append((family.kind, value))
    else:
        match = _saved_query(config, family, value)
    language = language_tag(family.language)
    if language and family.kind != "language":
        columns.append(("language", language))
    feed_language = language_tag(value) if family.kind == "language" else language
    return FeedSpec(
        name=family.name,
        title=plain_line(family.title) or value,
        subtitle=_DESCRIPTIONS[family.kind].format(value=value),
        home_url=config.feeds.base_url,
        language=feed_language or _common_language(config, sites),
        selection=Selection(
            sites=sites, columns=tuple(columns), label=label, match=match, one_per_story=True
        ),
    )


def _saved_query(config: Config, family: FeedFamily, query: str) -> str:
    try:
        return fts_query(query)
    except BadQueryError as exc:
        raise ConfigError(
            config.path, str(exc), key=f"feeds.families.{family.name}.query"
        ) from None


def _common_language(config: Config, sites: tuple[str, ...]) -> str | None:
    """The language of the sites when they share one, else None (a mixed feed)."""
    languages = {language_tag(config.sites[name].language) for name in sites}
    return languages.pop() if len(languages) == 1 else None
