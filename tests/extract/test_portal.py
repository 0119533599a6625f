import pytest

from newsspider.extract.portal import extract_portal, parse_html

BODY = "".join(
    f"<p>Paragraph {n} of the article body, long enough to count as article text.</p>"
    for n in range(1, 5)
)


def _page(before="", after=""):
    return parse_html(
        "<html><body><h1>Site</h1><div><p>News ID : 7</p><h2>A title of several words</h2>"
        f"<div class='body'>{before}{BODY}{after}</div></div></body></html>"
    )


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<p>By Sara Moradi and Ali Karimi</p>", ["Sara Moradi", "Ali Karimi"]),
        ("<p>Reporter: Reza Kamali</p>", ["Reza Kamali"]),
        ("<p>خبرنگار: مریم احمدی</p>", ["مریم احمدی"]),
    ],
)
def test_bylines_become_authors_not_body(byline, authors):
    for fields in (extract_portal(_page(before=byline)), extract_portal(_page(after=byline))):
        assert fields["authors"] == authors
        assert fields["extracted_by"]["authors"] == "byline"
        assert not fields["body_text"].startswith(("By", "Reporter", "خبرنگار"))
        assert fields["body_text"].count("\n\n") == 3  # the four paragraphs, nothing else


def test_a_sentence_starting_with_by_inside_the_body_stays():
    middle = "<p>By the end of the year, the ministry expects the new routes to open.</p>"
    fields = extract_portal(_page(before=BODY + middle))
    assert "By the end of the year" in fields["body_text"]
    assert "authors" not in fields
