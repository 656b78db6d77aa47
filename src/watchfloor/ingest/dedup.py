"""Content ids, exact duplicates and near duplicates.

- The id of a document is derived from its clean text: the same text from a file, a URL and a
  feed is one document, and re-ingesting changes nothing.
- Near duplicates (one wire story republished with another headline, a corrected figure or
  the site's boilerplate) are found with MinHash over word 5-shingles and locality-sensitive
  hashing: the signature is cut into bands, each band hashed to a bucket stored in an
  indexed table, so candidates are found by lookup, not by comparing against every document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Signature length: 128 permutations estimate Jaccard similarity within about ±0.09
# (one standard deviation at J=0.5, sqrt(J(1-J)/128)), closer near 0.8 where we decide.
NUM_PERM = 128
# 32 bands of 4 rows: a pair with Jaccard 0.8 shares a bucket with probability
# 1-(1-0.8^4)^32 > 0.9999999, while pairs below 0.3 rarely become candidates.
BANDS = 32
ROWS = NUM_PERM // BANDS
# Words per shingle: five-word runs are specific enough that unrelated reports on the
# same topic share few of them, while a republished story shares most.
SHINGLE_WORDS = 5
# Fixed seed: signatures are stored, so every process must draw the same permutations.
MINHASH_SEED = 1
# Each permutation is a multiply-shift hash h(x) = (a*x + b mod 2^64) >> 32 with random odd
# a (Dietzfelbinger et al.): universal, and free of the slow modulo of the prime-field form.
_SHIFT = np.uint64(32)

_WORDS = re.compile(r"\w+", re.UNICODE)


def normalise_for_hash(text: str) -> str:
    """The text as compared for exact duplicates: NFC, white space collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_sha256(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Signature:
    """A document's MinHash signature and its LSH buckets ((band, bucket) pairs)."""

    values: np.ndarray  # uint64, NUM_PERM long
    buckets: tuple[tuple[int, int], ...]

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(MINHASH_SEED)
    a = rng.randint(0, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.randint(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


def shingles(text: str) -> set[bytes]:
    words = _WORDS.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _shingle_hashes(text: str) -> np.ndarray:
    """CRC-32 of every word 5-shingle, as ``shingles`` spells them, without building them:
    the words are joined once and each shingle is a slice of that buffer (a repeated
    shingle repeats its hash, which leaves the MinHash minimum unchanged)."""
    words = _WORDS.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return np.fromiter((zlib.crc32(g) for g in shingles(text)), dtype=np.uint64)
    joined = " ".join(words)
    buffer = joined.encode("utf-8")
    if len(buffer) == len(joined):  # ASCII: characters are bytes
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    else:
        lengths = np.fromiter((len(w.encode("utf-8")) for w in words), dtype=np.int64,
                              count=len(words))
    starts = np.zeros(len(words), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    ends = starts + lengths
    view = memoryview(buffer)
    count = len(words) - SHINGLE_WORDS + 1
    begin, finish = starts[:count].tolist(), ends[SHINGLE_WORDS - 1 :].tolist()
    crc32 = zlib.crc32
    return np.fromiter(
        (crc32(view[b:e]) for b, e in zip(begin, finish, strict=True)),
        dtype=np.uint64,
        count=count,
    )


def signature(text: str) -> Signature | None:
    """MinHash signature of a text; None for a text without words."""
    # CRC-32 of each shingle: stable across processes and platforms (unlike hash()),
    # and a C call per shingle instead of a cryptographic digest.
    hashes = _shingle_hashes(text)
    if not len(hashes):
        return None
    a, b = _permutations()
    # uint64 arithmetic wraps modulo 2^64, which is exactly what multiply-shift needs.
    permuted = np.multiply.outer(hashes, a)
    permuted += b
    permuted >>= _SHIFT
    values = permuted.min(axis=0)
    return Signature(values=values, buckets=_buckets(values))


def _buckets(values: np.ndarray) -> tuple[tuple[int, int], ...]:
    data = values.astype("<u8").tobytes()
    size = ROWS * 8
    blake2b = hashlib.blake2b
    return tuple(
        # signed 64-bit: fits BIGINT
        (band, int.from_bytes(blake2b(data[band * size : (band + 1) * size],
                                      digest_size=8).digest(), "little", signed=True))
        for band in range(BANDS)
    )


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8")


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(len(a))
