"""pipeline/dedup.py: MinHash signatures and LSH band keys judge small edits as copies and
different articles about the same show as different, the same way in every process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.dedup import (
    BANDS,
    NUM_PERM,
    copy_similarity,
    fingerprint,
    normalise_text,
    similarity,
    word_shingles,
)

TEXTS = Path(__file__).parent / "texts"
# An article about a show, and a different article about the same show (made up for the tests).
ARTICLE = (TEXTS / "aouad-season-2.txt").read_text(encoding="utf-8").strip()

CAST_LIST = "\n".join(
    f"- {actor} as {role}"
    for actor, role in (
        ("Yoon Chan-young", "Lee Cheong-san"),
        ("Park Ji-hu", "Nam On-jo"),
        ("Cho Yi-hyun", "Choi Nam-ra"),
        ("Lomon", "Lee Su-hyeok"),
        ("Park Solomon", "Su-hyeok"),
        ("Im Jae-hyuk", "Dae-su"),
        ("Ha Seung-ri", "Ha-ri"),
        ("Lee Eun-saem", "Mi-jin"),
        ("Kim Bo-yoon", "Hyo-ryung"),
    )
)

OTHER_ARTICLE = (TEXTS / "aouad-cast-now.txt").read_text(encoding="utf-8").strip()

PARAGRAPHS = ARTICLE.split("\n\n")

COPIES = {
    "new first sentence": "Good news for zombie fans: Netflix is making more. " + ARTICLE,
    "paragraph dropped": "\n\n".join(PARAGRAPHS[:3] + PARAGRAPHS[4:]),
    "also read inserted": "\n\n".join(
        [*PARAGRAPHS[:2], "Also Read: Squid Game Season 3 Release Date", *PARAGRAPHS[2:]]
    ),
    "truncated": "\n\n".join(PARAGRAPHS[:4]),
    "boilerplate injected": "WhatsApp Group Join Now\n\nTelegram Group Join Now\n\n" + ARTICLE,
    "typos": ARTICLE.replace("Netflix", "Netflx").replace("zombie", "zomby", 1),
}


def judged(a: str, b: str) -> float | None:
    fa, fb = fingerprint(a), fingerprint(b)
    return copy_similarity(fa.minhash, fa.shingles, fb.minhash, fb.shingles)


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_a_copy_with_small_edits_is_a_copy(kind: str) -> None:
    found = judged(ARTICLE, COPIES[kind])
    assert found is not None and 0.7 <= found <= 1.0
    # Whichever text was stored first.
    assert judged(COPIES[kind], ARTICLE) == found


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_a_copy_shares_band_keys_with_its_original(kind: str) -> None:
    assert set(fingerprint(ARTICLE).bands) & set(fingerprint(COPIES[kind]).bands)


def test_different_articles_that_share_a_cast_list_are_not_copies() -> None:
    first = ARTICLE + "\n\n" + CAST_LIST
    second = OTHER_ARTICLE + "\n\n" + CAST_LIST
    assert judged(first, second) is None


def test_the_same_text_is_similarity_one() -> None:
    assert judged(ARTICLE, ARTICLE) == 1.0


def test_the_estimate_is_close_to_the_exact_jaccard_similarity() -> None:
    for copy in COPIES.values():
        a = word_shingles(normalise_text(ARTICLE))
        b = word_shingles(normalise_text(copy))
        exact = len(a & b) / len(a | b)
        fa, fb = fingerprint(ARTICLE), fingerprint(copy)
        estimate = similarity(fa.minhash, fa.shingles, fb.minhash, fb.shingles).jaccard
        assert abs(estimate - exact) < 0.15, (exact, estimate)


def test_signatures_have_the_documented_shape() -> None:
    found = fingerprint(ARTICLE)
    assert len(found.minhash) == 4 * NUM_PERM
    assert len(found.bands) == BANDS
    assert found.shingles == len(word_shingles(normalise_text(ARTICLE)))


def test_band_keys_are_the_same_in_another_process() -> None:
    # Band keys are stored and compared across crawler processes and machines: nothing in
    # them may depend on the process (hash randomisation, numpy's state).
    code = (
        "import sys; from pipeline.dedup import fingerprint; "
        "print(fingerprint(sys.stdin.read()).bands)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=ARTICLE,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert result.stdout.strip() == str(fingerprint(ARTICLE).bands)
