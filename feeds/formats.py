"""The feed formats: file suffix, label for people, HTTP content type and renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feeds.model import Feed
from feeds.render_json import render_json_feed
from feeds.render_xml import render_atom, render_rss

Renderer = Callable[[Feed, str], bytes]


@dataclass(frozen=True)
class Format:
    label: str
    content_type: str
    render: Renderer


# File suffix -> format; files are named `<feed>.<suffix>`.
FORMATS: dict[str, Format] = {
    "rss.xml": Format("RSS", "application/rss+xml; charset=utf-8", render_rss),
    "atom.xml": Format("Atom", "application/atom+xml; charset=utf-8", render_atom),
    "json": Format("JSON Feed", "application/feed+json; charset=utf-8", render_json_feed),
}


def split_feed_file(file_name: str) -> tuple[str, str] | None:
    """`("irna", "atom.xml")` for `irna.atom.xml`; None when no format's suffix matches."""
    for suffix in FORMATS:
        name = file_name.removesuffix("." + suffix)
        if name != file_name and name:
            return name, suffix
    return None
