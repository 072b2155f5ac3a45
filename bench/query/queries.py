"""The search benchmark's query set: seeded, several kinds, built from the store's own shows,
sources and dates and from the generator's vocabulary (words by English frequency rank).

Kinds: a rare word, a common word, a show's name as a "phrase", two words, ``a OR b``,
``word -excluded``, and a word with each filter (show, source, published since).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.query.corpus import Vocabulary
from storage.models import Article, ShowAlias, Source
from storage.queries import EVERY_ARTICLE
from storage.records import ArticleFilter

KINDS = ("rare", "common", "phrase", "two_words", "or", "exclude", "show", "source", "since")

# Word bands by frequency rank in the generator's vocabulary. With texts of 150-1200 words
# drawn by frequency, a word of rank 30-300 is in roughly 30-95 % of the articles, one of rank
# 1,000-8,000 in about 1-7 %, one of rank 15,000-30,000 in well under 1 %.
COMMON = (30, 300)
MIDDLE = (1_000, 8_000)
FILTERED = (200, 2_000)  # the word searched within a filter: common enough to leave hits
RARE = (15_000, 30_000)

# PostgreSQL's English dictionary drops these (the Snowball list); searching for one alone
# finds nothing there, so the word kinds leave them out to compare the backends like for like.
_STOP_LIST = """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves"""
STOP_WORDS = frozenset(_STOP_LIST.split())


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One search to time: its kind, the query text and the filter."""

    kind: str
    text: str
    filters: ArticleFilter = EVERY_ARTICLE


def query_set(session: Session, per_kind: int = 34, seed: int = 1) -> list[BenchQuery]:
    """``per_kind`` queries of every kind, the kinds interleaved (so no kind always runs while
    the caches are coldest or warmest)."""
    rng = random.Random(seed)
    maker = _Maker(rng, Vocabulary(), session)
    by_kind = [[maker.make(kind) for _ in range(per_kind)] for kind in KINDS]
    return [query for round_ in zip(*by_kind, strict=True) for query in round_]


class _Maker:
    """Draws the parts of queries: words of a frequency band, shows, sources, dates."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary, session: Session) -> None:
        self.rng = rng
        self.bands = {
            band: [word for word in vocabulary.ranked(*band) if word not in STOP_WORDS]
            for band in (COMMON, MIDDLE, FILTERED, RARE)
        }
        self.spellings = list(session.scalars(select(ShowAlias.alias).order_by(ShowAlias.id)))
        self.sources = list(session.scalars(select(Source.name).order_by(Source.id)))
        when = func.coalesce(Article.published, Article.first_seen)
        newest = session.scalar(select(func.max(when)))
        self.newest: datetime = newest or datetime.now(UTC)

    def word(self, band: tuple[int, int]) -> str:
        return self.rng.choice(self.bands[band])

    def make(self, kind: str) -> BenchQuery:
        maker = getattr(self, f"_{kind}")
        query: BenchQuery = maker()
        return query

    def _rare(self) -> BenchQuery:
        return BenchQuery("rare", self.word(RARE))

    def _common(self) -> BenchQuery:
        return BenchQuery("common", self.word(COMMON))

    def _phrase(self) -> BenchQuery:
        return BenchQuery("phrase", f'"{self.rng.choice(self.spellings)}"')

    def _two_words(self) -> BenchQuery:
        return BenchQuery("two_words", f"{self.word(MIDDLE)} {self.word(MIDDLE)}")

    def _or(self) -> BenchQuery:
        return BenchQuery("or", f"{self.word(MIDDLE)} OR {self.word(MIDDLE)}")

    def _exclude(self) -> BenchQuery:
        return BenchQuery("exclude", f"{self.word(MIDDLE)} -{self.word(COMMON)}")

    def _show(self) -> BenchQuery:
        filters = ArticleFilter(show=self.rng.choice(self.spellings))
        return BenchQuery("show", self.word(FILTERED), filters)

    def _source(self) -> BenchQuery:
        filters = ArticleFilter(source=self.rng.choice(self.sources))
        return BenchQuery("source", self.word(FILTERED), filters)

    def _since(self) -> BenchQuery:
        since = self.newest - timedelta(days=self.rng.randint(30, 180))
        return BenchQuery("since", self.word(FILTERED), ArticleFilter(since=since))
