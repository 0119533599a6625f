import os
import subprocess
import sys

import numpy as np
import pytest

from newsspider.extract.similarity import (
    BANDS,
    MIN_WORDS,
    NUM_PERM,
    SIMILARITY_THRESHOLD,
    Fingerprint,
    band_keys,
    fingerprint,
    similarity,
)

STORY = """Iran's deputy foreign minister signed the United Nations convention against cybercrime
at a ceremony in Hanoi on Saturday, calling it an important step towards international
cooperation against crimes committed with information and communication technologies.

In his speech the minister thanked the government and people of Vietnam for their hospitality
and the United Nations secretariat for its support during years of negotiations.

He said unilateral coercive measures imposed on developing countries continue to hinder
cooperation in preventing and combating these crimes, and that such measures violate the
principles of international law and the Charter of the United Nations.

Technical assistance and capacity building for developing countries should be based on their
own needs and priorities, he added, and should be provided without political conditions.

The convention will enter into force ninety days after the fortieth state ratifies it."""

EDITED_COPY = """HANOI, Oct. 26 (ISNA) -- Iran signed a UN treaty on Saturday.

Iran's deputy foreign minister signed the United Nations convention against cybercrime
at a ceremony in Hanoi on Saturday, calling it a major step towards international
cooperation against crimes committed with information and communication technologies.

In his speech  the minister thanked the government and people of Vietnam for their hospitality
and the UN secretariat for its support during years of negotiations.

He said unilateral coercive measures imposed on developing nations continue to hinder
cooperation in preventing and combating these crimes, and that such measures violate the
principles of international law and the Charter of the United Nations.

Technical assistance and capacity building for developing countries should be based on their
own needs and priorities, he added, and should be provided without political conditions.

Source: ISNA"""

SAME_TOPIC_STORY = """Dozens of countries gathered in Hanoi on Saturday to sign the first global
treaty on cybercrime, despite warnings from rights groups and technology companies that its
broad wording could be used to justify surveillance and the prosecution of journalists.

Supporters say the convention will make it easier for police in different countries to share
electronic evidence and to extradite suspects in cases of online fraud, ransomware and child
abuse material. Critics counter that the text lacks strong safeguards for privacy and free
expression, and that several signatories have long records of jailing online critics.

The treaty was negotiated over five years at the United Nations and adopted by the General
Assembly last December. It needs forty ratifications before it takes effect."""

PERSIAN = (
    "معاون وزیر امور خارجه کشورمان در مراسم امضای کنوانسیون سازمان ملل متحد علیه جرایم سایبری "
    "در هانوی گفت اقدامات قهری یکجانبه همکاری بین‌المللی در مبارزه با جرایم را مختل می‌کند و این "
    "کنوانسیون گامی مهم برای چندجانبه‌گرایی و همکاری کشورها در پیشگیری از سوءاستفاده از فناوری‌های "
    "اطلاعات و ارتباطات است و کمک فنی به کشورهای در حال توسعه باید بر اساس نیازهای آنها باشد"
)
# Typed on an Arabic keyboard, with spaces for half-spaces.
PERSIAN_RETYPED = PERSIAN.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")


def print_of(text: str) -> Fingerprint:
    fp = fingerprint(text)
    assert fp is not None
    return fp


def collide(a: Fingerprint, b: Fingerprint) -> bool:
    return bool(set(band_keys(a)) & set(band_keys(b)))


def test_lightly_edited_copy_is_the_same_story():
    original, copy = print_of(STORY), print_of(EDITED_COPY)
    assert similarity(original, copy) >= SIMILARITY_THRESHOLD
    assert collide(original, copy)


def test_letter_variants_and_spaced_half_spaces_do_not_change_the_fingerprint():
    assert PERSIAN_RETYPED != PERSIAN
    assert print_of(PERSIAN) == print_of(PERSIAN_RETYPED)


@pytest.mark.parametrize("other", [SAME_TOPIC_STORY, PERSIAN])
def test_different_articles_are_different_stories(other):
    story, different = print_of(STORY), print_of(other)
    assert similarity(story, different) < 0.15
    assert not collide(story, different)


def test_similarity_is_one_for_identical_text_and_symmetric():
    story, copy = print_of(STORY), print_of(EDITED_COPY)
    assert similarity(story, print_of(STORY)) == 1.0
    assert similarity(story, copy) == similarity(copy, story)


def test_fingerprint_is_deterministic_within_a_process():
    assert print_of(STORY).to_bytes() == print_of(STORY).to_bytes()
    assert band_keys(print_of(STORY)) == band_keys(print_of(STORY))


def test_fingerprint_is_deterministic_across_processes_with_different_hash_seeds():
    code = (
        "import sys; from newsspider.extract.similarity import fingerprint;"
        "sys.stdout.write(fingerprint(sys.stdin.read()).to_bytes().hex())"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", code], input=STORY, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert outputs == {print_of(STORY).to_bytes().hex()}


def test_fingerprint_values_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        print_of(STORY).hashvalues[0] = 1


def test_fingerprint_needs_num_perm_values():
    with pytest.raises(ValueError, match="values"):
        Fingerprint(np.zeros(NUM_PERM - 1, dtype=np.uint32))


def test_bytes_round_trip():
    fp = print_of(STORY)
    data = fp.to_bytes()
    assert isinstance(data, bytes)
    assert Fingerprint.from_bytes(data) == fp
    assert band_keys(Fingerprint.from_bytes(data)) == band_keys(fp)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        print_of(STORY).to_bytes()[:-1],
        print_of(STORY).to_bytes() + b"\0",
        b"\x63" + print_of(STORY).to_bytes()[1:],  # another format version
    ],
)
def test_from_bytes_rejects_other_data(data):
    with pytest.raises(ValueError, match="fingerprint"):
        Fingerprint.from_bytes(data)


def test_short_text_gives_none():
    words = [f"word{number}" for number in range(MIN_WORDS)]
    assert fingerprint(" ".join(words[:-1])) is None
    assert fingerprint(" ".join(words)) is not None
    assert fingerprint("") is None
    assert fingerprint("—" * 500) is None  # punctuation is not words


def test_band_keys_are_distinct_strings_one_per_band():
    keys = band_keys(print_of(STORY))
    assert len(keys) == BANDS == len(set(keys))
    assert all(isinstance(key, str) and len(key) < 40 for key in keys)


def test_equal_rows_in_different_bands_give_different_keys():
    keys = band_keys(Fingerprint(np.full(NUM_PERM, 7, dtype=np.uint32)))
    assert len(set(keys)) == BANDS
