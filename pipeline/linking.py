"""Which shows an article is about: its title's season and show markers first, then catalogue
names written elsewhere in the title, with the body as support for everyday-word names."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.catalogue import Catalogue, Found, KnownShow
from pipeline.mentions import distinctive, mentions
from pipeline.shows import (
    MAX_SEASON,
    NAME_BOUNDARY,
    POSSESSIVE_END,
    QUESTION_WORDS,
    QUOTES,
    SEASON_PART,
    VERB_AFTER_NAME,
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
ENDING = 0.9  # a catalogue name ending a longer name before a marker
NEW_SHOW = 0.7  # a name the catalogue lacks, before a series marker
TRAILING_SEASON = re.compile(r"^(?P<name>.+?)\s+(?P<number>\d{1,2})$")  # "Sacred Games 2"
LEADING_SEASON = re.compile(r"^(?P<number>\d{1,2})\b")
COLON_HEAD_WORDS = 4
# What opens a title before a colon without being the first part of a show's name.
COLON_HEADS = frozenset(
    {"breaking", "exclusive", "explained", "first look", "interview", "netflix", "opinion",
     "photos", "poll", "quiz", "ranked", "recap", "report", "review", "reviews", "spoilers",
     "trailer", "update", "video", "watch"}
)  # fmt: skip

EMPTY = Catalogue(())


def link_shows(
    title: str | None, catalogue: Catalogue = EMPTY, body: str | None = None
) -> tuple[ShowMatch, ...]:
    """The shows a title is about, with the season where the title states it.

    Before each season or show marker ("Season 2", "Ending Explained", "5:", "Trailer") the
    title names a show: the catalogue show that name is (exactly or as a typo), or that ends
    it, or whose initials it spells, or whose name it starts with; else, before a series
    marker, a new show. Then catalogue names written elsewhere in the title, where the
    evidence says they mean the show (see mentions.py); ``body``, the article's text, supports
    everyday-word names. A season marker with no name of its own before it ("... Says Season
    2 Is Darker") gives its season to the title's one show without one.
    """
    title = title or ""
    found: dict[str, ShowMatch] = {}
    orphans: list[int] = []
    segments = marked_segments(title)
    for segment in segments:
        match = _show_before(segment, catalogue)
        if match is not None:
            found.setdefault(match.key, match)
        elif segment.season is not None and segment.says_season:
            orphans.append(segment.season)
    seasons_marked = any(segment.season is not None for segment in segments)
    for mention in mentions(title, catalogue, body, seasons_marked):
        match = _known(mention.show, mention.season, mention.confidence)
        # A known name inside a longer one found before a marker is part of it: "Squid Game"
        # in "Squid Game: The Challenge Season 2".
        if not any(f" {match.key} " in f" {key} " for key in found):
            found.setdefault(match.key, match)
    return _give_orphan_season(tuple(found.values()), orphans)


def _give_orphan_season(
    matches: tuple[ShowMatch, ...], orphans: list[int]
) -> tuple[ShowMatch, ...]:
    without = [match for match in matches if match.season is None]
    if len(orphans) != 1 or len(without) != 1:
        return matches
    return tuple(
        replace(match, season=orphans[0]) if match is without[0] else match for match in matches
    )


def _show_before(segment: Segment, catalogue: Catalogue) -> ShowMatch | None:
    segment = replace(segment, before=VERB_AFTER_NAME.sub("", segment.before))
    ending = catalogue.ending(segment.before)
    name = name_before(segment.before)
    if ending is not None and (name is None or _words(ending.name) >= _words(name)):
        return _known(ending, segment.season, 1.0)
    if name is None:
        return _after_colon(segment, catalogue)
    joined = _colon_name(segment.before, name)
    if joined is not None:
        found = catalogue.lookup(joined) or catalogue.lookup(name)  # "Demon Slayer: Kimetsu..."
        if found is not None:
            return _known(found.show, segment.season, found.confidence, _typo(found, joined))
        if segment.strong:  # "Alien: Earth", "Re:Zero", a spin-off: "Squid Game: The Challenge"
            return ShowMatch(joined, alias_key(joined), segment.season, NEW_SHOW)
    name, season = _trailing_season(name, segment.season, segment.says_season)
    found = catalogue.lookup(name)
    if found is not None:
        return _known(found.show, season, found.confidence, _typo(found, name))
    if ending is not None and distinctive(alias_key(ending.name).split()):
        # "Lucas Bravo Exits Emily in Paris Ahead of", but not Kingdom in "The Last Kingdom".
        return _known(ending, segment.season, ENDING)
    return (
        _suffix(name, season, catalogue)
        or _initialism_or_prefix(name, season, catalogue)
        or _after_colon(segment, catalogue)
        or (_new_show(name, season, catalogue) if segment.strong else None)
    )


def _new_show(name: str, season: int | None, catalogue: Catalogue) -> ShowMatch | None:
    """A show the catalogue lacks; a question's opening word is not part of its name."""
    first, _space, rest = name.partition(" ")
    if alias_key(first) not in QUESTION_WORDS:
        return ShowMatch(name, alias_key(name), season, NEW_SHOW)
    known = catalogue.lookup(rest) if rest else None  # "Will Wednesday Season 2 Beat ..."
    return (
        None if known is None else _known(known.show, season, known.confidence, _typo(known, rest))
    )


def _suffix(name: str, season: int | None, catalogue: Catalogue) -> ShowMatch | None:
    # A typo of a known show ending the name: "... Crash as Stranger Thing [Season 5]". An
    # exact match ending it was weighed above (``ending``).
    suffix = catalogue.suffix(name)
    if suffix is None or suffix[0].confidence == 1.0:
        return None
    found, head = suffix
    spelling = name.removeprefix(head).strip()
    return _known(found.show, season, found.confidence * ENDING, _typo(found, spelling))


def _initialism_or_prefix(name: str, season: int | None, catalogue: Catalogue) -> ShowMatch | None:
    initialism = catalogue.initialism(name)
    if initialism is not None:
        return _known(initialism, season, INITIALISM, name)
    prefix = catalogue.prefix(name)
    if prefix is None:
        return None
    found, rest = prefix
    spelling = name.removesuffix(rest).strip()
    # "Squid Game Won't Get", "Wednesday's Jenna Ortega", "OnePiece Live Action"; but not
    # Dark in "Dark Matter": a name of everyday words, spelled exactly, may start another's.
    evidence = (
        distinctive(alias_key(found.show.name).split())
        or found.confidence < 1.0
        or POSSESSIVE_END.search(spelling) is not None
    )
    if not evidence:
        return None
    confidence = found.confidence * PREFIX
    return _known(found.show, _season_in(rest, season), confidence, _typo(found, spelling))


def _colon_name(before: str, name: str) -> str | None:
    """The whole name where the text opens with a short name, a colon and the rest of it:
    "Alien: Earth", "Re:Zero", "Star Wars: Skeleton Crew"."""
    whole = before.strip().strip(QUOTES).strip()
    head, colon, tail = whole.partition(":")
    if not colon or tail.strip() != name or NAME_BOUNDARY.search(tail):
        return None
    words = head.split()
    if not 1 <= len(words) <= COLON_HEAD_WORDS or alias_key(head) in COLON_HEADS:
        return None
    if not all(word[0].isupper() or word[0].isdigit() for word in words):
        return None
    return whole


def _typo(found: Found, spelling: str) -> str | None:
    """The spelling to register for the show: only a fuzzy match's, the others are known."""
    return spelling if found.confidence < 1.0 else None


def _words(name: str) -> int:
    return len(alias_key(name).split())


def _after_colon(segment: Segment, catalogue: Catalogue) -> ShowMatch | None:
    # "Wednesday: Netflix Confirms Season 2".
    head, colon, _tail = segment.before.rpartition(":")
    known = catalogue.ending(head) if colon else None
    return None if known is None else _known(known, segment.season, AFTER_COLON)


def _trailing_season(name: str, season: int | None, says_season: bool) -> tuple[str, int | None]:
    """ "Sacred Games 2 Review" is season 2; so is "Outer Banks 2 Part 3": a part is a part of
    the season the name's number states. A season marker's own number wins."""
    match = TRAILING_SEASON.match(name)
    if match is None or int(match["number"]) > MAX_SEASON:
        return name, season
    return match["name"], season if says_season and season is not None else int(match["number"])


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
