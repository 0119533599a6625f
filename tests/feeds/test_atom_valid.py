"""Every Atom file is valid RFC 4287: RELAX NG grammar plus its Schematron rules."""

from __future__ import annotations

from feeds import export_feeds
from tests.feeds.conftest import article, make_config
from tests.feeds.test_robustness import hostile_article


def test_every_atom_file_is_valid(make_db, tmp_path, atom_checker):
    db = make_db(
        article("a", "1", language="fa", authors=["A", "B"], categories=["x", "y"]),
        article("a", "2", language="not a tag!", summary=None, body_html=None),
        article("b", "1", body_html=None, body_text=None, summary=None, source=None),
        hostile_article(),
    )
    report = export_feeds(db, tmp_path, make_config("a", "b", "empty", language=None))
    atom_files = sorted(tmp_path.glob("*.atom.xml"))
    assert [p.name for p in atom_files] == ["a.atom.xml", "all.atom.xml", "b.atom.xml",
                                            "empty.atom.xml"]  # fmt: skip
    assert report.entries["all"] == 4
    for path in atom_files:
        assert atom_checker.errors(path.read_bytes()) == [], path.name


def test_checker_catches_schematron_and_grammar_violations(atom_checker):
    head = '<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2025:f</id><title>t</title>'
    head += "<updated>2025-01-01T00:00:00Z</updated>"
    entry = "<entry><id>tag:x,2025:e</id><title>e</title><updated>2025-01-01T00:00:00Z</updated>"
    no_author = f"{head}{entry}<link href='https://x/'/></entry></feed>"
    no_link = f"{head}{entry}<author><name>n</name></author></entry></feed>"
    bad_date = head.replace("2025-01-01T00:00:00Z", "yesterday", 1) + "</feed>"
    assert any("atom:author" in e for e in atom_checker.errors(no_author.encode()))
    assert any("alternate" in e for e in atom_checker.errors(no_link.encode()))
    assert atom_checker.errors(bad_date.encode())
