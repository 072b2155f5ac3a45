"""One crawl's extraction figures for a source: field shares and lines recurring across articles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipeline.health import HealthTally, PageFigures
from pipeline.types import Extracted

PROMO = "Watch every trailer first in the Streamline Daily app, free for thirty days."


def story(n: int, words: int = 200, *lines: str) -> str:
    """Story n's own text (no line shared with another story) of about ``words`` words, with
    ``lines`` as paragraphs of their own."""
    own = " ".join(f"word{n}x{i}" for i in range(words))
    return "\n\n".join((*lines, own))


def extracted(text: str, **changes: Any) -> Extracted:
    fields: dict[str, Any] = {
        "url": "https://news.example/a",
        "title": "A title",
        "author": "A. Writer",
        "published": datetime(2024, 5, 1, tzinfo=UTC),
        "modified": None,
        "tags": (),
        "language": "en",
        "text": text,
    }
    return Extracted(**(fields | changes))


def test_nothing_counted_gives_zeros() -> None:
    assert HealthTally().figures() == PageFigures()


def test_each_field_is_counted_where_present() -> None:
    tally = HealthTally()
    tally.add(1, extracted(story(1)))
    tally.add(2, extracted(story(2), author=None, published=None))
    tally.add(3, extracted(story(3, words=40), title="  ", author=" "))

    figures = tally.figures()

    assert (figures.articles, figures.with_title, figures.with_date) == (3, 2, 2)
    assert (figures.with_author, figures.long_text) == (1, 2)


def test_an_article_fetched_at_several_urls_counts_once() -> None:
    tally = HealthTally()
    for _ in range(3):  # canonical, AMP and tracking-parameter URLs of one article
        tally.add(7, extracted(story(7, 200, PROMO)))

    figures = tally.figures()

    assert (figures.articles, figures.boilerplate) == (1, 0)


def test_a_line_in_every_article_is_boilerplate_whatever_its_case_and_spacing() -> None:
    tally = HealthTally()
    tally.add(1, extracted(story(1, 200, PROMO)))
    tally.add(2, extracted(story(2, 200, PROMO.upper())))
    tally.add(3, extracted(story(3, 200, PROMO.replace(" ", "  "))))

    figures = tally.figures()

    assert (figures.boilerplate, figures.boilerplate_examples) == (1, (PROMO,))


def test_a_line_needs_three_articles_and_thirty_percent_of_them() -> None:
    shared_by_two = HealthTally()
    for n in range(2):
        shared_by_two.add(n, extracted(story(n, 200, PROMO)))
    # 3 of 11 articles is under 30 %: a quote that a few stories on one show repeat.
    three_of_eleven, four_of_eleven = HealthTally(), HealthTally()
    for n in range(11):
        three_of_eleven.add(n, extracted(story(n, 200, *([PROMO] if n < 3 else []))))
        four_of_eleven.add(n, extracted(story(n, 200, *([PROMO] if n < 4 else []))))

    assert shared_by_two.figures().boilerplate == 0
    assert three_of_eleven.figures().boilerplate == 0
    assert four_of_eleven.figures().boilerplate == 1


def test_short_lines_and_list_items_are_never_boilerplate() -> None:
    tally = HealthTally()
    for n in range(4):
        text = story(n, 200, "The Cast", "- Yoon Chan-young as Lee Cheong-san", PROMO)
        tally.add(n, extracted(text))

    figures = tally.figures()

    assert (figures.boilerplate, figures.boilerplate_examples) == (1, (PROMO,))


def test_examples_are_the_most_frequent_lines_first_and_cut_short() -> None:
    everywhere = "Follow Streamline Daily on every network for the week's premieres. " * 5
    mostly = "Streamline Daily picks the best new series for you every weekend."
    tally = HealthTally()
    for n in range(4):
        tally.add(n, extracted(story(n, 200, *([mostly] if n else []), everywhere.strip())))

    figures = tally.figures()

    assert figures.boilerplate == 2
    first, second = figures.boilerplate_examples
    assert everywhere.startswith(first) and len(first) == 120
    assert second == mostly
