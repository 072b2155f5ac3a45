"""Content identity of article text: the exact hash, and MinHash signatures with LSH band keys
for near-duplicates (syndicated copies with small edits)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
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

# Near-duplicates. The parameters were chosen on bench/dedup's labelled pairs (bench/README.md
# has the threshold curve): word 3-shingles keep a copy with a new first sentence or a dropped
# paragraph well above the threshold where 5-shingles lose short articles; 128 permutations
# in 32 bands of 4 rows make any pair with Jaccard >= ~0.3 a candidate with high probability.
SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 1
# A candidate is a copy when most of the shorter text's shingles are in the longer one
# (truncations, added paragraphs) or the two texts are mostly the same (small edits).
MIN_CONTAINMENT = 0.7
MIN_JACCARD = 0.5
WORD = re.compile(r"\w+")
SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def normalise_text(text: str) -> str:
    """Text with formatting noise removed: NFKC, unified quotes and dashes, casefolded,
    whitespace collapsed to single spaces."""
    folded = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHY).casefold()
    return " ".join(folded.split())


def fingerprint(text: str) -> Fingerprint:
    """The exact-duplicate hash and the near-duplicate signature of an article's text."""
    normalised = normalise_text(text)
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    shingles = word_shingles(normalised)
    minhash = _minhash(shingles)
    return Fingerprint(
        text_hash=digest,
        minhash=minhash.astype("<u4").tobytes(),
        shingles=len(shingles),
        bands=band_keys(minhash),
    )


def word_shingles(normalised: str) -> set[bytes]:
    """The text's runs of SHINGLE_WORDS consecutive words (the whole text if it is shorter)."""
    words = WORD.findall(normalised)
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def band_keys(minhash: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit key per LSH band: texts that share any key are candidates."""
    keys = []
    for band in range(BANDS):
        rows = minhash[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(rows, digest_size=8, person=band.to_bytes(2, "big")).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


def similarity(a: bytes, a_shingles: int, b: bytes, b_shingles: int) -> Similarity:
    """Estimated Jaccard similarity of two texts from their signatures, and the containment
    it implies: the share of the shorter text's shingles that the longer one holds."""
    agree = np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")
    jaccard = float(agree.mean()) if len(agree) else 0.0
    smaller = min(a_shingles, b_shingles)
    common = jaccard * (a_shingles + b_shingles) / (1 + jaccard)
    containment = min(1.0, common / smaller) if smaller else 0.0
    return Similarity(jaccard=jaccard, containment=containment)


def copy_similarity(a: bytes, a_shingles: int, b: bytes, b_shingles: int) -> float | None:
    """How similar text b is to text a when b copies a (or a copies b); None when it does not."""
    found = similarity(a, a_shingles, b, b_shingles)
    if found.jaccard >= MIN_JACCARD or found.containment >= MIN_CONTAINMENT:
        return round(max(found.jaccard, found.containment), 3)
    return None


def _minhash(shingles: set[bytes]) -> np.ndarray:
    minhash = MinHash(
        num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, permutations=_PERMUTATIONS, scheme=SCHEME
    )
    minhash.update_batch(shingles)
    return minhash.hashvalues
