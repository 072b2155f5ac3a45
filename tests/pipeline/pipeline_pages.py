"""The fixture pages of the pipeline tests, their URLs and their expected main text."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).parent / "pages"

REELRUNDOWN_URL = "https://www.reelrundown.example/all-of-us-are-dead-season-2/"
REELRUNDOWN_AMP_URL = "https://www.reelrundown.example/all-of-us-are-dead-season-2/amp/"
TECHRADAR_URL = "https://techradar247.example/all-of-us-are-dead-season-2-cast-production-update/"
NODATE_URL = "https://bingebulletin.example/sweet-home-season-3-ending-explained"
LISTING_URL = "https://www.reelrundown.example/category/kdrama/"


def read_page(name: str) -> str:
    """A fixture page's HTML (or any file under pages/)."""
    return (PAGES / name).read_text(encoding="utf-8")


def expected_text(name: str) -> str:
    """The main text a page must yield, written from the seed, not from the extractor's output."""
    return read_page(f"{name}.expected.txt").strip()
