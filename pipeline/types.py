"""Frozen dataclasses that the pipeline stages hand to each other and to their callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Everything that tunes extraction, in one immutable object (no keyword sprawl)."""

    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = True
    # Pages whose main text is shorter than this are "not an article" (listing pages, stubs).
    min_text_chars: int = 200
    # ... and pages without a single paragraph this long are lists of headlines, not articles.
    # 0 (the default) turns the check off: short-paragraph articles (news briefs, poems, Q&As)
    # are common enough in the benchmarks that it costs more recall than listings it catches.
    min_paragraph_chars: int = 0
    # Refuse to parse HTML larger than this many characters.
    max_html_chars: int = 5_000_000
    # Per-source rules from the sources file (CSS selectors; see pipeline/rules.py) ...
    content_selector: str | None = None  # the article body: extraction sees only this element
    drop_selectors: tuple[str, ...] = ()  # removed before extraction
    title_selector: str | None = None  # these three override the metadata when they match
    date_selector: str | None = None
    author_selector: str | None = None
    # ... and the source's learned template: fingerprints of its boilerplate text blocks
    # (pipeline/template.py), removed wherever they occur.
    template: frozenset[str] = frozenset()
    # Fingerprint the page's blocks (Extracted.blocks) for the source's template; the crawler
    # sets it, a one-off extraction need not pay for it.
    collect_blocks: bool = False


@dataclass(frozen=True, slots=True)
class Extracted:
    """Main text and metadata of one page, as found on the page itself."""

    url: str
    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    tags: tuple[str, ...]
    language: str | None
    text: str
    # URLs the page declares for itself: rel=canonical first, then og:url (raw, not yet cleaned).
    declared_urls: tuple[str, ...] = ()
    image: str | None = None  # the lead image's URL
    # Fingerprints of the page's text blocks, for its source's learned template (only when
    # ExtractOptions.collect_blocks is set: they cost a pass over the page).
    blocks: frozenset[str] = frozenset()
    # The boilerplate rules that removed something from the page ("social-cta", "comments",
    # "template" ...), in the order they ran: what `marquee sources test` reports.
    rules_fired: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Identity:
    """Where an article lives: its canonical URL and every URL it was seen at (canonical first)."""

    canonical_url: str
    urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Content identity of an article's text: a hash of the normalised text for exact copies,
    and a MinHash signature with its LSH band keys for near ones (pipeline/dedup.py)."""

    text_hash: str
    minhash: bytes = b""  # NUM_PERM little-endian uint32 values
    shingles: int = 0  # how many distinct word shingles the text has
    bands: tuple[int, ...] = ()  # one signed 64-bit key per LSH band


@dataclass(frozen=True, slots=True)
class Similarity:
    """How alike two texts are: estimated Jaccard similarity of their shingle sets, and the
    share of the shorter text's shingles found in the longer one (containment)."""

    jaccard: float
    containment: float


@dataclass(frozen=True, slots=True)
class ShowMatch:
    """A TV show an article is about, as named in it, with the season when stated."""

    name: str  # the catalogue's canonical name, or the name as printed for a new show
    key: str  # normalised alias key: equal keys mean the same show
    season: int | None = None
    confidence: float = 1.0  # 1.0 for a name before a marker that the catalogue knows exactly
    # The name as printed where it differs from ``name`` (a typo, an initialism): the store
    # registers it as an alias of the show, so the next article with it is an exact match.
    spelling: str | None = None


@dataclass(frozen=True, slots=True)
class Processed:
    """The result of the whole pure pipeline for one page."""

    extracted: Extracted
    identity: Identity
    fingerprint: Fingerprint
    shows: tuple[ShowMatch, ...] = field(default_factory=tuple)
