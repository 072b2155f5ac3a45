"""pipeline/blocks.py: whole lines of page furniture go, sentences that merely contain them stay."""

from __future__ import annotations

import pytest

from pipeline.blocks import drop_furniture

TITLE = "Squid Game Season 3: Release Date, Cast and Everything We Know"
PROSE = "Squid Game became a worldwide phenomenon when it premiered on Netflix in 2021."


def furniture_gone(block: str, tags: tuple[str, ...] = ()) -> bool:
    text = f"{PROSE}\n\n{block}\n\nThe second season arrived in December 2024."
    return block not in drop_furniture(text, TITLE, tags)


@pytest.mark.parametrize(
    "block",
    [
        TITLE,
        "October 12, 2017",
        "Published Monday, Nov. 18, 2019",
        "(Published Monday, Nov. 18, 2019)",
        "Updated at 1:23 p.m.",
        "- Published 18 November 2019",
        "First Published: Tuesday, November 19, 2019 08:38 AM",
        "Reporting by Rodrigo Campos; Editing by Nick Zieminski",
        "© 2024 KDrama Buzz. All rights reserved.",
        "copyright Inexhibit 2019 - ISSN: 2283-5474",
        "https://www.example.com/news/article-14848175.php",
        "3 Comments",
        "Tell us what YOU think...",
        "Post Comment (+)",
        "Print Article",
        "Order Reprints",
        "By",
        "Jewels after Jewels, installation views, photos © Inexhibit, 2018",
        "Write to Al Root at allen.root@dowjones.com",
        "Have a tip? Amy Kuperinsky may be reached at akuperinsky@example.com.",
        "3 MIN. READ",
        "- 11 min read",
        "4 minute read time",
        "Table of Contents",
        "In this article",
        "Back to top",
    ],
)
def test_a_line_of_furniture_goes(block: str) -> None:
    assert furniture_gone(block)


@pytest.mark.parametrize(
    "block",
    [
        "The finale aired on October 12, 2017, to record ratings.",
        "Reporting on the set by our correspondent continued through the week of filming.",
        "The series, © Netflix, was filmed in Seoul over eight months in 2020 and 2021.",
        "Comments from the director suggest a darker story for the new season.",
        "Fans sent their photos to the studio, and the director answered every email in person.",
        "The actor shared new photos by the pool on Instagram after the finale.",
        "Season 3",
        "The episode is a 3 minute read of the script, performed live by the cast.",
        "Contents of the box set include a behind-the-scenes book.",
    ],
)
def test_prose_that_mentions_the_same_things_stays(block: str) -> None:
    assert not furniture_gone(block)


def test_the_pages_own_tags_listed_again_go() -> None:
    tags = ("Squid Game", "Netflix", "K-drama", "Lee Jung-jae")
    assert furniture_gone("Tags: Squid Game, Netflix, K-drama", tags)
    assert furniture_gone("squid game, netflix, lee jung-jae, k-drama", tags)
    # A list of other things, or too short a list, is text.
    assert not furniture_gone("Seoul, Busan, Incheon and Daegu", tags)
    assert not furniture_gone("Squid Game, Netflix", tags)
    assert not furniture_gone("Tags: Squid Game, Netflix, K-drama", ())


def test_in_a_list_each_item_is_judged_on_its_own() -> None:
    text = f"{PROSE}\n\n- Order Reprints\n- Print Article\n\n- Lee Jung-jae as Gi-hun\n- Text size"
    assert drop_furniture(text, TITLE) == f"{PROSE}\n\n- Lee Jung-jae as Gi-hun"


def test_the_headline_goes_without_its_section_or_site_and_from_among_lines() -> None:
    title = "Opinion | Is Football Violence a Crime?"
    text = f"Is Football Violence a Crime?\n\n{PROSE}"
    assert drop_furniture(text, title) == PROSE
    lines = f"Calendário Stock Car 2018\nOctober 12, 2017\n{PROSE}"
    assert drop_furniture(lines, "Calendário Stock Car 2018") == PROSE
