"""index.html and a Persian page rendered by headless Chromium: real pixels, not a blank page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from feeds import export_feeds
from tests.feeds.conftest import article
from tests.feeds.test_pages import CONFIG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)"
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=900,700"]  # fmt: skip


def screenshot(page: Path, tmp_path: Path) -> Image.Image:
    png = tmp_path / f"{page.stem}.png"
    profile = tmp_path / f"profile-{page.stem}"
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
               page.as_uri()]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=90, stdin=subprocess.DEVNULL)
    return Image.open(png).convert("L")


def ink(image: Image.Image) -> float:
    """The share of pixels that are not (near) white."""
    dark = sum(image.histogram()[:200])
    return dark / (image.width * image.height)


@pytest.fixture
def out(make_db, tmp_path) -> Path:
    titles = ["بازگشایی بندر پس از اعتصاب", "تصویب بودجه", "افزایش قیمت نان در تهران"]
    db = make_db(*(
        article("fa", str(n), language="fa", title=title, body_text=f"{title}. گزارش کامل خبر.",
                published=f"2025-10-0{n}T08:00:00Z")
        for n, title in enumerate(titles, start=1)
    ), article("en", "1", title="Port strike ends"))  # fmt: skip
    export_feeds(db, tmp_path / "out", CONFIG)
    return tmp_path / "out"


@pytest.mark.parametrize("name", ["index.html", "fa.html"])
def test_the_page_renders_visible_text(out, tmp_path, name):
    image = screenshot(out / name, tmp_path)
    assert image.size == (900, 700)
    assert ink(image) > 0.005, f"{name} rendered (nearly) blank"


def test_a_blank_page_is_caught(tmp_path):
    blank = tmp_path / "blank.html"
    blank.write_text('<!DOCTYPE html><html lang="en"><title>x</title></html>', encoding="utf-8")
    assert ink(screenshot(blank, tmp_path)) < 0.001
