"""Content identity of article text: the exact hash, and MinHash signatures with LSH band keys
for near-duplicates (syndicated copies with small edits)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import replace
from types import MappingProxyType

import numpy as np
from datasketch import MinHash

from pipeline.types import Fingerprint, Similarity

# Typographic variants that CMSs and editors swap freely, mapped to one plain form; zero-width
# characters and soft hyphens are dropped. NFKC has already folded the compatibility forms
# (non-breaking spaces, full-width letters, "…").
TYPOGRAPHY = MappingProxyType(
    str.maketrans(
        {
            **dict.fromkeys("‘’‚‛′ʼ`´", "'"),
            **dict.fromkeys("“”„‟″«»〝〞", '"'),
            **dict.fromkeys("‐‑‒–—―−﹘﹣", "-"),
            **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad"),
        }
    )
)

TYPOGRAPHIC = re.compile("[" + re.escape("".join(map(chr, TYPOGRAPHY))) + "]")

# Near-duplicates. Settings chosen on bench/dedup's labelled pairs of real article texts
# (bench/README.md has the grid and the threshold curve). Containment, not Jaccard, decides: a
# truncated copy has Jaccard ~0.5 with its original but containment ~1, while different
# articles about the same show (shared cast lists, names) stay below ~0.5 containment. Word
# 3-shingles with 32 bands of 4 rows: precision 1.000 and recall 0.994 at containment 0.7
# (64 bands of 2 rows reach recall 1.000, at twice the band rows per article; 16 bands miss a
# tenth of the copies). text-dedup's and datasketch's usual web settings (5-shingles, a Jaccard
# threshold of 0.7-0.8) look for near-identical pages: a copy cut to 60 % of its original has a
# Jaccard similarity near 0.6 and would be missed.
SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 1
# A candidate is a copy when most of the shorter text's shingles are in the longer one: that
# covers small edits (high Jaccard similarity implies high containment) as well as truncations
# and added paragraphs (low Jaccard, containment near 1).
MIN_CONTAINMENT = 0.7
WORD = re.compile(r"\w+")
SCHEME = "affine32"
_MIX = 0x9E3779B97F4A7C15  # 2^64 / golden ratio, odd
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def normalise_text(text: str) -> str:
    """Text with formatting noise removed: NFKC, unified quotes and dashes, casefolded,
    whitespace collapsed to single spaces."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    # A substitution per variant found: str.translate walks every character in Python.
    text = TYPOGRAPHIC.sub(_plain_form, text)
    return " ".join(text.casefold().split())


def _plain_form(match: re.Match[str]) -> str:
    return match.group().translate(TYPOGRAPHY)


def fingerprint(text: str) -> Fingerprint:
    """The exact-duplicate hash and the near-duplicate signature of an article's text."""
    normalised = normalise_text(text)
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    return replace(signature(normalised), text_hash=digest)


def signature(
    normalised: str, *, shingle_words: int = SHINGLE_WORDS, bands: int = BANDS
) -> Fingerprint:
    """The near-duplicate part of a fingerprint (no text hash) of a normalised text; the
    keywords exist for bench/dedup, which measures other settings."""
    hashes = shingle_hashes(normalised, shingle_words)
    minhash = _minhash(hashes)
    return Fingerprint(
        text_hash="",
        minhash=minhash.astype("<u4").tobytes(),
        shingles=len(hashes),
        bands=band_keys(minhash, bands),
    )


def word_shingles(normalised: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The text's runs of ``size`` consecutive words (the whole text if it is shorter)."""
    words = WORD.findall(normalised)
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def shingle_hashes(normalised: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of the text's distinct word shingles (as word_shingles, but computed from
    per-word CRC32s in numpy: a pass of Python per word, none per shingle)."""
    words = WORD.findall(normalised)
    if not words:
        return np.empty(0, dtype=np.uint32)
    crcs = np.fromiter((zlib.crc32(word.encode()) for word in words), np.uint64, len(words))
    count = max(1, len(words) - size + 1)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(words))):
        # Horner's rule with an odd 64-bit multiplier: "a b c" and "c b a" hash apart.
        combined = combined * np.uint64(_MIX) + crcs[offset : offset + count]
    folded = (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


def band_keys(minhash: np.ndarray, bands: int = BANDS) -> tuple[int, ...]:
    """One signed 64-bit key per LSH band: texts that share any key are candidates."""
    rows_per_band = len(minhash) // bands
    keys = []
    for band in range(bands):
        rows = minhash[band * rows_per_band : (band + 1) * rows_per_band].astype("<u4").tobytes()
        digest = hashlib.blake2b(rows, digest_size=8, person=band.to_bytes(2, "big")).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


def similarity(a: bytes, a_shingles: int, b: bytes, b_shingles: int) -> Similarity:
    """Estimated Jaccard similarity of two texts from their signatures, and the containment
    it implies: the share of the shorter text's shingles that the longer one holds."""
    if not a_shingles or not b_shingles:
        return Similarity(jaccard=0.0, containment=0.0)  # an empty text is like nothing
    agree = np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")
    jaccard = float(agree.mean())
    smaller = min(a_shingles, b_shingles)
    common = jaccard * (a_shingles + b_shingles) / (1 + jaccard)
    containment = min(1.0, common / smaller) if smaller else 0.0
    return Similarity(jaccard=jaccard, containment=containment)


def copy_similarity(a: bytes, a_shingles: int, b: bytes, b_shingles: int) -> float | None:
    """How similar text b is to text a when b copies a (or a copies b): the estimated
    containment; None when it is below MIN_CONTAINMENT."""
    found = similarity(a, a_shingles, b, b_shingles)
    return round(found.containment, 3) if found.containment >= MIN_CONTAINMENT else None


def _minhash(hashes: np.ndarray) -> np.ndarray:
    minhash = MinHash(
        num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_PERMUTATIONS, scheme=SCHEME
    )
    minhash.update_batch(hashes.tolist())  # already hashed: int() passes them through
    return minhash.hashvalues
