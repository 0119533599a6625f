"""Labelled values a reader sees on portal pages: `News ID : 253326`, `Publish Date : ...`.

Portal CMSs put a label and its value in one text node, in neighbouring table
cells, list items, `<dt>`/`<dd>` pairs or spans. Reading the page's text nodes in
document order finds the value after the label whatever the markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml.html import HtmlElement

_DIGITS = "0-9۰-۹٠-٩"
NEWS_ID_LABELS = (
    r"news\s*-?\s*id",
    r"news\s*code",
    r"news\s*no\.?",
    r"کد\s*خبر",
    r"شناسه\s*خبر",
    r"شماره\s*خبر",
    r"رقم\s*الخبر",
    r"كود\s*الخبر",
    r"رمز\s*الخبر",
)
DATE_LABELS = (
    r"publish(?:ed)?\s*(?:date|on|at)?",
    r"release\s*date",
    r"date\s*of\s*publication",
    r"تاریخ\s*(?:انتشار|خبر|درج)?",
    r"زمان\s*انتشار",
    r"تاريخ\s*(?:النشر|الخبر)?",
    r"نشر\s*في",
)
_SEP = r"\s*[:：]?\s*"
_MAX_VALUE_NODES = 4
_NEWS_ID_VALUE = re.compile(rf"^[#\s]*([{_DIGITS}]{{1,12}})\b")
# A date value: digits, separators, month names, AM/PM; stops at the next label-like text.
_DATE_VALUE = re.compile(r"^([^\n|]{4,60})")
_TIME_ANY = re.compile(rf"[{_DIGITS}]{{1,2}}[:：][{_DIGITS}]{{2}}")
_TIME_ONLY = re.compile(
    rf"^\s*[{_DIGITS}]{{1,2}}[:：][{_DIGITS}]{{2}}(?:[:：][{_DIGITS}]{{2}})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*$"
)


@dataclass(frozen=True)
class Labelled:
    news_id: str | None
    published_raw: str | None
    label_texts: frozenset[str]

    @property
    def is_portal(self) -> bool:
        """Both labels shown: a portal article page, whatever the site's kind says."""
        return bool(self.news_id and self.published_raw)


def _label_regex(labels: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?i)(?:^|[\s|])(?:{'|'.join(labels)}){_SEP}(.*)$")


_NEWS_ID_RE = _label_regex(NEWS_ID_LABELS)
_DATE_RE = _label_regex(DATE_LABELS)


def find_labelled(tree: HtmlElement) -> Labelled:
    """The news ID and the raw publish date shown next to their labels, if any."""
    # The HTML parser keeps a script's or style's content as its one text child, so testing
    # the parent is enough (and costs far less than testing every ancestor).
    nodes = tree.xpath("//body//text()[not(parent::script or parent::style)]")
    texts = [stripped for t in nodes if (stripped := t.strip())]
    news_id, id_texts = _value_after(texts, _NEWS_ID_RE, _match_news_id)
    published, date_texts = _value_after(texts, _DATE_RE, _match_date)
    return Labelled(news_id, published, frozenset(id_texts + date_texts))


def _value_after(
    texts: list[str], label_re: re.Pattern[str], match_value: Callable[[str], str | None]
) -> tuple[str | None, list[str]]:
    for index, text in enumerate(texts):
        found = label_re.search(" " + text)
        if not found:
            continue
        rest = found.group(1).strip(" :：")
        if rest:
            value = match_value(rest)
            if value:
                return value, [text]
            continue
        # The value sits in the next text node(s); a lone colon may stand between.
        following = texts[index + 1 : index + 1 + _MAX_VALUE_NODES]
        for offset, candidate in enumerate(following, start=1):
            if not candidate.strip(" :："):
                continue
            value = match_value(_with_time(candidate, following[offset:]))
            if value:
                return value, texts[index : index + offset + 1]
            break
    return None, []


def _with_time(candidate: str, rest: list[str]) -> str:
    """Join a date split over two nodes, as in `<span>10/27/2025</span> <span>7:52 AM</span>`."""
    if rest and _TIME_ONLY.match(rest[0]) and not _TIME_ANY.search(candidate):
        return f"{candidate} {rest[0]}"
    return candidate


def _match_news_id(text: str) -> str | None:
    found = _NEWS_ID_VALUE.match(text.strip(" :："))
    return found.group(1).translate(_TO_ASCII) if found else None


def _match_date(text: str) -> str | None:
    text = text.strip(" :：-")
    if not re.search(rf"[{_DIGITS}]", text):
        return None
    found = _DATE_VALUE.match(text)
    return found.group(1).strip() if found else None


_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def is_label_line(text: str) -> bool:
    """A short line starting with a label, e.g. `News ID : 253326`: never body text."""
    if len(text) > 80:
        return False
    for labels, match in ((NEWS_ID_LABELS, _match_news_id), (DATE_LABELS, _match_date)):
        found = re.match(rf"(?i)\s*(?:{'|'.join(labels)}){_SEP}(.*)$", text)
        if found and match(found.group(1) or "0"):
            return True
    return False
