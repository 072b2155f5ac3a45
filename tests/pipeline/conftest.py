"""Session fixtures: each fixture page extracted once (extraction is pure, so sharing is safe)."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.types import Extracted
from tests.pipeline.pipeline_pages import (
    NODATE_URL,
    REELRUNDOWN_AMP_URL,
    REELRUNDOWN_URL,
    TECHRADAR_URL,
    read_page,
)


@pytest.fixture(scope="session")
def reelrundown() -> Extracted:
    """Seed 000 on a GeneratePress/Yoast page: JSON-LD graph, WordPress comments, CTA divs."""
    return extract(read_page("reelrundown_aouad_s2.html"), REELRUNDOWN_URL)


@pytest.fixture(scope="session")
def reelrundown_amp() -> Extracted:
    """The AMP variant of the same article."""
    return extract(read_page("reelrundown_aouad_s2_amp.html"), REELRUNDOWN_AMP_URL)


@pytest.fixture(scope="session")
def techradar() -> Extracted:
    """Seed 002 on a NewsUp-like page: meta dates only, homepage canonical, custom comments."""
    return extract(read_page("techradar247_aouad_s2.html"), TECHRADAR_URL)


@pytest.fixture(scope="session")
def nodate() -> Extracted:
    """A page without any date metadata whose comments carry dates."""
    return extract(read_page("nodate_sweet_home_s3.html"), NODATE_URL)
