"""Content identity of article text: normalisation and the exact hash (near-duplicates to come)."""

from __future__ import annotations

import hashlib
import unicodedata
from types import MappingProxyType

from pipeline.types import Fingerprint

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


def normalise_text(text: str) -> str:
    """Text with formatting noise removed: NFKC, unified quotes and dashes, casefolded,
    whitespace collapsed to single spaces."""
    folded = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHY).casefold()
    return " ".join(folded.split())


def fingerprint(text: str) -> Fingerprint:
    """The exact-duplicate fingerprint: SHA-256 (hex) of the normalised text."""
    digest = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
    return Fingerprint(text_hash=digest)


# Near-duplicates (next issue): MinHash signatures over word shingles of normalise_text(text)
# and their LSH band keys belong here, beside fingerprint(), so that exact and near-duplicate
# detection share one normalisation. They will become extra fields of types.Fingerprint.
