"""pipeline.catalogue, mentions and linking: titles linked to known shows by alias, typo,
initials, prefix and mention, with seasons; everyday words and people kept apart."""

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
        KnownShow("House of the Dragon"),
        KnownShow("Succession"),
        KnownShow("Moving"),
        KnownShow("Bloodhounds"),
        KnownShow("The Glory"),
        KnownShow("Emily in Paris"),
        KnownShow("Kingdom"),
        KnownShow("Demon Slayer", ("Kimetsu no Yaiba",)),
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


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sacred Games 2 Review: Saif Returns", [("Sacred Games", 2)]),  # a number before a marker
        ("Stranger Thigns 5 Trailer Breaks Records", [("Stranger Things", 5)]),  # a weak marker
        ("HOTD Season 3: First Look", [("House of the Dragon", 3)]),  # initials
        ("Squid Game Won't Get a Season 4, Creator Says", [("Squid Game", 4)]),  # a prefix
        ("Wednesday's Jenna Ortega Says Season 2 Is Darker", [("Wednesday", 2)]),  # possessive
        ("Netflix Renews Outer Banks for a Fifth and Final Season", [("Outer Banks", 5)]),
        ("Lucas Bravo Exits Emily in Paris Ahead of Season 5", [("Emily in Paris", 5)]),
        ("Demon Slayer: Kimetsu no Yaiba Season 4 Review", [("Demon Slayer", 4)]),
        ("Alien: Earth Episode 5 Recap", [("Alien: Earth", None)]),  # a colon inside a new name
        ("The Last Kingdom Season 5 Ending Explained", [("The Last Kingdom", 5)]),  # not Kingdom
        ("Emily in Paris Cast: Who's Returning for Season 5", [("Emily in Paris", 5)]),
        ("Peaky Blinders series 6 episode 1 review: Tommy", [("Peaky Blinders", 6)]),  # British
        ("Ozark's Final Season Gets a Poster", [("Ozark", None)]),
        ("Anupamaa Written Update: Anu Is Betrayed", [("Anupamaa", None)]),  # a new show
        ("Severance Renewed for Season 3 at Apple TV+", [("Severance", 3)]),  # a verb after it
        ("Netflix Servers Crash as Stranger Thing Season 5 Drops", [("Stranger Things", 5)]),
        ("Outerbanks 4 Part 2 Trailer: The Pogues Return", [("Outer Banks", 4)]),  # a part of 4
        ("Berlin Season 2: The Money Heist Spinoff Heads to Seville", [("Berlin", 2)]),
    ],
)
def test_names_before_markers(title: str, expected: list[tuple[str, int | None]]) -> None:
    catalogue = Catalogue.of(
        [*CATALOGUE.shows, KnownShow("Sacred Games"), KnownShow("Outer Banks")]
    )
    assert sorted((m.name, m.season) for m in link_shows(title, catalogue)) == sorted(expected)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Moving, Bloodhounds and Mask Girl Top the Year",
            [("Bloodhounds", None), ("Moving", None)],
        ),
        ("5 Shows Like Wednesday to Watch Next", [("Wednesday", None)]),  # a cue before it
        ("Why fans think Succession's ending was perfect", [("Succession", None)]),  # sentence case
        ("Inside the room that built The Glory's revenge plot", [("The Glory", None)]),
        ("Moving Day: Tips for Packing Your Kitchen", []),  # everyday words
        ("Emily in Paris Star Lily Collins Welcomes a Baby", []),  # news about a person
        ("Kingdom 3 Is Finally Happening", [("Kingdom", 3)]),  # a season number right after it
        ("Kingdom Hearts 4 Gets a Release Window", []),  # a number, but not right after it
    ],
)
def test_mentions_weigh_their_evidence(title: str, expected: list[tuple[str, int | None]]) -> None:
    assert linked(title) == sorted(expected)


def test_the_body_supports_an_everyday_name() -> None:
    title = "Moving Is the Best Superhero Show Nobody Watched"
    assert link_shows(title, CATALOGUE) == ()
    body = "Moving follows three families. In Moving, the parents hide their powers."
    [match] = link_shows(title, CATALOGUE, body)
    assert (match.name, match.confidence) == ("Moving", 0.8)


def test_a_typo_is_reported_as_a_spelling_to_register() -> None:
    [match] = link_shows("All Us Are Dead Season 2 Teaser", CATALOGUE)
    assert (match.name, match.spelling, match.season) == (
        "All of Us Are Dead",
        "All Us Are Dead",
        2,
    )
    assert match.confidence < 1.0
    [exact] = link_shows("All of Us Are Dead Season 2 Teaser", CATALOGUE)
    assert (exact.spelling, exact.confidence) == (None, 1.0)
