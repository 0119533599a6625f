"""Golden files: one small feed of each format, byte for byte (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feeds import export_feeds
from tests.feeds.conftest import article, make_config

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def golden_records():
    return [
        article("irna", "253326", title="Minister meets counterpart",
                summary="The minister met his counterpart on Monday.",
                body_html='<p>The minister met.</p><p><a href="/en/1">Related</a></p>',
                published="2025-10-27T04:22:21+00:00", language="en", categories=["Politics"]),
        (article("irna", "253310", title="گزارش هواشناسی", summary=None,
                 body_html=None, body_text="بارش باران در تهران.\n\nدمای هوا کاهش می‌یابد.",
                 published=None, language="fa", source="ایرنا"), "2025-10-26T20:00:00+00:00"),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["irna.atom.xml", "irna.rss.xml", "irna.json"])
def test_matches_golden(make_db, tmp_path, name):
    db = make_db(*golden_records())
    export_feeds(db, tmp_path, make_config("irna"))
    produced = (tmp_path / name).read_bytes()
    golden = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(produced)
    assert produced == golden.read_bytes()
