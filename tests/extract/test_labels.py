import pytest

from newsspider.extract.labels import find_labelled, is_label_line
from newsspider.extract.portal import parse_html

MARKUPS = {
    "one-node": "<p>News ID : 253326</p><p>Publish Date : 10/27/2025 7:52:21 AM</p>",
    "table": "<table><tr><td>News ID :</td><td>253326</td></tr>"
    "<tr><th>Publish Date</th><td>:</td><td>10/27/2025 7:52:21 AM</td></tr></table>",
    "list": "<ul><li><span>News ID</span> <b>253326</b></li><li><span>Publish Date :</span>"
    "<em>10/27/2025</em> <em>7:52:21 AM</em></li></ul>",
    "dl": "<dl><dt>NewsID</dt><dd>#253326</dd>"
    "<dt>Published:</dt><dd>10/27/2025 7:52:21 AM</dd></dl>",
}


@pytest.mark.parametrize("name", MARKUPS)
def test_label_values_in_any_markup(name):
    found = find_labelled(parse_html(f"<html><body><h1>x</h1>{MARKUPS[name]}</body></html>"))
    assert found.news_id == "253326"
    assert found.published_raw == "10/27/2025 7:52:21 AM"


def test_persian_labels_and_digits():
    page = (
        "<body><span>کد خبر :</span><span>۲۵۳۳۲۶</span>"
        "<div>تاریخ انتشار : ۵ آبان ۱۴۰۴ - ۰۷:۵۲</div></body>"
    )
    found = find_labelled(parse_html(page))
    assert found.news_id == "253326"
    assert found.published_raw == "۵ آبان ۱۴۰۴ - ۰۷:۵۲"


def test_script_and_style_text_is_never_a_label():
    page = (
        "<body><script>var label = 'News ID : 111'; // <b>x</b></script>"
        "<style>/* Publish Date : 10/27/2025 */</style><noscript>x</noscript>"
        "<p>News ID : 253326</p><p>Publish Date : 10/27/2025 7:52:21 AM</p></body>"
    )
    found = find_labelled(parse_html(page))
    assert (found.news_id, found.published_raw) == ("253326", "10/27/2025 7:52:21 AM")


def test_label_without_value_is_not_a_match():
    page = "<body><p>News ID :</p><p>Some unrelated paragraph</p><p>Publish Date : soon</p></body>"
    found = find_labelled(parse_html(page))
    assert found.news_id is None and found.published_raw is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("News ID : 253326", True),
        ("Publish Date : 10/27/2025 7:52:21 AM", True),
        ("The news ID card scheme was published in 2020 after a long consultation period.", False),
        ("IRNA", False),
    ],
)
def test_is_label_line(line, expected):
    assert is_label_line(line) is expected
