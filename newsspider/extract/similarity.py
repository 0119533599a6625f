"""Near-duplicate story detection: MinHash fingerprints of word shingles, and LSH band keys.

The same agency story, lightly edited by several sites, must get one `story_id`. The database
stores `band_keys(fp)` per article, looks up articles sharing any key, and confirms a candidate
with `similarity(a, b) >= SIMILARITY_THRESHOLD`. Parameters were chosen by `bench/similarity.py`
(see docs/text.md). Everything is deterministic across processes: SHA-1 shingle hashes and a
fixed permutation seed, never Python's salted `hash()`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from newsspider.extract.text import search_form

# Measured on 91 real articles and edited copies (bench/similarity.py, docs/text.md): 2- and
# 3-word shingles separate lightly edited copies (exact Jaccard >= 0.42) from different articles
# best; 3 keeps different articles on the same story lower (<= 0.05 against 0.09). 0.4 is the
# highest threshold keeping 98% of light copies and 90% of light copies with 10% more words
# changed. 64 bands of 3 rows make a pair at 0.4 share a band key with probability 0.985 (0.998 at
# 0.5), a pair at 0.05 with 0.008.
SHINGLE_WORDS = 3
MIN_WORDS = 40
NUM_PERM = 192
BANDS = 64
ROWS = NUM_PERM // BANDS
SIMILARITY_THRESHOLD = 0.4

# Bump when any parameter above (other than the threshold) changes: stored fingerprints and band
# keys of another version are not comparable, and the version byte/prefix makes that visible.
FORMAT_VERSION = 1
_SEED = 20251027
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """The MinHash signature of one article: NUM_PERM unsigned 32-bit values."""

    hashvalues: np.ndarray

    def __post_init__(self) -> None:
        values = np.array(self.hashvalues, dtype=np.uint32)  # a private copy...
        if values.shape != (NUM_PERM,):
            raise ValueError(f"a fingerprint has {NUM_PERM} values, not {values.shape}")
        values.flags.writeable = False  # ...frozen like the dataclass, so hashing is stable
        object.__setattr__(self, "hashvalues", values)

    def to_bytes(self) -> bytes:
        """Compact form for the database: one version byte, then little-endian uint32 values."""
        return bytes([FORMAT_VERSION]) + self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Inverse of `to_bytes`; ValueError for another version or a truncated value."""
        return cls(np.frombuffer(_values_bytes(data), dtype="<u4"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return bool(np.array_equal(self.hashvalues, other.hashvalues))

    def __hash__(self) -> int:
        return hash(self.hashvalues.tobytes())


def _values_bytes(data: bytes) -> bytes:
    """The values of a stored fingerprint; ValueError for another version or a truncated value."""
    if len(data) != 1 + 4 * NUM_PERM or data[0] != FORMAT_VERSION:
        raise ValueError(f"not a version-{FORMAT_VERSION} fingerprint of {NUM_PERM} values")
    return data[1:]


_NO_VALUES = bytes([FORMAT_VERSION]) + bytes(4 * NUM_PERM)


def fingerprint_matrix(stored: list[bytes | None]) -> np.ndarray:
    """Stored fingerprints (`to_bytes`) as the rows of one matrix, zeros for a missing one;
    ValueError when one is of another version or truncated."""
    rows = [_NO_VALUES if data is None else data for data in stored]
    width = len(_NO_VALUES)
    if any(len(row) != width for row in rows):
        raise ValueError(f"not all version-{FORMAT_VERSION} fingerprints of {NUM_PERM} values")
    raw = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), width)
    if not (raw[:, 0] == FORMAT_VERSION).all():
        raise ValueError(f"not all version-{FORMAT_VERSION} fingerprints")
    return raw[:, 1:].copy().view("<u4")


def words(text: str) -> list[str]:
    """The words duplicate detection compares: search form, so spelling variants agree."""
    return _WORD.findall(search_form(text))


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping runs of `size` words; the sets whose Jaccard similarity MinHash estimates."""
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def fingerprint(text: str) -> Fingerprint | None:
    """MinHash of the text's word shingles; None below MIN_WORDS, too short to tell copies apart."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    minhash = _TEMPLATE.copy()
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles(tokens)])
    return Fingerprint(minhash.hashvalues)


def band_keys(fp: Fingerprint) -> list[str]:
    """One key per LSH band: two texts share a key when all ROWS values of a band agree."""
    keys = []
    for band in range(BANDS):
        rows = fp.hashvalues[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(rows, digest_size=8).hexdigest()
        keys.append(f"{FORMAT_VERSION}:{band:02d}:{digest}")
    return keys


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (share of equal values)."""
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM
