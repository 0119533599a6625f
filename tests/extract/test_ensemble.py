"""Body ensemble: candidate extractors, the page vote, the line vote, lazy voters."""

from pathlib import Path

import lxml.html
from trafilatura.utils import load_html

from newsspider.extract.body import extract_body
from newsspider.extract.candidates import EXTRACTORS, Block, gather
from newsspider.extract.ensemble import PAGE_VOTE, EnsembleConfig, combine

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
STORY = [f"The council approved the new bridge budget in session number {n}." for n in range(8)]
MENU = ["Home News Sport Weather Contact us About the site"]


def _blocks(lines):
    return [Block("p", [line]) for line in lines]


def test_every_candidate_extractor_finds_the_article_text():
    # jusText keeps only long, stop-word-rich paragraphs: the story has three of them.
    html = (FIXTURES / "article_full.html").read_text(encoding="utf-8")
    long_paragraph = " ".join(STORY) + " It will be open to cyclists and to the buses from May."
    html = html.replace("</article>", f"<p>{long_paragraph}</p>" * 3 + "</article>")
    found = gather(load_html(html), html, "https://news.example.org/city/b", tuple(EXTRACTORS))
    for name, blocks in found.items():
        text = " ".join(line for block in blocks for line in block.lines)
        assert "open to cyclists and to the buses" in text, name
        assert "All rights reserved" not in text, name


def test_extractors_leave_the_shared_tree_untouched():
    html = (FIXTURES / "article_full.html").read_text(encoding="utf-8")
    tree = load_html(html)
    before = lxml.html.tostring(tree)
    gather(tree, html, "https://news.example.org/city/b", tuple(EXTRACTORS))
    assert lxml.html.tostring(tree) == before


def test_page_vote_replaces_a_base_the_others_disagree_with():
    candidates = {
        "precision": _blocks(MENU),
        "resiliparse": _blocks(STORY),
        "readability": _blocks(STORY[:7]),
    }
    blocks, source = combine(candidates, PAGE_VOTE)
    assert source == "resiliparse"
    assert blocks == candidates["resiliparse"]


def test_base_that_agrees_with_the_first_voter_is_kept_without_running_the_second():
    class Watched(dict):
        def __missing__(self, name):
            raise AssertionError(f"{name} should not have run")

    candidates = Watched(precision=_blocks(STORY), resiliparse=_blocks(STORY[1:]))
    blocks, source = combine(candidates, PAGE_VOTE)
    assert source == "precision"
    assert blocks == candidates["precision"]


def test_line_vote_drops_lines_no_voter_has():
    config = EnsembleConfig(voters=("resiliparse", "readability"), line_threshold=0.5)
    candidates = {
        "precision": _blocks(STORY + MENU),
        "resiliparse": _blocks(STORY),
        "readability": _blocks(STORY),
    }
    blocks, _ = combine(candidates, config)
    assert [line for block in blocks for line in block.lines] == STORY


def test_default_runs_one_extractor_and_keeps_the_body_method():
    html = (FIXTURES / "article_full.html").read_text(encoding="utf-8")
    body = extract_body(html, "https://news.example.org/city/b")
    voted = extract_body(html, "https://news.example.org/city/b", config=PAGE_VOTE)
    assert body is not None and voted is not None
    assert body.method == voted.method == "trafilatura"
    assert body.text == voted.text
