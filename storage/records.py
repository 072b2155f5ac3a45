"""Plain dataclasses crossing the storage boundary: what the crawler writes, what queries return."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ShowRef:
    """A show an article is about: display name, normalised alias key, optional season, how
    sure the link is, and a spelling (with its key) to register as a discovered alias."""

    name: str
    key: str
    season: int | None = None
    confidence: float = 1.0
    spelling: str | None = None
    spelling_key: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRow:
    """When a URL was last fetched, and the ETag / Last-Modified its server sent then."""

    url: str
    checked_at: datetime
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class RegisteredShow:
    """A show of the registry with every spelling registered for it (its name included)."""

    id: int
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleContent:
    """An article's extracted fields: what one run of the pipeline over its HTML gives."""

    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    tags: tuple[str, ...]
    language: str | None
    text: str
    text_hash: str
    image: str | None = None
    shows: tuple[ShowRef, ...] = ()
    # The text's near-duplicate signature (pipeline.dedup): MinHash values, shingle count and
    # LSH band keys. Empty when unknown: the article is then matched on its exact text only.
    minhash: bytes = b""
    shingles: int = 0
    bands: tuple[int, ...] = ()


class CopyJudge(Protocol):
    """Decides from two signatures whether one text copies the other: the similarity if so,
    else None (pipeline.dedup.copy_similarity; the store does not know the policy)."""

    def __call__(self, a: bytes, a_shingles: int, b: bytes, b_shingles: int, /) -> float | None:
        """The similarity of two texts when one copies the other, else None."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRecord(ArticleContent):
    """One fetched and processed article page, ready to be stored: its content, where it was
    found, and the page as fetched."""

    source: str
    canonical_url: str
    urls: tuple[str, ...]  # every URL this page was seen at, canonical first
    raw_html: bytes  # the page as fetched (uncompressed here; the store compresses it)
    encoding: str | None
    fetched_at: datetime
    run_id: int | None = None
    fetched_url: str | None = None  # the URL the HTML came from; the canonical URL when not given


class Outcome(enum.StrEnum):
    """What storing one article did."""

    NEW = "new"  # a new canonical article
    UPDATED = "updated"  # a known article whose text changed: a new revision
    DUPLICATE = "duplicate"  # a new article whose text copies a stored one (duplicate_of set)
    UNCHANGED = "unchanged"  # a known article seen again with the same text: nothing written


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The outcome of ``repository.save_article``."""

    outcome: Outcome
    article_id: int
    duplicate_of: int | None = None
    revision: int = 1


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """Per-source tallies of one crawl run."""

    pages: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class HealthFigures:
    """How one crawl run's pages of one source came out: pages fetched and lost, articles
    stored, how many had each field, and the lines recurring across them (boilerplate)."""

    pages: int = 0
    failed: int = 0
    articles: int = 0  # distinct articles whose page was extracted and stored (304s are not)
    with_title: int = 0
    with_date: int = 0
    with_author: int = 0
    long_text: int = 0  # text long enough to be a whole article
    boilerplate: int = 0  # distinct lines kept in many of the run's articles
    boilerplate_examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One source's health figures in one crawl run, as returned by queries."""

    run_id: int
    source: str
    started_at: datetime
    figures: HealthFigures


@dataclass(frozen=True, slots=True)
class ShowLink:
    """A show an article is filed under, as returned by queries."""

    name: str
    season: int | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One stored article as analysts see it."""

    id: int
    url: str
    urls: tuple[str, ...]
    source: str
    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    tags: tuple[str, ...]
    language: str | None
    text: str
    shows: tuple[ShowLink, ...]
    duplicate_of: int | None
    revision: int
    first_seen: datetime | None = None
    image: str | None = None  # the lead image's URL
    similarity: float | None = None  # to the article it copies, when it is a copy


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles a listing, a search or an export covers; every field narrows it."""

    show: str | None = None  # a show's name or any alias, any case
    source: str | None = None  # a source's name
    # Published at or after ``since`` and before ``until`` (an undated article counts as
    # published when it was first seen).
    since: datetime | None = None
    until: datetime | None = None
    include_duplicates: bool = False  # also copies of other articles


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article found by a full-text search, with how well it matched and where."""

    id: int
    url: str
    source: str
    title: str | None
    published: datetime | None
    shows: tuple[ShowLink, ...]
    duplicate_of: int | None
    score: float  # higher is better; comparable only within one search
    snippet: str  # a passage of the text, matched words between <mark> and </mark>


@dataclass(frozen=True, slots=True)
class PeriodCount:
    """How many articles of a source were published in one week or month."""

    period: date  # the period's first day (weeks start on Monday)
    source: str
    articles: int


@dataclass(frozen=True, slots=True)
class ShowRow:
    """A show with its aliases, how many (non-duplicate) articles are filed under it and for
    which seasons, and its ids in outside catalogues."""

    id: int
    name: str
    aliases: tuple[str, ...]
    articles: int
    seasons: tuple[int, ...] = ()  # the seasons its articles are filed under
    external_ids: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class RunRow:
    """One crawl run with its per-source counts."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, SourceCounts] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FailureRow:
    """A page that could not be fetched or stored, as returned by queries."""

    id: int
    run_id: int | None
    source: str
    url: str
    stage: str  # fetch, extract or store
    reason: str
    detail: str
    at: datetime


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One article of a story cluster, as ``queries.stories`` returns it."""

    id: int
    source: str
    url: str
    title: str | None
    published: datetime | None
    similarity: float | None  # to the article it was matched with; None for the original


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story: an original article and the copies of it stored from other pages."""

    original: StoryMember
    copies: tuple[StoryMember, ...]


@dataclass(frozen=True, slots=True)
class StoredPage:
    """The latest fetched version of a stored article, as needed to extract it again."""

    article_id: int
    source: str
    url: str
    raw_html: bytes
    encoding: str | None
    fetched_at: datetime
