"""Plain-text cleaning shared by every output format."""

from __future__ import annotations

import re

from newsspider.extract.text import strip_xml_illegal

# C1 controls (and DEL) are legal XML but discouraged and never meaningful in news text.
_C1_CONTROLS = re.compile("[\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ps", "ur", "yi", "ckb", "dv", "sd", "ug"})


def strip_illegal(value: object) -> str:
    """The string without characters that XML (and so feedgen/lxml) rejects."""
    if value is None:
        return ""
    return _C1_CONTROLS.sub("", strip_xml_illegal(value if isinstance(value, str) else str(value)))


def plain_line(value: object) -> str:
    """One clean line of text: illegal characters removed, whitespace collapsed."""
    return _SPACES.sub(" ", strip_illegal(value)).strip()


def first_paragraph(text: object) -> str:
    """The first non-blank paragraph (or line) of a plain-text body, as one line."""
    for block in re.split(r"\n\s*\n|\n", strip_illegal(text)):
        line = plain_line(block)
        if line:
            return line
    return ""


def language_tag(value: object) -> str | None:
    """A valid BCP 47-shaped tag (``fa``, ``en-US``) or None; Atom's grammar rejects others."""
    tag = plain_line(value).replace("_", "-")
    return tag if tag and _LANGUAGE_TAG.fullmatch(tag) else None


def is_rtl(language: str | None) -> bool:
    """Whether a language tag names a right-to-left script language (Persian, Arabic, ...)."""
    if not language:
        return False
    return language.split("-")[0].lower() in RTL_LANGUAGES
