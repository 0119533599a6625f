"""`newsspider extract`: one page as JSON, or a batch as JSON lines, in order, errors inline."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.cli import main
from tests.support.fixture_site import WPSITE

ROOT = Path(__file__).resolve().parents[2]
POST = WPSITE / "2025/10/20/bakery-prices-rise-again/index.html"
POST_URL = "https://wp.example/2025/10/20/bakery-prices-rise-again/"


def _run(capsys, *argv):
    status = main(list(argv))
    return status, capsys.readouterr()


def test_single_page_prints_one_object(capsys):
    status, out = _run(capsys, "extract", str(POST), "--url", POST_URL)
    result = json.loads(out.out)
    assert status == 0
    assert result["title"] == "Bakery prices rise again as flour costs climb"
    assert result["published_raw"] == "2025-10-20T14:05:00+02:00"
    assert result["published"] == "2025-10-20T12:05:00Z"
    assert result["authors"] == ["Jonas Weber"]
    assert result["news_id"].startswith("u")
    assert result["extracted_by"]["news_id"] == "url-hash"
    assert result["extracted_by"]["title"] == "jsonld"


def test_batch_keeps_order_reads_gzip_and_reports_errors_inline(tmp_path, capsys):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(POST.read_bytes()))
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    entries = [
        {"path": str(gz), "url": POST_URL},
        {"path": str(tmp_path / "missing.html"), "url": "https://wp.example/x/"},
        {"path": str(broken)},
        {"path": str(POST), "url": POST_URL},
        {"path": str(empty)},
    ]
    listing = tmp_path / "list.jsonl"
    listing.write_text(
        "\n".join(json.dumps(e) for e in entries)
        + "\nnot json\n"
        + json.dumps({"path": str(POST), "url": 42})
        + "\n"
    )
    status, out = _run(capsys, "extract", "--batch", str(listing))
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert status == 0
    assert [line.get("path") for line in lines] == [e["path"] for e in entries] + [None, None]
    assert lines[0]["title"] == lines[3]["title"] == "Bakery prices rise again as flour costs climb"
    assert "error" not in lines[0]
    assert "cannot read" in lines[1]["error"]
    assert "error" in lines[2]
    assert lines[4]["error"].startswith("not an HTML page")
    assert lines[5] == {"path": None, "line": 6, "error": "not a JSON object with a 'path'"}
    assert lines[6] == {"path": None, "line": 7, "error": "'path' and 'url' must be strings"}
    for line in (lines[0], lines[3]):
        assert {"title", "body_text", "published", "authors", "language", "news_id"} <= set(line)


def test_site_option_applies_its_id_pattern_selectors_and_zone(tmp_path, capsys):
    config = tmp_path / "sites.toml"
    config.write_text(
        """
[sites.wp]
kind = "generic"
start_urls = ["https://wp.example/"]
timezone = "Asia/Tokyo"
id_pattern = "/(?P<id>\\\\d{4}/\\\\d{2}/\\\\d{2})/"
selectors = { title = "xpath://link[@rel='shortlink']/@href" }
""",
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_text(POST.read_text().replace("__BASE__", "https://wp.example"))
    status, out = _run(
        capsys, "extract", str(page), "--url", POST_URL, "--site", "wp", "--config", str(config)
    )
    result = json.loads(out.out)
    assert status == 0
    assert result["news_id"] == "2025/10/20"
    assert result["title"] == "https://wp.example/?p=102"
    assert result["extracted_by"]["title"] == "selector"
    assert result["published"] == "2025-10-20T12:05:00Z"  # an explicit offset beats the zone


@pytest.mark.parametrize(
    "argv",
    [
        ["extract"],
        ["extract", "a.html", "--batch", "b.jsonl"],
        ["extract", "--batch", "nope.jsonl"],
    ],
)
def test_bad_usage_exits_2(argv, capsys):
    assert main(argv) == 2
    assert "extract" in capsys.readouterr().err


def test_batch_runs_in_one_process_without_scrapy(tmp_path):
    listing = tmp_path / "list.jsonl"
    listing.write_text(json.dumps({"path": str(POST), "url": POST_URL}) + "\n")
    code = (
        "import sys; from newsspider.cli import main; status = main(sys.argv[1:]); "
        "assert 'scrapy' not in sys.modules, 'scrapy imported'; sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "extract", "--batch", str(listing)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["authors"] == ["Jonas Weber"]


def test_single_page_that_cannot_be_read_is_a_failure(tmp_path, capsys):
    status, out = _run(capsys, "extract", str(tmp_path / "missing.html"))
    assert status == 1
    assert json.loads(out.out)["error"].startswith("cannot read")


def test_batch_in_worker_processes_gives_the_same_lines_in_order(tmp_path, capsys):
    entries = [{"path": str(POST), "url": POST_URL}, {"path": str(tmp_path / "gone.html")}] * 3
    listing = tmp_path / "list.jsonl"
    listing.write_text("\n".join(json.dumps(e) for e in entries) + "\nnot json\n")
    _, one = _run(capsys, "extract", "--batch", str(listing), "--jobs", "1")
    status, two = _run(capsys, "extract", "--batch", str(listing), "--jobs", "2")
    assert status == 0
    assert two.out == one.out
    assert len(two.out.splitlines()) == 7


def test_bad_job_count_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:  # a usage error, as every bad count
        main(["extract", "--batch", str(tmp_path / "x.jsonl"), "--jobs", "0"])
    assert caught.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_published_local_keeps_the_page_offset_beside_utc(capsys):
    status, out = _run(capsys, "extract", str(POST), "--url", POST_URL)
    result = json.loads(out.out)
    assert status == 0
    assert result["published"] == "2025-10-20T12:05:00Z"
    assert result["published_local"] == "2025-10-20T14:05:00+02:00"
