"""`extract` shows what a crawl stores: crawl the demo, then extract every stored page.

With `--site` every field matches the stored row; without it, a portal page is
still read as one (only the time zone, which the page does not state, is missing).
"""

import json
import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from newsspider.cli import main
from newsspider.demo.config import demo_config_toml
from newsspider.demo.server import DemoServer
from newsspider.extract.chain import extract_page

SECTIONS = ("alpha", "beta", "gamma", "fa")
JSON_FIELDS = ("authors", "categories", "tags", "images", "extracted_by")
COMPARED = (
    "url", "news_id", "title", "published", "published_raw", "authors", "language", "summary",
    "source", "canonical_url", "categories", "tags", "images", "body_text", "extracted_by",
)  # fmt: skip
WITHOUT_SITE = ("news_id", "title", "published_raw", "authors", "summary", "source", "body_text")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("extract-crawl")
    with DemoServer(articles_per_section=6) as server:
        config = tmp / "sites.toml"
        config.write_text(demo_config_toml(server.base_url, sections=SECTIONS), encoding="utf-8")
        db = tmp / "news.db"
        command = [sys.executable, "-m", "newsspider.cli", "crawl", "-q"]
        done = subprocess.run(
            [*command, "--config", str(config), "--db", str(db)],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY site, news_id")]
        conn.close()
        pages = {}
        for number, row in enumerate(rows):
            path = tmp / f"page{number}.html"
            with urllib.request.urlopen(row["url"], timeout=10) as response:
                path.write_bytes(response.read())
            pages[row["url"]] = path
    for row in rows:
        for name in JSON_FIELDS:
            row[name] = json.loads(row[name])
    return {"config": config, "rows": rows, "pages": pages}


def _extract(capsys, crawled, site, rows):
    listing = crawled["pages"][rows[0]["url"]].parent / f"{site or 'none'}.jsonl"
    lines = [json.dumps({"path": str(crawled["pages"][r["url"]]), "url": r["url"]}) for r in rows]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["extract", "--config", str(crawled["config"]), "--batch", str(listing)]
    assert main([*argv, "--site", site] if site else argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_every_section_was_crawled(crawled):
    assert {row["site"] for row in crawled["rows"]} == {f"demo_{s}" for s in SECTIONS}


@pytest.mark.parametrize("section", SECTIONS)
def test_extract_with_site_gives_every_stored_field(capsys, crawled, section):
    rows = [r for r in crawled["rows"] if r["site"] == f"demo_{section}"]
    for row, result in zip(rows, _extract(capsys, crawled, f"demo_{section}", rows), strict=True):
        assert "dropped" not in result
        for field in COMPARED:
            assert result[field] == row[field], (row["url"], field)


@pytest.mark.parametrize("section", SECTIONS)
def test_extract_without_site_reads_the_portal_page(capsys, crawled, section):
    rows = [r for r in crawled["rows"] if r["site"] == f"demo_{section}"]
    for row, result in zip(rows, _extract(capsys, crawled, None, rows), strict=True):
        for field in WITHOUT_SITE:
            assert result[field] == row[field], (row["url"], field)


def test_a_page_a_crawl_would_drop_says_why(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>News ID : 12</p><p>Nothing else.</p></body></html>")
    assert main(["extract", str(page), "--url", "http://x.test/n/12"]) == 0
    assert json.loads(capsys.readouterr().out)["dropped"] == "no_title"
    assert extract_page(page.read_text(), "http://x.test/n/12")["news_id"] == "12"
