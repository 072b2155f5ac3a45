"""pipeline.catalogue: titles linked to known shows by alias, typo and mention, with seasons."""

from __future__ import annotations

import pytest

from pipeline.catalogue import Catalogue, KnownShow
from pipeline.linking import link_shows

CATALOGUE = Catalogue.of(
    [
        KnownShow("All of Us Are Dead", ("AOUAD",)),
        KnownShow("Squid Game"),
        KnownShow("Stranger Things"),
        KnownShow("Spy x Family", ("Spy × Family",)),
        KnownShow("Dune: Prophecy"),
        KnownShow("Wednesday"),
        KnownShow("You"),
        KnownShow("Mirzapur"),
        KnownShow("Panchayat"),
    ]
)


def linked(title: str) -> list[tuple[str, int | None]]:
    return sorted((match.name, match.season) for match in link_shows(title, CATALOGUE))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("All Us Are Dead Season 2 Release Date", [("All of Us Are Dead", 2)]),  # a typo
        ("AOUAD Season 2: What We Know", [("All of Us Are Dead", 2)]),  # an alias
        ("squid game season 2 episode 7 recap", [("Squid Game", 2)]),  # lowercase
        ("Spy x Family Season 3 Premiere Date", [("Spy x Family", 3)]),  # a lowercase word inside
        ("Dune: Prophecy Season 1 Finale Review", [("Dune: Prophecy", 1)]),  # a colon inside
        ("Netflix Renews Wednesday for Season 3", [("Wednesday", 3)]),
        ("Mirzapur 3 vs Panchayat 3: Which Ruled the Charts?", [("Mirzapur", 3), ("Panchayat", 3)]),
        ("Why Stranger Things Fans Are Rewatching", [("Stranger Things", None)]),  # a mention
    ],
)
def test_titles_are_filed_under_their_catalogue_show(
    title: str, expected: list[tuple[str, int | None]]
) -> None:
    assert linked(title) == sorted(expected)


def test_a_name_that_is_everyday_words_counts_only_before_a_marker() -> None:
    assert linked("You Won't Believe What Happened at the Awards") == []
    assert linked("You Season 5 Ending Explained") == [("You", 5)]


def test_a_show_the_catalogue_lacks_is_kept_under_its_own_name() -> None:
    assert linked("Gyeongseong Creature Season 2 Review") == [("Gyeongseong Creature", 2)]


def test_a_numbered_part_of_a_season_is_not_a_show() -> None:
    assert linked("Stranger Things Season 4 Volume 2 Ending Explained") == [("Stranger Things", 4)]
