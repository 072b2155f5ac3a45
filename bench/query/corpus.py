"""The generated store's content, as plain data: sources, shows with aliases, and articles whose
titles name shows the way entertainment headlines do and whose texts draw words with their real
English frequencies (wordfreq), so that search terms are as common or as rare as in real news.

Everything is seeded: the same seed gives the same shows and the same articles on every machine.
The store itself is written by bench.query.generate.
"""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import wordfreq

from pipeline.shows import alias_key

VOCABULARY_SIZE = 30_000  # wordfreq's most frequent English words kept (letters only)
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)  # articles are published over about three years
TEXT_WORDS = (150, 1200)
NO_SHOW_SHARE = 0.2  # titles that name no show
COPY_SHARE = 0.05  # articles that copy an earlier article of another source
UNDATED_SHARE = 0.03  # articles without a published date (first_seen stands in)
ALIAS_SHARE = 0.25  # shows with an alias besides their name
RECENT_ORIGINALS = 500  # copies are made of one of the latest originals (syndication is quick)

SOURCES = (
    "reelwire", "screenbeat", "tvinsider-daily", "castlist", "the-spoiler", "bingeline",
    "primetime-post", "showrunner-news", "cliffhanger", "episode-guide", "streamscope",
    "the-credits", "seriesfeed", "telly-times", "the-watchlist", "pilot-report",
    "couchcritic", "the-reveal", "finale-weekly", "backlot-buzz",
)  # fmt: skip
FIRST_NAMES = (
    "Maya", "Daniel", "Priya", "Tom", "Laura", "Kwame", "Sofia", "James", "Aisha", "Oliver",
    "Hannah", "Marcus", "Chloe", "Ravi", "Emma", "Lucas",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Bennett", "Sharma", "Lindqvist", "Moreau", "Chen", "Walsh", "Delgado",
    "Nakamura", "Fischer", "Adeyemi", "Kowalski", "Ryan", "Haddad", "Brooks", "Silva",
)  # fmt: skip

# {show}: the show's name or an alias; {phrase}: a few title-cased words; {season}/{episode}:
# numbers. Templates with {season} link the article to that season.
SHOW_TITLES = (
    "{show} Season {season} Review: {phrase}",
    "Review: {show} Season {season}, Episode {episode}",
    "{show} Season {season} Episode {episode} Recap: {phrase}",
    "{show} Renewed for Season {season}",
    "{show} Season {season}: Release Date, Cast and Everything We Know",
    "{show} Season {season} Finale Explained: {phrase}",
    "{show} Cast on {phrase}",
    "Why {show} Is the {phrase} of the Year",
    "{show}: {phrase}",
    "'{show}' Star Talks {phrase}",
    "{show} Trailer Teases {phrase}",
)
TWO_SHOW_TITLES = (
    "{show} and {other}: {phrase}",
    "From {show} to {other}, {phrase}",
)
PLAIN_TITLES = (
    "The {number} Best {phrase} Shows to Watch This Month",
    "{name} Joins {phrase}",
    "Box Office: {phrase}",
    "{phrase}",
    "Streaming Guide: {phrase}",
)
BOILERPLATE = (
    "Follow us for more TV news and reviews.",
    "Sign up for our newsletter to get the latest recaps in your inbox.",
    "This story was first published by a partner site.",
)


@dataclass(frozen=True, slots=True)
class ShowSpec:
    """A show of the generated registry: its name, other spellings and how many seasons."""

    id: int
    name: str
    aliases: tuple[str, ...]
    seasons: int


@dataclass(frozen=True, slots=True)
class ArticleSpec:
    """One generated article, with its show links (show id, season or None) and, for a copy,
    the earlier article it copies."""

    id: int
    source: str
    url: str
    title: str | None
    author: str | None
    published: datetime | None
    first_seen: datetime
    text: str
    image: str | None
    links: tuple[tuple[int, int | None], ...]
    duplicate_of: int | None = None
    similarity: float | None = None


