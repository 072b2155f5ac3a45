"""Which shows an article is about: its title's season and show markers first, then catalogue
names written elsewhere in the title, with the body as support for everyday-word names."""

from __future__ import annotations

import re

from pipeline.catalogue import Catalogue, KnownShow
from pipeline.mentions import mentions
from pipeline.shows import (
    MAX_SEASON,
    SEASON_PART,
    Segment,
    alias_key,
    marked_segments,
    name_before,
)
from pipeline.types import ShowMatch

# How sure a link is, by its evidence (mentions have their own scale: see mentions.py).
INITIALISM = 0.9  # "HOTD Season 3" for the one show with those initials
PREFIX = 0.9  # the leading words of a longer name ("Squid Game Won't Get a Season 4")
AFTER_COLON = 0.9  # "Arcane: League of Legends Season 2"
NEW_SHOW = 0.7  # a name the catalogue lacks, before a series marker
TRAILING_SEASON = re.compile(r"^(?P<name>.+?)\s+(?P<number>\d{1,2})$")  # "Sacred Games 2"
LEADING_SEASON = re.compile(r"^(?P<number>\d{1,2})\b")

EMPTY = Catalogue(())


def link_shows(
    title: str | None, catalogue: Catalogue = EMPTY, body: str | None = None
) -> tuple[ShowMatch, ...]:
    """The shows a title is about, with the season where the title states it.

    Before each season or show marker ("Season 2", "Ending Explained", "5:", "Trailer") the
    title names a show: a catalogue name ending there; else the name the title patterns find,
    taken for the catalogue show it fuzzily matches (a typo), whose initials it spells, or
    whose name it starts with; else, before a series marker, kept as a new show. Then
    catalogue names written elsewhere in the title, where the evidence says they mean the show
    (see mentions.py); ``body``, the article's text, supports everyday-word names.
    """
    title = title or ""
    found: dict[str, ShowMatch] = {}
    for segment in marked_segments(title):
        match = _show_before(segment, catalogue)
        if match is not None:
            found.setdefault(match.key, match)
    for mention in mentions(title, catalogue, body):
        match = _known(mention.show, mention.season, mention.confidence)
        found.setdefault(match.key, match)
    return tuple(found.values())


def _show_before(segment: Segment, catalogue: Catalogue) -> ShowMatch | None:
    known = catalogue.ending(segment.before)
    name = name_before(segment.before)
    if known is not None and (name is None or _words(known.name) >= _words(name)):
        return _known(known, segment.season, 1.0)
    if name is None:
        return _after_colon(segment, catalogue)
    name, season = _trailing_season(name, segment.season)
    # A short catalogue name ending a longer one is weaker evidence than the longer one's typo:
    # "Crash Landing of You" is Crash Landing on You, not You.
    return (
        _looked_up(name, season, catalogue)
        or (_known(known, segment.season, 1.0) if known is not None else None)
        or _after_colon(segment, catalogue)
        or (ShowMatch(name, alias_key(name), season, NEW_SHOW) if segment.strong else None)
    )


def _looked_up(name: str, season: int | None, catalogue: Catalogue) -> ShowMatch | None:
    found = catalogue.lookup(name)
    if found is not None:
        return _known(found.show, season, found.confidence, name)
    initialism = catalogue.initialism(name)
    if initialism is not None:
        return _known(initialism, season, INITIALISM, name)
    prefix = catalogue.prefix(name)
    if prefix is None:
        return None
    found, rest = prefix
    spelling = name.removesuffix(rest).strip()
    return _known(found.show, _season_in(rest, season), found.confidence * PREFIX, spelling)


def _words(name: str) -> int:
    return len(alias_key(name).split())


def _after_colon(segment: Segment, catalogue: Catalogue) -> ShowMatch | None:
    # "Arcane: League of Legends Season 2", "Wednesday: Netflix Confirms Season 2".
    head, colon, _tail = segment.before.rpartition(":")
    known = catalogue.ending(head) if colon else None
    return None if known is None else _known(known, segment.season, AFTER_COLON)


def _trailing_season(name: str, season: int | None) -> tuple[str, int | None]:
    match = TRAILING_SEASON.match(name)
    if match is None or int(match["number"]) > MAX_SEASON:
        return name, season
    return match["name"], season if season is not None else int(match["number"])


def _season_in(rest: str, season: int | None) -> int | None:
    # What follows a known name inside a longer one: "5 Volume" (season 5), "Volume" (none).
    leading = LEADING_SEASON.match(rest)
    if leading is not None and int(leading["number"]) <= MAX_SEASON:
        return int(leading["number"])
    return None if SEASON_PART.search(rest) else season


def _known(
    show: KnownShow, season: int | None, confidence: float, spelling: str | None = None
) -> ShowMatch:
    key = alias_key(show.name)
    seen = spelling if spelling is not None and alias_key(spelling) != key else None
    return ShowMatch(show.name, key, season, round(confidence, 3), seen)
