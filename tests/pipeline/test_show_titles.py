"""Shows named in titles with no catalogue to go by: patterns, season numbers, filler trimming,
and titles with no show."""

from __future__ import annotations

import pytest

from pipeline.linking import link_shows
from pipeline.shows import alias_key


@pytest.mark.parametrize(
    ("title", "shows"),
    [
        (
            "All Of Us Are Dead Season 2: Release Date, Latest Updates, Story and All We Know",
            [("All Of Us Are Dead", 2)],
        ),
        (
            "All Of Us Are Dead Season 2: Cast Teases Production Update! Returning In 2023?",
            [("All Of Us Are Dead", 2)],
        ),
        ("Squid Game Season 2 Release Date Confirmed By Netflix", [("Squid Game", 2)]),
        ("Bridgerton Season Two Release Date Announced", [("Bridgerton", 2)]),
        ("Sweet Home Season Three: What To Expect", [("Sweet Home", 3)]),
        ("The Witcher S2 Review: Geralt Returns", [("The Witcher", 2)]),
        ("House Of The Dragon S02E05 Recap", [("House Of The Dragon", 2)]),
        ("Money Heist Part 5: Volume 2 Trailer", [("Money Heist", 5)]),
        ("Stranger Things 5: Release Date, Cast and Everything Else", [("Stranger Things", 5)]),
        ("Wednesday Season 2 Cast: Who Is Returning?", [("Wednesday", 2)]),
        ("Squid Game Ending Explained: What Happened To Gi-hun?", [("Squid Game", None)]),
        ("Queen of Tears Cast: Where You Have Seen Them Before", [("Queen of Tears", None)]),
        ("Netflix's Squid Game Season 2 Gets A Date", [("Squid Game", 2)]),
        ("Is All Of Us Are Dead Season 2 Cancelled?", [("All Of Us Are Dead", 2)]),
        ("When Will Squid Game Season 2 Release?", [("Squid Game", 2)]),
        ("Everything We Know About ‘Sweet Home’ Season 3", [("Sweet Home", 3)]),
        ('"Sweet Home" Season 3 Ending Explained', [("Sweet Home", 3)]),
        ("Netflix Greenlights All Of Us Are Dead Season 2!", [("All Of Us Are Dead", 2)]),
        ("BTS's Jin Opens Up About Squid Game Season 2", [("Squid Game", 2)]),
        ("Emily in Paris Season 4 Part 2: Everything We Know", [("Emily in Paris", 4)]),
        ("Love & Death Season 2 Release Date", [("Love & Death", 2)]),
        ("Grey’s Anatomy Season 21: What We Know", [("Grey’s Anatomy", 21)]),
        ("Squid Game Season 2 Episode 5: The Vote", [("Squid Game", 2)]),
        (
            "Squid Game Season 3 and All of Us Are Dead Season 2: Netflix’s K-Drama Slate",
            [("Squid Game", 3), ("All of Us Are Dead", 2)],
        ),
        (
            "Sweet Home Season 3 vs Kingdom Season 3: Which Zombie Show Wins?",
            [("Sweet Home", 3), ("Kingdom", 3)],
        ),
        # The same show twice is one match, the first one.
        ("Squid Game Season 2 Review: Squid Game S2 Is A Bloody Return", [("Squid Game", 2)]),
        (
            "All Of Us Are Dead Season 2 And ALL OF US ARE DEAD Season 3",
            [("All Of Us Are Dead", 2)],
        ),
    ],
)
def test_shows_in_titles(title: str, shows: list[tuple[str, int | None]]) -> None:
    matches = link_shows(title)
    assert [(m.name, m.season) for m in matches] == shows
    assert all(m.key == alias_key(m.name) for m in matches)


@pytest.mark.parametrize(
    "title",
    [
        "Top 10 K-dramas of 2024",
        "BTS's Jin opens up about military service",
        "Top 10: Best Anime Of The Year",
        "Episode 5: The Vote",
        "Netflix Season 2 Slate Revealed",
        "the best new season 2 shows to watch this week",
        "Which Season 2 Was The Best?",
        "",
        None,
    ],
)
def test_titles_without_a_show(title: str | None) -> None:
    assert link_shows(title) == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("All Of Us Are Dead", "all of us are dead"),
        ("Love & Death", "Love and Death"),
        ("Grey’s Anatomy", "Greys Anatomy"),
        ("Grey's Anatomy", "GREY’S ANATOMY"),
        ("Spider-Man: Noir", "spider man noir"),
        ("Ｓｑｕｉｄ　Ｇａｍｅ", "Squid  Game"),  # full-width forms
    ],
)
def test_alias_keys_meet(a: str, b: str) -> None:
    assert alias_key(a) == alias_key(b)


def test_alias_key_form() -> None:
    assert alias_key("  Love & Death!  ") == "love and death"
    assert alias_key("Grey’s Anatomy") == "greys anatomy"
