"""The W3C Feed Validation Service's rules, checked in code on every produced feed file."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import feedparser
from lxml import etree

from feeds import export_feeds
from tests.feeds.conftest import BASE_URL, article, make_config
from tests.feeds.test_families import FAMILIES, STORY

ATOM_NS = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM_NS}
RFC_822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_every_feed_follows_the_validator_rules(make_db, tmp_path, atom_checker):
    db = make_db(
        article("a", "1", body_text=STORY, categories=["Economy"],
                body_html='<p><a href="/rel/">rel</a><img src="pic.jpg"></p>'),
        article("b", "2", body_text=STORY, published="2025-10-26T10:00:00+03:30"),
        article("a", "3", language="fa", title="خبر کشور", body_text="کشور", source="IRNA"),
    )  # fmt: skip
    export_feeds(db, tmp_path, make_config("a", "b", families=FAMILIES))
    rss_files = sorted(tmp_path.glob("*.rss.xml"))
    assert len(rss_files) == 9
    for path in rss_files:
        assert feedparser.parse(path.read_bytes()).bozo == 0, path.name
        channel = etree.parse(str(path)).getroot().find("channel")
        assert channel.xpath("atom:link[@rel='self']/@href", namespaces=NS) == [
            BASE_URL + path.name
        ]
        for required in ("title", "link", "description", "lastBuildDate"):
            assert channel.findtext(required), (path.name, required)
        assert RFC_822.match(channel.findtext("lastBuildDate"))
        guids = [item.findtext("guid") for item in channel.iter("item")]
        assert len(guids) == len(set(guids))
        for item in channel.iter("item"):
            assert RFC_822.match(item.findtext("pubDate")), item.findtext("pubDate")
            assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
            content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
            assert not re.search(r'(href|src)="(?!https?:|mailto:|data:image/)', content), content
    for path in sorted(tmp_path.glob("*.atom.xml")):
        document = path.read_bytes()
        assert atom_checker.errors(document) == [], path.name
        assert feedparser.parse(document).bozo == 0
        root = etree.fromstring(document)
        ids = root.xpath("//atom:entry/atom:id/text()", namespaces=NS)
        assert len(ids) == len(set(ids)) and all(
            i.startswith("tag:feeds.example.org,2025:") for i in ids
        )
        for stamp in root.xpath("//atom:updated/text() | //atom:published/text()", namespaces=NS):
            assert RFC_3339.match(stamp), stamp
        for entry in root.iterfind("atom:entry", NS):
            language = entry.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get(
                "{http://www.w3.org/XML/1998/namespace}lang"
            )
            content = entry.findtext("atom:content", namespaces=NS) or ""
            assert content.startswith('<div dir="rtl">') == (language == "fa"), path.name
