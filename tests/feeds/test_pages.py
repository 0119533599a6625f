"""HTML pages for people: one per feed, linked from index.html, valid, RTL-aware, inert."""

from __future__ import annotations

import dataclasses
import http.client
from pathlib import Path
from urllib.parse import quote

import html5lib
import lxml.html
import pytest

from feeds import export_feeds
from feeds.serve import ServerProcess, feed_app
from tests.feeds.conftest import article, make_config

HOSTILE = '<script>alert("x")</script> & <b onclick="x()">bold</b>'


def config_fa_en():
    config = make_config("fa", "en", language=None, title="Feeds")
    sites = {
        "fa": dataclasses.replace(config.sites["fa"], language="fa", title="خبرگزاری نمونه"),
        "en": dataclasses.replace(config.sites["en"], language="en"),
    }
    return dataclasses.replace(config, sites=sites)


CONFIG = config_fa_en()


@pytest.fixture
def exported(make_db, tmp_path) -> tuple[Path, Path]:
    db = make_db(
        article("fa", "1", language="fa", title="بازگشایی بندر پس از اعتصاب",
                body_text="کارگران بندر امروز به کار بازگشتند.", published="2025-10-03T08:00:00Z"),
        article("fa", "2", language="fa", title="تصویب بودجه", body_text="مجلس بودجه را تصویب کرد.",
                published="2025-10-02T08:00:00Z"),
        article("en", "1", title=HOSTILE, body_text=f"Summary {HOSTILE}",
                url="https://en.example.com/news/1/?a=1&b=2"),
    )  # fmt: skip
    out = tmp_path / "out"
    export_feeds(db, out, CONFIG)
    return out, db


def strict_errors(page: bytes) -> list:
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(page)
    return parser.errors


def test_every_page_is_valid_html5(exported):
    out, _ = exported
    for name in ("index.html", "fa.html", "en.html", "all.html"):
        assert strict_errors((out / name).read_bytes()) == [], name
        html5lib.HTMLParser(strict=True).parse((out / name).read_bytes())  # raises when invalid


def test_the_validator_catches_invalid_html():
    assert strict_errors(b"<!DOCTYPE html><html><body><p>unclosed <b>x</i></body></html>")


def test_index_links_every_page_and_marks_names_auto_direction(exported):
    out, _ = exported
    index = lxml.html.fromstring((out / "index.html").read_bytes())
    links = index.xpath("//tbody/tr/td[1]/a")
    assert [a.get("href") for a in links] == ["fa.html", "en.html", "all.html"]
    assert {a.get("dir") for a in links} == {"auto"}
    assert links[0].text == "خبرگزاری نمونه"


def test_a_page_lists_the_newest_entries_with_source_date_summary_link(exported):
    out, _ = exported
    page = lxml.html.fromstring((out / "fa.html").read_bytes())
    assert page.get("lang") == "fa" and page.get("dir") == "rtl"
    titles = page.xpath("//article/h2/a")
    assert [a.text for a in titles] == ["بازگشایی بندر پس از اعتصاب", "تصویب بودجه"]
    assert titles[0].get("href") == "https://fa.example.com/news/1/"
    first = page.xpath("//article")[0]
    assert first.findtext(".//time") == "2025-10-03 08:00 UTC"
    assert first.find(".//time").get("datetime") == "2025-10-03T08:00:00+00:00"
    assert first.findtext(".//p[@class='meta']/bdi") == "IRNA"
    assert first.findtext("p[@dir='auto']") == "کارگران بندر امروز به کار بازگشتند."
    # Every title is direction-neutral: h1, each entry's h2, and the link back to the index.
    assert {h.get("dir") for h in page.xpath("//h1|//h2")} == {"auto"}
    assert page.xpath("//header/p/a[@href='index.html']/bdi")


def test_a_page_is_inert_and_escapes_markup(exported):
    out, _ = exported
    raw = (out / "en.html").read_text(encoding="utf-8")
    assert "<script" not in raw and "<b " not in raw
    page = lxml.html.fromstring(raw)
    assert page.xpath("//script|//iframe|//object|//embed|//base|//img|//@style") == []
    assert [a for a in page.xpath("//@*") if a.attrname.lower().startswith("on")] == []
    assert page.xpath("//article/h2/a")[0].text == HOSTILE
    assert page.xpath("//article/h2/a")[0].get("href") == "https://en.example.com/news/1/?a=1&b=2"
    forms = page.xpath("//form")
    assert len(forms) == 1 and forms[0].get("action") == "en.html"
    assert forms[0].get("method") == "get" and forms[0].xpath(".//input/@name") == ["q"]


def test_the_search_form_is_answered_by_serve(exported, tmp_path):
    out, db = exported
    with ServerProcess(feed_app(out, db, CONFIG)) as server:
        conn = http.client.HTTPConnection(*server.server_address, timeout=10)
        conn.request("GET", "/fa.html?q=" + quote("بودجه"))
        response = conn.getresponse()
        body = response.read()
        conn.close()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert strict_errors(body) == []
    page = lxml.html.fromstring(body)
    assert [a.text for a in page.xpath("//article/h2/a")] == ["تصویب بودجه"]
    assert page.xpath("//input[@name='q']/@value") == ["بودجه"]
