"""Unit tests of the pure helpers: HTML sanitizing, text cleaning, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.dates import parse_timestamp
from feeds.entries import entry_id
from feeds.sanitize import sanitize_html, text_to_html
from feeds.text import first_paragraph, is_rtl, language_tag, plain_line, strip_illegal

PAGE = "https://news.example.com/a/b/page.html"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<a href="x.html">x</a>', 'href="https://news.example.com/a/b/x.html"'),
        ('<img src="//cdn.example.com/i.png">', 'src="https://cdn.example.com/i.png"'),
        ('<img src="data:image/png;base64,AAAA">', 'src="data:image/png;base64,AAAA"'),
        ('<a href="mailto:desk@example.com">m</a>', 'href="mailto:desk@example.com"'),
        ("<h2>Head</h2><ul><li>one</li></ul>", "<h2>Head</h2><ul><li>one</li></ul>"),
        ("<figure><figcaption>cap</figcaption></figure>", "<figcaption>cap</figcaption>"),
        ("<blockquote><em>q</em> <strong>s</strong></blockquote>", "<em>q</em> <strong>s</strong>"),
    ],
)
def test_sanitize_keeps_allowed_markup(fragment, expected):
    assert expected in sanitize_html(fragment, PAGE)


@pytest.mark.parametrize(
    ("fragment", "forbidden"),
    [
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href=" jav&#x09;ascript:alert(1)">x</a>', "alert"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
        ('<a href="data:text/html,hi">x</a>', "data:"),
        ('<img src="data:text/html,hi">', "data:"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<p style="x" class="c" id="i">t</p>', "style"),
        ("<object data='x.swf'></object><embed src='x.swf'>", "swf"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
    ],
)
def test_sanitize_removes_active_content(fragment, forbidden):
    assert forbidden not in sanitize_html(fragment, PAGE)


def test_sanitize_handles_empty_and_text_bodies():
    assert sanitize_html(None, PAGE) == ""
    assert text_to_html("a < b\n\n  \nc\x00d") == "<p>a &lt; b</p><p>cd</p>"


def test_text_helpers():
    assert strip_illegal("a\x00b\x0bc\x1bd\ufffee\tf\ng") == "abcde\tf\ng"
    assert plain_line("  two\n words\x00 ") == "two words"
    assert plain_line(42) == "42"
    assert first_paragraph("\n\n  Lead one.\nNext.") == "Lead one."
    assert language_tag("fa_IR") == "fa-IR"
    assert language_tag("english please") is None
    assert is_rtl("fa-IR") and is_rtl("ar") and not is_rtl("en") and not is_rtl(None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-27T07:52:21+03:30", datetime(2025, 10, 27, 4, 22, 21, tzinfo=UTC)),
        ("2025-10-27T04:22:21Z", datetime(2025, 10, 27, 4, 22, 21, tzinfo=UTC)),
        ("2025-10-27T04:22:21.123456", datetime(2025, 10, 27, 4, 22, 21, tzinfo=UTC)),
        ("2025-10-27", datetime(2025, 10, 27, tzinfo=UTC)),
        ("10/27/2025 7:52:21 AM", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_timestamp(value, expected):
    assert parse_timestamp(value) == expected


def test_entry_ids_are_stable_and_escaped():
    assert entry_id("h.example", "irna", "253326") == "tag:h.example,2025:irna/253326"
    assert entry_id("h.example", "s", "a b/c") == "tag:h.example,2025:s/a%20b%2Fc"
