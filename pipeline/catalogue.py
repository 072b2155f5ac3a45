"""Known shows and the look-ups against them: exact alias keys, fuzzy matching for typos, name
prefixes, initialisms, and catalogue names ending a stretch of title text."""

# The catalogue is passed in (the crawler builds it from the store's show registry), so the
# pipeline stays pure: the same title and catalogue always give the same shows.

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from pipeline.shows import LINK_WORDS, SMALL_WORDS, alias_key

# The lowest fuzzy score (rapidfuzz's ratio, 0–100, on alias keys without a leading "the") at
# which a name is taken for a known show: a typo ("Stranger Thigns", "All Us Are Dead"), not
# another show. ratio, not WRatio or token_set_ratio: those score a short name inside a longer
# one as a match ("Dark" in "Dark Matter"). 84 lets one wrong letter through in a name of seven
# letters or more (ratio 1 - 2/14 = 85.7), not in a shorter one; checked on bench/shows.
FUZZY_CUTOFF = 84.0
# Shorter keys are matched exactly only: two letters changed in "Loki" make another word.
FUZZY_MIN_CHARS = 5
MAX_WORDS = 8  # the longest show name looked up, in words
INITIALISM_CHARS = range(3, 7)  # "HOTD", "TLOU", "OMITB"


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


# A rapidfuzz scorer: two strings to a similarity from 0 to 100.
Scorer = Callable[..., float]


@dataclass(frozen=True)
class Catalogue:
    """Known shows by alias key, with what fuzzy and initialism look-ups need precomputed;
    ``scorer`` and ``cutoff`` decide which typos match (bench/shows compares scorers)."""

    shows: tuple[KnownShow, ...]
    scorer: Scorer = fuzz.ratio
    cutoff: float = FUZZY_CUTOFF
    _by_key: dict[str, KnownShow] = field(init=False, repr=False)
    _fuzzy_keys: list[str] = field(init=False, repr=False)
    _fuzzy_shows: list[KnownShow] = field(init=False, repr=False)
    _by_initials: dict[str, KnownShow | None] = field(init=False, repr=False)  # None: several

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {})
        object.__setattr__(self, "_fuzzy_keys", [])
        object.__setattr__(self, "_fuzzy_shows", [])
        object.__setattr__(self, "_by_initials", {})
        for show in self.shows:
            self._index(show)

    @classmethod
    def of(
        cls, shows: Iterable[KnownShow], scorer: Scorer = fuzz.ratio, cutoff: float = FUZZY_CUTOFF
    ) -> Catalogue:
        return cls(tuple(shows), scorer, cutoff)

    def with_show(self, show: KnownShow, replacing: KnownShow | None = None) -> Catalogue:
        """This catalogue with one show added, or put in place of ``replacing`` (the same show
        with fewer spellings); far cheaper than building the catalogue again."""
        shows = tuple(show if known is replacing else known for known in self.shows)
        grown = object.__new__(Catalogue)
        object.__setattr__(grown, "shows", shows if replacing is not None else (*shows, show))
        object.__setattr__(grown, "scorer", self.scorer)
        object.__setattr__(grown, "cutoff", self.cutoff)
        swap = {id(replacing): show} if replacing is not None else {}
        by_key = {key: swap.get(id(known), known) for key, known in self._by_key.items()}
        object.__setattr__(grown, "_by_key", by_key)
        object.__setattr__(grown, "_fuzzy_keys", list(self._fuzzy_keys))
        fuzzy_shows = [swap.get(id(known), known) for known in self._fuzzy_shows]
        object.__setattr__(grown, "_fuzzy_shows", fuzzy_shows)
        initials = {key: swap.get(id(known), known) for key, known in self._by_initials.items()}
        object.__setattr__(grown, "_by_initials", initials)
        grown._index(show)
        return grown

    def _index(self, show: KnownShow) -> None:
        for spelling in (show.name, *show.aliases):
            key = alias_key(spelling)
            words = key.split()
            if len(words) in INITIALISM_CHARS:
                initials = "".join(word[0] for word in words)
                owner = self._by_initials.get(initials, show)
                self._by_initials[initials] = show if owner is show else None
            if key in self._by_key:
                continue
            self._by_key[key] = show
            fuzzy = _fuzzy_key(key)
            if len(fuzzy) >= FUZZY_MIN_CHARS:
                self._fuzzy_keys.append(fuzzy)
                self._fuzzy_shows.append(show)

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
            key, self._fuzzy_keys, scorer=self.scorer, score_cutoff=self.cutoff, processor=None
        )
        if best is None:
            return None
        _key, score, index = best
        return Found(self._fuzzy_shows[index], score / 100)

    def initialism(self, name: str) -> KnownShow | None:
        """The one show whose words' initials an all-capitals name spells ("HOTD")."""
        if not (name.isalpha() and name.isupper() and len(name) in INITIALISM_CHARS):
            return None
        return self._by_initials.get(name.casefold())

    def prefix(self, name: str) -> tuple[Found, str] | None:
        """The show the longest leading words of ``name`` stand for, with the words after it
        ("Squid Game Won't Get" → Squid Game, "Won't Get")."""
        words = name.split()
        for size in range(min(MAX_WORDS, len(words) - 1), 0, -1):
            if words[size - 1].isdigit():  # "Stranger Things 5" is the show and its season
                continue
            found = self.lookup(" ".join(words[:size]))
            if found is not None:
                return found, " ".join(words[size:])
        return None

    def suffix(self, name: str) -> tuple[Found, str] | None:
        """The show the longest trailing words of ``name`` stand for, exactly or as a typo,
        with the words before it ("Netflix Servers Crash as Stranger Thing" → Stranger Things)."""
        words = name.split()
        for size in range(min(MAX_WORDS, len(words) - 1), 0, -1):
            found = self.lookup(" ".join(words[-size:]))
            if found is not None:
                return found, " ".join(words[:-size])
        return None

    def ending(self, text: str) -> KnownShow | None:
        """The catalogue show whose name ends ``text`` (the longest, by whole words)."""
        words = alias_key(text).split()
        # "Renews Wednesday for [Season 3]", "Exits Emily in Paris Ahead of [Season 5]".
        while words and (words[-1] in SMALL_WORDS or words[-1] in LINK_WORDS):
            words.pop()
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            show = self._by_key.get(" ".join(words[-size:]))
            if show is not None:
                return show
        return None

    def keyed(self, key: str) -> KnownShow | None:
        """The show registered under an alias key."""
        return self._by_key.get(key)


def _fuzzy_key(key: str) -> str:
    """An alias key as fuzzy matching compares it: without a leading article."""
    return utils.default_process(key.removeprefix("the "))
