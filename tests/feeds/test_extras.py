"""JSON Feed, OPML, index.html, right-to-left content and WebSub hub links."""

from __future__ import annotations

import dataclasses
import json

import feedparser
from lxml import etree
from lxml import html as lxml_html

from feeds import export_feeds
from newsspider.config import FeedOptions
from tests.feeds.conftest import BASE_URL, article, make_config

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


@dataclasses.dataclass(frozen=True)
class HubOptions(FeedOptions):
    """`[feeds]` with the `websub_hub` option the exporter honours when present."""

    websub_hub: str | None = None


def test_json_feed_follows_version_1_1(make_db, tmp_path):
    db = make_db(
        article("a", "1", published="2025-10-27T04:22:21+00:00", categories=["Economy"]),
        article("a", "2", published="2025-10-26T00:00:00+00:00", body_html=None, body_text=None,
                summary=None),
    )  # fmt: skip
    export_feeds(db, tmp_path, make_config("a"))
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == BASE_URL + "a.json"
    assert document["language"] == "en"
    first, second = document["items"]
    assert first["id"] == "tag:feeds.example.org,2025:a/1"
    assert first["date_published"] == "2025-10-27T04:22:21+00:00"
    assert first["content_html"].startswith("<p>First paragraph of 1.</p>")
    assert first["authors"] == [{"name": "IRNA"}] and first["tags"] == ["Economy"]
    assert second["content_text"] == "Title 2" and "content_html" not in second
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith("https://")


def test_opml_lists_every_feed(make_db, tmp_path):
    db = make_db(article("a", "1"), article("b", "1", published="2025-11-01T10:00:00Z"))
    export_feeds(db, tmp_path, make_config("a", "b", title="My & news"))
    opml = etree.parse(str(tmp_path / "feeds.opml")).getroot()
    assert opml.get("version") == "2.0"
    assert opml.findtext("head/title") == "My & news"
    assert opml.findtext("head/dateModified") == "Sat, 01 Nov 2025 10:00:00 GMT"
    outlines = opml.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        BASE_URL + "a.atom.xml",
        BASE_URL + "b.atom.xml",
        BASE_URL + "all.atom.xml",
    ]
    assert outlines[0].get("text") == "Site a" and outlines[0].get("type") == "rss"


def test_index_html_escapes_and_links_every_format(make_db, tmp_path):
    config = make_config("a", "e", title='<script>alert("x")</script> & co')
    hostile = dataclasses.replace(config.sites["a"], title='A <b>"quoted"</b> & site')
    config = dataclasses.replace(config, sites={**config.sites, "a": hostile})
    db = make_db(article("a", "1"), article("a", "2"))
    export_feeds(db, tmp_path, config)
    raw = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in raw and "<b>" not in raw
    page = lxml_html.fromstring(raw)
    assert page.findtext(".//h1") == '<script>alert("x")</script> & co'
    rows = page.findall(".//tbody/tr")
    assert [r.findtext("td/a") for r in rows] == [
        'A <b>"quoted"</b> & site',
        "Site e",
        '<script>alert("x")</script> & co',
    ]
    assert [r.findtext("td[2]") for r in rows] == ["2", "0", "2"]
    assert rows[1].findtext("td[3]") == "never"
    assert rows[0].find("td[3]/time").get("datetime") == "2025-10-27T04:22:21+00:00"
    assert [a.get("href") for a in rows[0].findall("td[4]/a")] == ["a.rss.xml", "a.atom.xml",
                                                                   "a.json"]  # fmt: skip


def test_rtl_content_and_index_rows_are_marked(make_db, tmp_path, atom_checker):
    db = make_db(article("fa", "1", language="fa", title="خبر"), article("en", "1"))
    config = make_config("fa", "en", language=None)
    export_feeds(db, tmp_path, dataclasses.replace(config, sites={
        "fa": dataclasses.replace(config.sites["fa"], language="fa"),
        "en": dataclasses.replace(config.sites["en"], language="en"),
    }))  # fmt: skip
    fa_entry = feedparser.parse((tmp_path / "fa.atom.xml").read_bytes()).entries[0]
    assert fa_entry.content[0].value.startswith('<div dir="rtl"><p>')
    en_entry = feedparser.parse((tmp_path / "en.atom.xml").read_bytes()).entries[0]
    assert "dir=" not in en_entry.content[0].value
    assert atom_checker.errors((tmp_path / "fa.atom.xml").read_bytes()) == []
    page = lxml_html.fromstring((tmp_path / "index.html").read_text(encoding="utf-8"))
    cells = {td.findtext("a"): td for td in page.findall(".//tbody/tr/td[1]")}
    assert cells["Site fa"].get("dir") == "rtl" and cells["Site fa"].get("lang") == "fa"
    assert cells["Site en"].get("dir") is None


def test_websub_hub_is_linked_in_every_format(make_db, tmp_path, atom_checker):
    hub = "https://hub.example.net/"
    config = dataclasses.replace(
        make_config("a"), feeds=HubOptions(base_url=BASE_URL, websub_hub=hub)
    )
    export_feeds(make_db(article("a", "1")), tmp_path, config)
    atom = etree.parse(str(tmp_path / "a.atom.xml"))
    assert atom.xpath("/atom:feed/atom:link[@rel='hub']/@href", namespaces=ATOM) == [hub]
    assert atom_checker.errors((tmp_path / "a.atom.xml").read_bytes()) == []
    rss = etree.parse(str(tmp_path / "a.rss.xml"))
    assert rss.xpath("/rss/channel/atom:link[@rel='hub']/@href", namespaces=ATOM) == [hub]
    assert rss.findtext("channel/link") == "https://a.example.com/"
    assert feedparser.parse((tmp_path / "a.rss.xml").read_bytes()).bozo == 0
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert document["hubs"] == [{"type": "WebSub", "url": hub}]


def test_no_hub_without_the_option(make_db, tmp_path):
    export_feeds(make_db(article("a", "1")), tmp_path, make_config("a"))
    assert b'rel="hub"' not in (tmp_path / "a.atom.xml").read_bytes()
    assert b'rel="hub"' not in (tmp_path / "a.rss.xml").read_bytes()
    assert "hubs" not in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
