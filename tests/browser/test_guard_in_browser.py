"""The address guard inside Chromium: a hostile page's scripts, frames and redirects cannot
make the browser reach a denied address; an allowed one on another port works."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.browser.conftest import needs_chromium
from tests.browser.servers import hostile_world, site_toml

pytestmark = needs_chromium


def test_hostile_page_cannot_reach_a_denied_address(tmp_path):
    config, db = tmp_path / "sites.toml", tmp_path / "news.db"
    with hostile_world() as servers:
        config.write_text(site_toml(servers["site"].port), encoding="utf-8")
        command = [sys.executable, "-m", "newsspider.cli", "crawl", "--config", str(config),
                   "--db", str(db)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        witness, other, site = (servers[k].requests for k in ("witness", "other", "site"))
    assert witness == []  # not the script's fetch, the frame, nor either redirect
    assert other.count("/data.json") == 3  # the allowed address answered each article's script
    assert "/photo.jpg" not in site  # images are blocked
    assert site.count("/hop") == 3  # the script's redirect was followed up to the denied hop
    rows = sqlite3.connect(db).execute("SELECT news_id, body_text FROM articles").fetchall()
    assert sorted(news_id for news_id, _ in rows) == ["1", "2", "3"]
    for _, body in rows:
        assert "The envoy arrived in the capital on Monday." in body
        assert "The denied fetch was refused and the redirect was refused." in body
    # The page that never settles is one counted error; the crawl finished all the same.
    assert done.returncode == 0, done.stderr
    assert "hostile: failed requests: render_timeout 1\n" in done.stderr
    assert "blocked_address" in done.stderr
