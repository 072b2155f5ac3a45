"""Boilerplate removal on whole pages, one family of markup each: the text is exactly the article.

Each page's ``.expected.txt`` was written by hand from the article prose put into the page, not
from the extractor's output, so a difference is either boilerplate that got through or prose
that got lost.
"""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.types import Extracted
from tests.pipeline.pipeline_pages import (
    BOILERPLATE_PAGES,
    BoilerplatePage,
    expected_text,
    read_page,
)

# Boilerplate of every kind; none of these strings occurs in the prose of any of the pages.
BOILERPLATE_MARKERS = (
    "WhatsApp Group Join",
    "Join Now",
    "Join our",
    "Join Our",
    "Follow us",
    "Follow Us",
    "Follow Now",
    "Click Here",
    "Click here",
    "Tap here",
    "Google News",
    "Subscribe to",
    "YouTube",
    "Also Read",
    "Read Also",
    "Read More:",
    "READ MORE",
    "Must Read",
    "Don’t Miss",
    "Related:",
    "Recommended for you",
    "You May Also Like",
    "More Stories",
    "Advertisement",
    "ADVERTISEMENT",
    "Sponsored",
    "continues below",
    "Scroll to continue",
    "About the Author",
    "Photo:",
    "Photo by",
    "Image:",
    "Image credit",
    "(Image",
    "Credit:",
    "cookies",
    "Accept",
    "Share this",
    "Share to",
    "Spread the love",
    "Facebook",
    "Leave a",
    "thoughts on",
    "thought on",
    "response to",
    "Comments (",
    "comments:",
    "Join the discussion",
    "Cancel reply",
    "Your email address",
    "Recent Posts",
    "Popular Posts",
    "Trending",
    "All rights reserved",
)
# Lines that are an ad label on their own.
AD_LINES = frozenset({"Ad", "Ads", "Sponsored", "Advertisement", "ADVERTISEMENT"})


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extracted]:
    """Every page extracted once (extraction is pure, so sharing is safe)."""
    return {
        page.name: extract(read_page(f"{page.name}.html"), page.url) for page in BOILERPLATE_PAGES
    }


def page_params() -> list[object]:
    return [pytest.param(page, id=page.name) for page in BOILERPLATE_PAGES]


@pytest.mark.parametrize("page", page_params())
def test_text_is_exactly_the_article(
    extracted: dict[str, Extracted], page: BoilerplatePage
) -> None:
    assert extracted[page.name].text == expected_text(page.name)


@pytest.mark.parametrize("page", page_params())
def test_no_boilerplate_reaches_the_text(
    extracted: dict[str, Extracted], page: BoilerplatePage
) -> None:
    text = extracted[page.name].text
    leaked = [marker for marker in (*BOILERPLATE_MARKERS, *page.markers) if marker in text]
    assert leaked == []
    assert AD_LINES.isdisjoint(text.splitlines())


@pytest.mark.parametrize("page", page_params())
def test_every_paragraph_heading_and_item_is_kept(
    extracted: dict[str, Extracted], page: BoilerplatePage
) -> None:
    lines = set(extracted[page.name].text.splitlines())
    missing = [line for line in expected_text(page.name).splitlines() if line not in lines]
    assert missing == []


@pytest.mark.parametrize("page", page_params())
def test_blocks_are_separated_by_one_blank_line(
    extracted: dict[str, Extracted], page: BoilerplatePage
) -> None:
    text = extracted[page.name].text
    assert "\n\n\n" not in text
    assert text == text.strip()


def test_the_pages_cover_the_markup_families() -> None:
    # At least ten pages, and no two of them the same page under another name.
    assert len(BOILERPLATE_PAGES) >= 10
    assert len({page.name for page in BOILERPLATE_PAGES}) == len(BOILERPLATE_PAGES)
    assert len({page.url for page in BOILERPLATE_PAGES}) == len(BOILERPLATE_PAGES)
