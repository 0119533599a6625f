import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspider.extract.text import (
    clean_body,
    clean_paragraphs,
    clean_text,
    is_rtl,
    join_paragraphs,
    search_form,
    strip_xml_illegal,
)

# The XML 1.0 `Char` production, written out independently of the module under test.
XML_CHARS = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")

ANY_TEXT = st.text(alphabet=st.characters(codec=None))
# Arabic-script and whitespace-heavy text finds more interactions than uniform Unicode.
TRICKY_TEXT = st.text(
    alphabet=st.sampled_from(
        list(" \t\n\r\xa0\u2000\u3000\u200b\u200c\u200d\u00ad\ufeff\u202b\u2067")
        + list("aAeE\u0301\u0308\u00a8ß")
        + list("كيىةأإآٱؤئۀکیهاو\u064b\u0650\u0651\u0653\u0654\u0670\u0640۰۹٠٩")
        + list("\ufef7\ufefb\ufdfa\ufc5e\ud800\x00\x85\x9f\ufffe")
    )
)
TEXTS = st.one_of(ANY_TEXT, TRICKY_TEXT)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Tehran \t news  ", "Tehran news"),
        ("a\u00a0b\u2003c\u3000d\u202fe", "a b c d e"),  # NBSP, em space, ideographic, narrow NBSP
        ("line one\r\nline two\u2028three", "line one line two three"),
        ("e\u0301", "\u00e9"),  # NFC
        ("a\x00b\x08c\x0bd\x1fe", "abcde"),  # C0 controls
        ("tab\tkept\nas space", "tab kept as space"),
        ("bad\ud800surrogate\udfff", "badsurrogate"),
        ("no\ufffeone\uffffhere", "noonehere"),
        ("cp1252\x92junk\x7f", "cp1252junk"),  # DEL and C1 controls
        ("next\x85line", "next line"),  # NEL is a line break
        ("zero\u200bwidth", "zerowidth"),
        ("\ufeffBOM", "BOM"),
        ("word\u2060joiner", "wordjoiner"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\u202bembedded\u202c", "embedded"),
        ("\u2067isolate\u2069", "isolate"),
        ("می\u200cروم", "می\u200cروم"),  # ZWNJ inside a word is kept (Persian)
        ("\u200cمی\u200c \u200cروم\u200c", "می روم"),  # ...but not at word edges
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # ZWJ inside an emoji sequence is kept
        ("\u200d edge", "edge"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b\ud800c\ufffe", "abc"),
        ("a\tb\nc\rd", "a\tb\nc\rd"),
        ("nbsp\u00a0and\u200bzwsp\x85nel", "nbsp\u00a0and\u200bzwsp\x85nel"),  # legal: untouched
    ],
)
def test_strip_xml_illegal(raw, expected):
    assert strip_xml_illegal(raw) == expected


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([], []),
        (["  one ", "", "\u200b", "two"], ["one", "two"]),
        (["Title", "Title ", "Body", "Title"], ["Title", "Body", "Title"]),  # only consecutive
        (["same", " ", "same"], ["same"]),  # an empty paragraph between does not separate them
        (iter(["gen", "erator"]), ["gen", "erator"]),
    ],
)
def test_clean_paragraphs(paragraphs, expected):
    assert clean_paragraphs(paragraphs) == expected


def test_join_paragraphs():
    assert join_paragraphs([" a ", "", "b\u00a0 c"]) == "a\n\nb c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("one\ntwo", "one\n\ntwo"),
        ("one\r\n\r\n\n  two  \n\n\nthree", "one\n\ntwo\n\nthree"),
        ("para\u2029para two", "para\n\npara two"),
        ("title\ntitle\nbody", "title\n\nbody"),
        ("\n \n\t\n", ""),
    ],
)
def test_clean_body(raw, expected):
    assert clean_body(raw) == expected


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("كشور", "کشور"),  # Arabic kaf
        ("ايران", "ایران"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ", "خانه"),  # heh with yeh above
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آب", "اب"),
        ("ٱلله", "الله"),
        ("مؤمن", "مومن"),
        ("رئيس", "رییس"),
        ("مُحَمَّد", "محمد"),  # harakat
        ("ذٰلك", "ذلک"),  # superscript alef
        ("كـــتاب", "کتاب"),  # tatweel
        ("۱۴۰۴", "1404"),
        ("٢٠٢٥", "2025"),
        ("می\u200cروم", "می روم"),
        ("\ufefb", "لا"),  # presentation-form ligature
        ("IRNA News", "irna news"),
        ("Straße", "strasse"),
        ("ﬁle", "file"),
        ("\u202bمتن\u202c\u200f", "متن"),
    ],
)
def test_search_form_unifies_variants(variant, canonical):
    assert search_form(variant) == search_form(canonical)
    assert search_form(variant) == canonical.casefold().replace("\u200c", " ")


def test_search_form_of_none_is_empty():
    assert search_form(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("123 !?", False),
        ("Tehran", False),
        ("تهران", True),
        ("שלום", True),
        ("خبرگزاری IRNA", True),  # 9 Arabic-script letters vs 4 Latin
        ("Reuters reports from تهران", False),
        ("IRNA ۱۴۰۴", False),  # digits do not vote
    ],
)
def test_is_rtl(text, expected):
    assert is_rtl(text) is expected


@given(TEXTS)
def test_every_function_accepts_any_unicode(text):
    for function in (clean_text, clean_body, search_form, strip_xml_illegal, is_rtl):
        function(text)
    clean_paragraphs(text.split("x"))
    join_paragraphs([text, text])


@given(TEXTS)
def test_clean_text_output_is_xml_legal_single_spaced_and_stripped(text):
    cleaned = clean_text(text)
    assert XML_CHARS.fullmatch(cleaned)
    assert "  " not in cleaned
    assert cleaned == cleaned.strip()
    assert not re.search(r"\s(?<! )", cleaned)


@given(TEXTS)
def test_strip_xml_illegal_output_is_xml_legal(text):
    assert XML_CHARS.fullmatch(strip_xml_illegal(text))


@given(TEXTS)
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@given(TEXTS)
def test_search_form_is_idempotent(text):
    once = search_form(text)
    assert search_form(once) == once


@given(st.one_of(TEXTS, st.lists(TEXTS).map("\n".join)))
def test_clean_body_is_idempotent_and_xml_legal(text):
    once = clean_body(text)
    assert clean_body(once) == once
    assert XML_CHARS.fullmatch(once)
    assert "\n\n\n" not in once
