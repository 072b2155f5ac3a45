"""Known shows and the look-ups against them: exact alias keys, fuzzy matching for typos, and
catalogue names mentioned in a title without a season pattern around them."""

# The catalogue is passed in (the crawler loads it from the store's show registry), so the
# pipeline stays pure: the same title and catalogue always give the same shows.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from pipeline.shows import SMALL_WORDS, alias_key, marked_segments, name_before
from pipeline.types import ShowMatch

# The lowest fuzzy score (rapidfuzz's ratio, 0–100, on alias keys without a leading "the") at
# which a name found by the title patterns is taken for a known show: a typo ("Stranger Thigns",
# "All Us Are Dead"), not another show. Chosen on bench/shows (python -m bench.shows.evaluate).
FUZZY_CUTOFF = 86.0
# Shorter keys are matched exactly only: two letters changed in "Loki" make another word.
FUZZY_MIN_CHARS = 5
MAX_WORDS = 8  # the longest show name looked up, in words
MAX_SEASON = 30  # a larger number after a show's name is something else ("Squid Game 456")


@dataclass(frozen=True, slots=True)
class KnownShow:
    """A show of the catalogue: its canonical name and the spellings registered for it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Found:
    """A catalogue show a name stands for, and how sure the match is (1.0 for an exact key)."""

    show: KnownShow
    confidence: float


@dataclass(frozen=True)
class Catalogue:
    """Known shows by alias key, with what fuzzy look-ups need precomputed."""

    shows: tuple[KnownShow, ...]
    _by_key: dict[str, KnownShow] = field(init=False, repr=False)
    _fuzzy_keys: list[str] = field(init=False, repr=False)
    _fuzzy_shows: list[KnownShow] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_key: dict[str, KnownShow] = {}
        for show in self.shows:
            for spelling in (show.name, *show.aliases):
                by_key.setdefault(alias_key(spelling), show)
        fuzzy = [(_fuzzy_key(key), show) for key, show in by_key.items()]
        fuzzy = [(key, show) for key, show in fuzzy if len(key) >= FUZZY_MIN_CHARS]
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_fuzzy_keys", [key for key, _ in fuzzy])
        object.__setattr__(self, "_fuzzy_shows", [show for _, show in fuzzy])

    @classmethod
    def of(cls, shows: Iterable[KnownShow]) -> Catalogue:
        return cls(tuple(shows))

    def exact(self, name: str) -> KnownShow | None:
        """The show one of whose spellings has the same alias key as ``name``."""
        return self._by_key.get(alias_key(name))

    def lookup(self, name: str) -> Found | None:
        """The show ``name`` stands for: by alias key, else the closest spelling (if close)."""
        exact = self.exact(name)
        if exact is not None:
            return Found(exact, 1.0)
        key = _fuzzy_key(alias_key(name))
        if len(key) < FUZZY_MIN_CHARS or not self._fuzzy_keys:
            return None
        best = process.extractOne(
            key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
            processor=None,
        )  # fmt: skip
        if best is None:
            return None
        _key, score, index = best
        return Found(self._fuzzy_shows[index], score / 100)

    def ending(self, text: str) -> KnownShow | None:
        """The catalogue show whose name ends ``text`` (the longest, by whole words)."""
        words = alias_key(text).split()
        while words and words[-1] in SMALL_WORDS:  # "Renews Wednesday for [Season 3]"
            words.pop()
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            show = self._by_key.get(" ".join(words[-size:]))
            if show is not None:
                return show
        return None

    def mentions(self, title: str) -> list[tuple[KnownShow, int | None]]:
        """Catalogue names a title writes out (by alias key, as whole words, longest first),
        each with the season number right after it, if any; a name that may be everyday words
        ("You", "The Boys") counts only with a number after it, or before a marker."""
        words = alias_key(title).split()
        found: list[tuple[int, KnownShow, int | None]] = []
        used: set[int] = set()
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = set(range(start, start + size))
                show = self._by_key.get(" ".join(words[start : start + size]))
                if show is None or span & used:
                    continue
                after = words[start + size] if start + size < len(words) else ""
                season = int(after) if after.isdigit() and 0 < int(after) <= MAX_SEASON else None
                # A season number right after a name makes even "Mirzapur 3" a show's name.
                if season is None and not _distinctive(words[start : start + size]):
                    continue
                used |= span
                found.append((start, show, season))
        return [(show, season) for _start, show, season in sorted(found, key=lambda f: f[0])]


def _fuzzy_key(key: str) -> str:
    """An alias key as fuzzy matching compares it: without a leading article."""
    return utils.default_process(key.removeprefix("the "))


def _distinctive(words: list[str]) -> bool:
    """Whether a name is unlikely to be ordinary words of a headline: three words or more, or
    one with a digit, or two whose second is not a small word."""
    content = [word for word in words if word not in SMALL_WORDS]
    if any(any(char.isdigit() for char in word) for word in words):
        return True
    return len(content) >= 2 or (len(words) >= 3 and len(content) >= 1)


def link_shows(title: str | None, catalogue: Catalogue) -> tuple[ShowMatch, ...]:
    """The shows a title is about, with the season where the title states it.

    Before each season or show marker ("Season 2", "Ending Explained", "5:") the title names a
    show: a catalogue name ending there, else the name the title patterns find, taken for the
    catalogue show it fuzzily matches (a typo) or kept as a new show. Then catalogue names the
    title writes out elsewhere, with a season when a number follows them ("Mirzapur 3 vs").
    """
    title = title or ""
    found: dict[str, ShowMatch] = {}
    for before, season in marked_segments(title):
        match = _show_before(before, season, catalogue)
        if match is not None:
            found.setdefault(match.key, match)
    for show, season in catalogue.mentions(title):
        key = alias_key(show.name)
        found.setdefault(key, ShowMatch(show.name, key, season))
    return tuple(found.values())


def _show_before(before: str, season: int | None, catalogue: Catalogue) -> ShowMatch | None:
    known = catalogue.ending(before)
    if known is None:
        name = name_before(before)
        if name is None:
            return None
        found = catalogue.lookup(name)
        if found is None:
            return ShowMatch(name, alias_key(name), season)  # a show the catalogue lacks
        known = found.show
    return ShowMatch(known.name, alias_key(known.name), season)