class Vocabulary:
    """English words in frequency order, drawn with their wordfreq frequencies (Zipf-like)."""

    def __init__(self, size: int = VOCABULARY_SIZE) -> None:
        listed = wordfreq.top_n_list("en", int(size * 1.1))
        words = [word for word in listed if re.fullmatch(r"[a-z]{2,}|a|i", word)][:size]
        weights = np.array([wordfreq.word_frequency(word, "en") for word in words])
        self.words: list[str] = words
        self._array = np.array(words, dtype=object)
        self._cdf = np.cumsum(weights / weights.sum())

    def sample(self, rng: np.random.Generator, n: int) -> list[str]:
        """``n`` words drawn independently by frequency."""
        picks = np.searchsorted(self._cdf, rng.random(n), side="right")
        return list(self._array[np.minimum(picks, len(self.words) - 1)])

    def ranked(self, start: int, stop: int, min_length: int = 1) -> list[str]:
        """The words of frequency rank ``start`` to ``stop`` (0 = most frequent)."""
        return [word for word in self.words[start:stop] if len(word) >= min_length]


def sources() -> tuple[str, ...]:
    """The generated sources' names."""
    return SOURCES


def make_shows(count: int, vocabulary: Vocabulary, seed: int) -> list[ShowSpec]:
    """``count`` shows with names of one to four real words, a quarter with an alias; every
    spelling has an alias key of its own."""
    rng = random.Random(seed)
    pool = vocabulary.ranked(300, 12_000, min_length=3)
    keys: set[str] = set()
    shows: list[ShowSpec] = []
    while len(shows) < count:
        name = _show_name(rng, pool)
        if alias_key(name) in keys:
            continue
        keys.add(alias_key(name))
        aliases = _aliases(rng, name, keys)
        shows.append(ShowSpec(len(shows) + 1, name, aliases, rng.choice((1, 1, 2, 2, 3, 4, 6, 8))))
    return shows


def _show_name(rng: random.Random, pool: Sequence[str]) -> str:
    words = [word.capitalize() for word in rng.sample(pool, 3)]
    shapes = (
        (words[0],),
        (words[0], words[1]),
        ("The", words[0]),
        ("The", words[0], words[1]),
        (words[0], "of", words[1]),
        ("The", words[0], "of", words[1]),
        (words[0], words[1], "and", words[2]),
    )
    shape = rng.choices(shapes, weights=(20, 25, 15, 15, 10, 8, 7))[0]
    return " ".join(shape)


def _aliases(rng: random.Random, name: str, keys: set[str]) -> tuple[str, ...]:
    if rng.random() >= ALIAS_SHARE:
        return ()
    words = name.split()
    candidates = [f"{name} (US)"]
    if words[0] == "The" and len(words) > 1:
        candidates.append(" ".join(words[1:]))
    if len(words) >= 3:
        candidates.append("".join(word[0] for word in words if word[0].isupper()))
    alias = rng.choice(candidates)
    if alias_key(alias) in keys or len(alias) < 2:
        return ()
    keys.add(alias_key(alias))
    return (alias,)


