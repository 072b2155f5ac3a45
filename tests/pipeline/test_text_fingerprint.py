"""Text normalisation and the exact fingerprint: formatting noise in, the same hash out."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.dedup import fingerprint, normalise_text
from pipeline.types import Extracted

TEXT = "All Of Us Are Dead Season 2 is coming.\n\nIt’s the “most awaited” show — fans can’t wait…"


@pytest.mark.parametrize(
    "variant",
    [
        # ASCII quotes, dashes and dots
        'All Of Us Are Dead Season 2 is coming. It\'s the "most awaited" show - '
        "fans can't wait...",
        # case and line breaks
        "all of us are dead season 2 is coming.\nit’s the “most awaited” show — fans can’t wait…",
        # surrounding and repeated whitespace, CRLF, tabs
        "  All Of Us Are Dead   Season 2 is coming.\r\n\r\n\tIt’s the “most awaited” show — "
        "fans can’t wait…  ",
        # non-breaking spaces, other quote and dash shapes
        "All\u00a0Of Us Are Dead Season\u00a02 is coming. It‘s the „most awaited‟ show – "
        "fans can’t wait…",
        # full-width digit, zero-width space, soft hyphen
        "All Of Us Are Dead Season ２ is coming. It’s the “most\u200b awaited” show ― "
        "fans can\u00ad’t wait…",
    ],
)
def test_formatting_variants_share_the_fingerprint(variant: str) -> None:
    assert fingerprint(variant) == fingerprint(TEXT)


@pytest.mark.parametrize(
    "edited",
    [
        TEXT.replace("Season 2", "Season 3"),
        TEXT.replace("coming", "delayed"),
        TEXT.replace(" fans can’t wait…", ""),
        TEXT + " Netflix confirmed it.",
    ],
)
def test_real_edits_change_the_fingerprint(edited: str) -> None:
    assert fingerprint(edited) != fingerprint(TEXT)


def test_normalised_form() -> None:
    assert normalise_text(TEXT) == (
        "all of us are dead season 2 is coming. it's the \"most awaited\" show - fans can't wait..."
    )


def test_fingerprint_is_sha256_of_the_normalised_text() -> None:
    expected = hashlib.sha256(normalise_text(TEXT).encode("utf-8")).hexdigest()
    assert fingerprint(TEXT).text_hash == expected
    assert len(expected) == 64


def test_page_text_fingerprint_survives_reflowing(reelrundown: Extracted) -> None:
    reflowed = reelrundown.text.replace("\n\n", "\n").replace("’", "'")
    assert fingerprint(reflowed) == fingerprint(reelrundown.text)
