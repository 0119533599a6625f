from __future__ import annotations

import lxml.html

from newsspider.demo.editions import EDIT_NOTE, build_editions
from newsspider.demo.site import ERROR_MESSAGE
from tests.demo.conftest import fetch, walk_listing


def test_second_edition_adds_two_articles_on_top_of_alpha():
    first, second = build_editions(16).values()
    new = second.sections["alpha"][:2]
    assert second.sections["alpha"][2:] != first.sections["alpha"]  # the title fix
    assert [a.url_path for a in second.sections["alpha"][2:]] == [
        a.url_path for a in first.sections["alpha"]
    ]
    assert {a.url_path for a in new} == second.new_paths
    assert new[0].published > new[1].published > first.sections["alpha"][0].published
    assert int(new[1].news_id) > 253326


def test_second_edition_changes_are_exactly_the_documented_ones():
    first, second = (e.by_path() for e in build_editions(16).values())
    edition = build_editions(16)[2]
    changed = {p for p in first if first[p] != second[p]}
    assert changed == edition.changed_paths
    (retitled,) = [p for p in changed if p.startswith("/alpha/")]
    assert first[retitled].title != second[retitled].title
    assert sorted(first[retitled].title) == sorted(second[retitled].title)  # letters swapped
    (edited,) = [p for p in changed if p.startswith("/gamma/")]
    assert second[edited].paragraphs[-1] == first[edited].paragraphs[-1] + EDIT_NOTE
    assert second[edited].paragraphs[:-1] == first[edited].paragraphs[:-1]
    (broken,) = edition.error_paths
    assert broken.startswith("/beta/") and first[broken] == second[broken]


def test_switching_a_running_server_to_edition_two(server):
    edition = server.truth(2)
    (broken,) = edition.error_paths
    broken_article = edition.by_path()[broken]
    unchanged = server.truth(1).sections["alpha"][5].url_path
    etag_before = fetch(server, unchanged).headers["ETag"]
    assert broken_article.title in fetch(server, broken).text

    server.set_edition(2)
    assert server.edition == 2
    error = fetch(server, broken)
    assert error.status == 200
    assert ERROR_MESSAGE in error.text
    assert broken_article.paragraphs[0] not in lxml.html.fromstring(error.text).text_content()
    for path in edition.changed_paths | edition.new_paths:
        assert edition.by_path()[path].title in fetch(server, path).text
    entries, pages = walk_listing(server, "alpha")
    assert entries == [server.base_url + a.url_path for a in edition.sections["alpha"]]
    assert {a.url_path for a in edition.sections["alpha"][:2]} == edition.new_paths
    assert pages == 3
    assert fetch(server, unchanged).headers["ETag"] == etag_before

    server.set_edition(1)
    restored = fetch(server, broken)
    assert restored.status == 200 and broken_article.paragraphs[0] in restored.text


def test_changed_pages_are_modified_later(server):
    edition = server.truth(2)
    path = sorted(edition.changed_paths)[0]
    before = fetch(server, path).headers
    server.set_edition(2)
    after = fetch(server, path).headers
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
