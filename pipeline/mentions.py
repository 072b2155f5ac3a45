"""Catalogue shows a title writes out without a season marker around them, and the evidence
that a name there means the show rather than everyday words ("Moving", "Lost", "You")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wordfreq import zipf_frequency

from pipeline.catalogue import MAX_WORDS, Catalogue, KnownShow
from pipeline.shows import MAX_SEASON, NAME_BOUNDARY, QUOTES, SMALL_WORDS, alias_key

# A one-word name at least this common in English may be everyday usage (wordfreq's Zipf scale:
# 3 is once per million words; "wednesday" 4.6, "severance" 3.2, "loki" 3.3, "arcane" 3.0,
# "bridgerton" 1.1), and so may a two-word name whose words are both at least this common
# ("sweet home", "the crown": 4.9 and 5.8, 4.6). Both chosen on bench/shows.
EVERYDAY_ZIPF = 3.0
EVERYDAY_PAIR_ZIPF = 4.5
# Words before a name that make it a title: "Shows Like Wednesday", "If You Liked The Bear".
CUES = frozenset({"like", "liked", "loved", "watch", "watching", "rewatch", "rewatching"})
# Words that join the names of a list: "Moving, Bloodhounds and Mask Girl", "From X to Y".
CONNECTORS = frozenset({"and", "or", "to", "vs", "versus"})
# After a show's name, words that make the news about something else: a person named by their
# show ("Emily in Paris Star Lily Collins ..."), or another show ("Money Heist Spinoff Berlin").
NOT_ABOUT_AFTER = frozenset(
    {"star", "stars", "actor", "actress", "alum", "spinoff", "spin", "prequel", "sequel"}
)
POSSESSIVE = re.compile(r"\w['’]s$")
SEASON_AFTER = re.compile(r"(?P<number>\d{1,2})s?")  # "Stranger Things 4's Record"
BODY_SUPPORT = 2  # body mentions that make an everyday-word name in the title count
SENTENCE_CASE_SHARE = 0.5  # below this share of capitalised words a title is in sentence case

# How sure a mention is, by its evidence (a name before a marker is surer: see linking.py).
WITH_SEASON = 0.95
DISTINCTIVE = 0.9
IN_CONTEXT = 0.85  # a whole clause, a capital in a sentence-case title, a cue, or a list
BODY_SUPPORTED = 0.8


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a title as alias keys spell it, with how it was printed."""

    key: str
    capitalised: bool
    clause_start: bool  # the first word after ":", ",", " - " and the like
    bare: str | None = None  # the key without a possessive "'s" ("Succession's" → succession)


@dataclass(frozen=True, slots=True)
class Mention:
    """A catalogue show written out in a title, with the season after it and the evidence."""

    show: KnownShow
    start: int
    end: int
    season: int | None
    confidence: float


def title_words(title: str) -> list[Word]:
    """The words of a title, clause by clause, as alias keys spell them."""
    words: list[Word] = []
    for clause in NAME_BOUNDARY.split(title):
        first = True
        for token in clause.split():
            capitalised = token.strip(QUOTES)[:1].isupper()
            keys = alias_key(token).split()
            possessive = POSSESSIVE.search(token.strip(QUOTES)) is not None
            for index, key in enumerate(keys):
                bare = key.removesuffix("s") if possessive and index == len(keys) - 1 else None
                words.append(Word(key, capitalised, first, bare))
                first = False
    return words


def mentions(
    title: str, catalogue: Catalogue, body: str | None = None, seasons_marked: bool = False
) -> list[Mention]:
    """The catalogue names a title writes out, longest first and not overlapping, kept where
    the evidence says they mean the show; in title order. ``seasons_marked``: the title has a
    season marker, so a show's star in it speaks about the show ("Andor Star ... Season 2")."""
    words = title_words(title)
    spans = _catalogue_spans(words, catalogue)
    sentence_case = _sentence_case(words)
    kept = []
    for start, end, show in spans:
        season = _season_after(words, end)
        if season is None and not seasons_marked and _about_another(words, end):
            continue
        confidence = _evidence(words, start, end, season, sentence_case)
        if confidence is None and _in_list(spans, start, end, words):
            confidence = IN_CONTEXT
        if confidence is None and body is not None and _body_supports(body, show):
            confidence = BODY_SUPPORTED
        if confidence is not None:
            kept.append(Mention(show, start, end, season, confidence))
    return sorted(kept, key=lambda mention: mention.start)


