"""`Feed` values to RSS 2.0 and Atom 1.0 bytes through feedgen.

feedgen defaults to the clock for every date it is not given; every date is set here
from the data so that identical data renders identical bytes.
"""

from __future__ import annotations

import html

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.model import Entry, Feed

GENERATOR = "newsspider"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_atom(feed: Feed, file_name: str) -> bytes:
    """The Atom 1.0 document of a feed, whose self link is `base_url` + `file_name`."""
    generator = _generator(feed, file_name)
    return bytes(generator.atom_str(pretty=True, encoding="UTF-8"))


def render_rss(feed: Feed, file_name: str) -> bytes:
    """The RSS 2.0 document of a feed (with content:encoded and dc:creator)."""
    generator = _generator(feed, file_name)
    return bytes(generator.rss_str(pretty=True, encoding="UTF-8"))


def _generator(feed: Feed, file_name: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)
    fg.link(href=feed.url_of(file_name), rel="self")
    if feed.hub:
        fg.link(href=feed.hub, rel="hub")
        fg.register_extension("hub", RssHubLink, atom=False, rss=True)
        fg.hub.href = feed.hub
    # feedgen uses the last link as the RSS <link>: the alternate goes last.
    fg.link(href=feed.home_url, rel="alternate")
    if feed.language:
        fg.language(feed.language)
    fg.generator(GENERATOR)
    fg.updated(feed.updated)
    for entry in feed.entries:
        _add_entry(fg, entry, feed.language)
    return fg


def _add_entry(fg: FeedGenerator, entry: Entry, feed_language: str | None) -> None:
    fe = fg.add_entry(order="append")
    fe.id(entry.id)
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate")
    for name in entry.authors:
        fe.author({"name": name})
        fe.dc.dc_creator(name)
    if entry.summary:
        # RSS <description> is HTML by convention: escape the plain-text summary.
        fe.description(html.escape(entry.summary, quote=False))
    if entry.content_html:
        fe.content(entry.content_html, type="html")
    if entry.summary:
        fe.summary(entry.summary, type="text")
    for term in entry.categories:
        fe.category({"term": term})
    fe.published(entry.published)
    fe.updated(entry.updated)
    if entry.language and entry.language != feed_language:
        fe.register_extension("lang", EntryLanguage, atom=True, rss=False)
        fe.lang.language = entry.language


class RssHubLink(BaseExtension):
    """Adds ``<atom:link rel="hub">`` to RSS, which feedgen only writes into Atom."""

    href: str | None = None

    def extend_rss(self, rss):
        channel = rss.find("channel")
        if self.href and channel is not None:
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", href=self.href, rel="hub")
        return rss


class EntryLanguage(BaseEntryExtension):
    """Marks an Atom entry whose language differs from its feed's with xml:lang."""

    language: str | None = None

    def extend_atom(self, entry):
        if self.language:
            entry.set(XML_LANG, self.language)
        return entry