class ArticleMaker:
    """Makes the articles of a store one after another (ids from 1), deterministic for a seed.

    Articles come in publication order over ``SPAN``; shows are picked Zipf-like (a few shows
    get most of the coverage) and so are sources. A copy repeats a recent original's title,
    shows and most of its text under another source, a few hours later.
    """

    def __init__(
        self, vocabulary: Vocabulary, shows: Sequence[ShowSpec], total: int, seed: int
    ) -> None:
        self.vocabulary = vocabulary
        self.shows = list(shows)
        self.total = total
        self.random = random.Random(seed)
        self.numbers = np.random.default_rng(seed)
        self.title_words = vocabulary.ranked(200, 8_000, min_length=3)
        self.show_weights = [1 / rank**0.8 for rank in range(1, len(shows) + 1)]
        self.source_weights = [1 / rank**0.6 for rank in range(1, len(SOURCES) + 1)]
        self.recent: deque[ArticleSpec] = deque(maxlen=RECENT_ORIGINALS)

    def articles(self) -> Iterator[ArticleSpec]:
        """Every article of the store, in id order."""
        for article_id in range(1, self.total + 1):
            copy = self.recent and self.random.random() < COPY_SHARE
            article = self._copy(article_id) if copy else self._original(article_id)
            if article.duplicate_of is None:
                self.recent.append(article)
            yield article

    def _original(self, article_id: int) -> ArticleSpec:
        source = self.random.choices(SOURCES, weights=self.source_weights)[0]
        when = START + SPAN * (article_id / self.total)
        when += timedelta(minutes=self.random.uniform(-720, 720))
        title, links, named = self._title()
        mentions = [name for name in named for _ in range(self.random.randint(2, 5))]
        if not named and self.shows and self.random.random() < 0.3:
            mentions.append(self._pick_show().name)
        dated = self.random.random() >= UNDATED_SHARE
        return ArticleSpec(
            id=article_id,
            source=source,
            url=_url(source, when, title, article_id),
            title=title,
            author=self._author(),
            published=when if dated else None,
            first_seen=when + timedelta(minutes=self.random.uniform(5, 360)),
            text=self._text(self.random.randint(*TEXT_WORDS), mentions),
            image=f"https://{source}.example/images/{article_id}.jpg"
            if self.random.random() < 0.6
            else None,
            links=links,
        )

    def _copy(self, article_id: int) -> ArticleSpec:
        original = self.random.choice(self.recent)
        source = self.random.choice([name for name in SOURCES if name != original.source])
        when = original.first_seen + timedelta(minutes=self.random.uniform(30, 2880))
        paragraphs = original.text.split("\n\n")
        if len(paragraphs) > 2:
            del paragraphs[self.random.randrange(1, len(paragraphs))]
        paragraphs.append(self.random.choice(BOILERPLATE))
        return ArticleSpec(
            id=article_id,
            source=source,
            url=_url(source, when, original.title, article_id),
            title=original.title,
            author=self._author(),
            published=when if original.published is not None else None,
            first_seen=when + timedelta(minutes=self.random.uniform(5, 120)),
            text="\n\n".join(paragraphs),
            image=None,
            links=original.links,
            duplicate_of=original.id,
            similarity=round(self.random.uniform(0.75, 0.99), 3),
        )

    def _title(self) -> tuple[str, tuple[tuple[int, int | None], ...], list[str]]:
        """A title, the show links it implies, and the spellings of the shows it names."""
        phrase = self._phrase()
        if not self.shows or self.random.random() < NO_SHOW_SHARE:
            template = self.random.choice(PLAIN_TITLES)
            name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"
            number = self.random.randint(5, 25)
            return template.format(phrase=phrase, name=name, number=number), (), []
        show = self._pick_show()
        season = self.random.randint(1, show.seasons)
        spelling = self._spelling(show)
        if self.random.random() < 0.08:
            other = self._pick_show()
            if other.id != show.id:
                template = self.random.choice(TWO_SHOW_TITLES)
                title = template.format(show=spelling, other=other.name, phrase=phrase)
                return title, ((show.id, None), (other.id, None)), [spelling, other.name]
        template = self.random.choice(SHOW_TITLES)
        title = template.format(
            show=spelling, season=season, episode=self.random.randint(1, 10), phrase=phrase
        )
        return title, ((show.id, season if "{season}" in template else None),), [spelling]

    def _pick_show(self) -> ShowSpec:
        return self.random.choices(self.shows, weights=self.show_weights)[0]

    def _spelling(self, show: ShowSpec) -> str:
        if show.aliases and self.random.random() < 0.3:
            return self.random.choice(show.aliases)
        return show.name

    def _phrase(self) -> str:
        count = self.random.randint(2, 5)
        return " ".join(word.capitalize() for word in self.random.sample(self.title_words, count))

    def _author(self) -> str | None:
        if self.random.random() < 0.15:
            return None
        return f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"

    def _text(self, length: int, mentions: Sequence[str]) -> str:
        """``length`` words in sentences of 6–24 words and paragraphs of 2–5 sentences, with
        each of ``mentions`` (show names, kept as spelled) at a random place."""
        words = self.vocabulary.sample(self.numbers, length)
        for mention in mentions:
            words.insert(self.random.randrange(len(words) + 1), mention)
        sentences = []
        start = 0
        while start < len(words):
            stop = start + self.random.randint(6, 24)
            sentence = " ".join(words[start:stop])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            start = stop
        paragraphs = []
        start = 0
        while start < len(sentences):
            stop = start + self.random.randint(2, 5)
            paragraphs.append(" ".join(sentences[start:stop]))
            start = stop
        return "\n\n".join(paragraphs)


def _url(source: str, when: datetime, title: str | None, article_id: int) -> str:
    slug = "-".join(re.findall(r"[a-z0-9]+", (title or "").lower())[:8])
    return f"https://{source}.example/{when:%Y/%m}/{slug}-{article_id}"