def distinctive(keys: list[str]) -> bool:
    """Whether a name is unlikely to be ordinary words of a headline: one with a digit, three
    words or more, or one or two words not all common in English (see EVERYDAY_ZIPF)."""
    content = [key for key in keys if key not in SMALL_WORDS]
    if any(char.isdigit() for key in keys for char in key):
        return True
    if len(content) >= 3 or (len(keys) >= 3 and len(content) == 2):
        return True
    if len(content) == 2:
        return min(zipf_frequency(key, "en") for key in content) < EVERYDAY_PAIR_ZIPF
    return len(content) == 1 and zipf_frequency(content[0], "en") < EVERYDAY_ZIPF


def _catalogue_spans(words: list[Word], catalogue: Catalogue) -> list[tuple[int, int, KnownShow]]:
    keys = [word.key for word in words]
    spans: list[tuple[int, int, KnownShow]] = []
    used: set[int] = set()
    for size in range(min(MAX_WORDS, len(keys)), 0, -1):
        for start in range(len(keys) - size + 1):
            show = catalogue.keyed(" ".join(keys[start : start + size]))
            bare = words[start + size - 1].bare
            if show is None and bare:  # "The Glory's revenge plot"
                show = catalogue.keyed(" ".join([*keys[start : start + size - 1], bare]))
            span = set(range(start, start + size))
            if show is not None and not span & used:
                used |= span
                spans.append((start, start + size, show))
    return sorted(spans, key=lambda span: span[0])


def _season_after(words: list[Word], end: int) -> int | None:
    # Only a number printed right after the name: "Mirzapur 3", not "Crash Landing on You: 10".
    if end >= len(words) or words[end].clause_start:
        return None
    match = SEASON_AFTER.fullmatch(words[end].key)
    season = int(match["number"]) if match else None
    return season if season is not None and 0 < season <= MAX_SEASON else None


def _about_another(words: list[Word], end: int) -> bool:
    """Whether what follows the name makes the news about someone or something else: "Emily in
    Paris Star ...", "Money Heist Spinoff ...", "Bridgerton's Jonathan Bailey Joins ..."."""
    following = [word for word in words[end : end + 2] if not word.clause_start]
    if following and following[0].key in NOT_ABOUT_AFTER:
        return True
    possessive = words[end - 1].bare is not None
    return possessive and len(following) == 2 and all(word.capitalised for word in following)


def _evidence(
    words: list[Word], start: int, end: int, season: int | None, sentence_case: bool
) -> float | None:
    keys = [word.key for word in words[start:end]]
    if season is not None:
        return WITH_SEASON
    if distinctive(keys):
        return DISTINCTIVE
    whole_clause = words[start].clause_start and (end == len(words) or words[end].clause_start)
    capitalised = all(word.capitalised for word in words[start:end] if word.key not in SMALL_WORDS)
    cued = start > 0 and words[start - 1].key in CUES
    if whole_clause or (sentence_case and capitalised and start > 0) or cued:
        return IN_CONTEXT
    return None


def _in_list(
    spans: list[tuple[int, int, KnownShow]], start: int, end: int, words: list[Word]
) -> bool:
    """Whether another catalogue name sits next to this one, joined by a comma or connector."""
    for other_start, other_end, _show in spans:
        if other_end <= start:
            gap, joined_at = words[other_end:start], start
        elif other_start >= end:
            gap, joined_at = words[end:other_start], other_start
        else:
            continue
        gap = [word for word in gap if not word.key.isdigit()]  # "Stranger Things 4 and X"
        joined = words[joined_at].clause_start or (len(gap) == 1 and gap[0].key in CONNECTORS)
        if len(gap) <= 1 and joined and all(word.key in CONNECTORS for word in gap):
            return True
    return False


def _sentence_case(words: list[Word]) -> bool:
    content = [word for word in words[1:] if word.key not in SMALL_WORDS and word.key.isalpha()]
    capitals = sum(word.capitalised for word in content)
    return bool(content) and capitals / len(content) < SENTENCE_CASE_SHARE


def _body_supports(body: str, show: KnownShow) -> bool:
    # The name printed as a name (capitalised, whole words) again and again in the article.
    names = {show.name, *show.aliases}
    pattern = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return len(re.findall(rf"(?<!\w)(?:{pattern})(?!\w)", body)) >= BODY_SUPPORT
