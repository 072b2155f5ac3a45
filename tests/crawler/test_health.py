"""Judging a source's latest run against its earlier ones: medians, flags, too little history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crawler.health import assess
from storage.records import HealthFigures, HealthRow

# A healthy run: 20 articles, all titled and dated, most with an author and a full text.
USUAL = HealthFigures(
    pages=25, failed=1, articles=20, with_title=20, with_date=20, with_author=18, long_text=19
)
START = datetime(2024, 6, 1, tzinfo=UTC)


def history(latest: HealthFigures, *earlier: HealthFigures) -> list[HealthRow]:
    """Rows newest first, as queries.recent_health gives them."""
    runs = (latest, *earlier)
    return [
        HealthRow(len(runs) - i, "variety", START - timedelta(hours=2 * i), figures)
        for i, figures in enumerate(runs)
    ]


def test_a_run_like_the_earlier_ones_is_not_flagged() -> None:
    health = assess(history(replace(USUAL, with_author=17), USUAL, USUAL, USUAL))

    assert health.flags == ()
    assert (health.source, health.run_id, health.earlier_runs) == ("variety", 4, 3)
    assert health.latest["author"] == 85.0
    assert health.usual["author"] == 90.0
    assert health.usual["articles"] == 20


def test_a_lost_date_and_new_boilerplate_are_flagged_with_the_change() -> None:
    relaid = replace(USUAL, with_date=2, boilerplate=3, boilerplate_examples=("Get the app",))
    health = assess(history(relaid, USUAL, replace(USUAL, boilerplate=1), USUAL))

    assert health.flags == ("date 100% → 10%", "boilerplate 0 → 3")
    assert health.examples == ("Get the app",)


def test_failures_rising_and_articles_collapsing_are_flagged() -> None:
    broken = replace(USUAL, failed=18, articles=2, with_title=2, with_date=2, with_author=2)
    health = assess(history(broken, USUAL, USUAL))

    assert health.flags == ("failed 5% → 90%", "articles 20 → 2")


def test_one_article_either_way_is_never_enough_to_flag() -> None:
    # An incremental run of three articles, one without a byline: 67 % against 100 %.
    small = HealthFigures(articles=3, with_title=3, with_date=3, with_author=2, long_text=3)
    full = replace(small, with_author=3)
    assert assess(history(small, full, full)).flags == ()
    # Two of the three without one is a change.
    assert assess(history(replace(small, with_author=1), full, full)).flags == (
        "author 100% → 33%",
    )


def test_a_source_with_one_earlier_run_is_shown_but_never_flagged() -> None:
    empty = HealthFigures(pages=1, failed=1)
    health = assess(history(empty, USUAL))

    assert health.flags == ()
    assert health.usual == dict.fromkeys(health.usual)  # no medians at all
    assert (health.latest["articles"], health.latest["date"], health.latest["failed"]) == (
        0,
        None,
        100.0,
    )


def test_runs_without_articles_give_no_shares_to_the_median() -> None:
    quiet = HealthFigures(pages=2)
    health = assess(history(replace(USUAL, with_date=0), quiet, quiet, USUAL))

    # Only one earlier run had articles: too few to tell what its dates usually are.
    assert health.usual["date"] is None
    assert health.usual["articles"] == 0
    assert health.flags == ()
