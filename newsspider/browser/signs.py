"""Signs that a page is built by JavaScript: pure functions on HTML, no browser needed.

`check-site` uses `script_built` on a fetched page that yields nothing; `discover`
compares a page's fetched and rendered text with `rendering_adds`.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_SPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "noscript", "template")
# A shell page shows little more than its menu and footer.
SHELL_TEXT = 400
# Rendering must add this much visible text, and at least double it, to be worth a browser.
MIN_ADDED_TEXT = 200


def visible_text(html: str) -> str:
    """The text a reader sees (scripts, styles and <noscript> left out), spaces collapsed."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for node in tree.xpath("|".join(f"//{tag}" for tag in _INVISIBLE)):
        node.drop_tree()
    return _SPACE.sub(" ", tree.text_content()).strip()


def _script_text(html: str) -> tuple[int, int]:
    """Characters of inline script (JSON data included), and the count of script files."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return 0, 0
    inline = sum(len(s.text or "") for s in tree.iter("script") if not s.get("src"))
    return inline, len(tree.xpath("//script[@src]"))


def script_built(html: str) -> str | None:
    """Why the page looks built by JavaScript, or None: it shows little text while its scripts
    hold more than it shows, or it shows little and loads script files."""
    shown = len(visible_text(html))
    inline, files = _script_text(html)
    if shown >= SHELL_TEXT or (inline <= shown and not files):
        return None
    scripts = f"its scripts hold {inline} characters" + (
        f" and load {files} files" if files else ""
    )
    return f"it shows {shown} characters of text while {scripts}"


def rendering_adds(fetched: str, rendered: str) -> str | None:
    """Why rendering is needed, comparing a page's fetched and rendered HTML, or None."""
    before, after = len(visible_text(fetched)), len(visible_text(rendered))
    if after - before < MIN_ADDED_TEXT or after < 2 * before:
        return None
    return f"its visible text grows from {before} to {after} characters when rendered"
