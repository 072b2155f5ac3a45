"""The tables of the store as SQLAlchemy 2.0 typed models; datetimes in UTC, HTML compressed."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Constraint names are spelled out so that migrations can drop and alter them by name everywhere
# (SQLite batch mode needs names, and PostgreSQL's own defaults differ from what Alembic guesses).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "ok", "failed", "aborted")

# Full-text search is built by migration 0008 in SQL the models cannot express: SQLite's FTS5
# table articles_fts (with its shadow tables and the triggers that keep it in sync),
# PostgreSQL's generated articles.search_vector column, and the date filters' expression index.
# A later SQLite batch migration that rebuilds the articles table drops those triggers and
# must create them again.
SEARCH_TABLE = "articles_fts"
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "ix_articles_search_vector"
# An expression index, coalesce(published, first_seen), for date filters.
DATE_INDEX = "ix_articles_published_or_seen"


def is_modelled(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Whether a schema object belongs to the models (Alembic's include_object hook): the
    search index objects of migration 0008 do not, so schema comparisons leave them out."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE):
        return False
    return not (type_ in ("column", "index") and name in (SEARCH_COLUMN, SEARCH_INDEX, DATE_INDEX))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive values are taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite has no time zone type and would silently drop the offset: store naive UTC.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ZlibBytes(TypeDecorator[bytes]):
    """Bytes stored zlib-compressed: raw HTML shrinks about fivefold and is rarely read."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else zlib.compress(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> bytes | None:
        return None if value is None else zlib.decompress(value)


class Base(DeclarativeBase):
    """Declarative base: shared metadata with the naming convention, UTC datetimes throughout."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class Source(Base):
    """A news site, by the name it has in the sources file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    # How many distinct articles of this source have had their text blocks counted (source_blocks).
    template_pages: Mapped[int] = mapped_column(default=0, server_default=text("0"))


class SourceBlock(Base):
    """A text block (by fingerprint) of a source's pages: on how many distinct articles it was
    seen. The frequent ones are the site's template: sidebars, footers, stock lines."""

    __tablename__ = "source_blocks"
    # Loading a template reads one source's blocks seen on at least so many pages.
    __table_args__ = (Index("ix_source_blocks_source_id_pages", "source_id", "pages"),)

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(32), primary_key=True)
    pages: Mapped[int]
    last_seen: Mapped[datetime]


class Article(Base):
    """One article: the current version of its text and metadata (older versions are revisions)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    canonical_url: Mapped[str] = mapped_column(String, unique=True)
    title: Mapped[str | None] = mapped_column(String)
    author: Mapped[str | None] = mapped_column(String)
    published: Mapped[datetime | None]
    modified: Mapped[datetime | None]
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String, index=True)
    image: Mapped[str | None] = mapped_column(Text)  # the lead image's URL
    # Set when the text copies an earlier article; points at an original, never at another copy.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    # How alike the copy is to the article it was matched with (1.0 for the same text).
    similarity: Mapped[float | None] = mapped_column(Float)
    # The text's MinHash signature and shingle count (pipeline/dedup.py); its band keys are
    # rows of article_bands. NULL for articles stored before near-duplicate detection.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    shingles: Mapped[int | None]
    revision: Mapped[int]
    first_seen: Mapped[datetime]
    last_changed: Mapped[datetime]
    # The crawl run that stored it first: a run's new and duplicate counts are read from these.
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)

    source: Mapped[Source] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(order_by="ArticleUrl.id")
    show_links: Mapped[list[ArticleShow]] = relationship(order_by="ArticleShow.id")


class ArticleUrl(Base):
    """A URL an article was seen at; the canonical URL is one of them, so any URL finds it."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    url: Mapped[str] = mapped_column(String, unique=True)


class ArticleBand(Base):
    """One LSH band key of an article's current text: articles sharing a key are candidate
    near-duplicates. An indexed table, so every crawler process and machine sees the same index."""

    __tablename__ = "article_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True, index=True)


class Revision(Base):
    """One fetched version of an article, the current one included, with the HTML it came from."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String)
    title: Mapped[str | None] = mapped_column(String)
    modified: Mapped[datetime | None]
    # Deferred: listing revisions should not decompress every page.
    raw_html: Mapped[bytes] = mapped_column(ZlibBytes, deferred=True)
    encoding: Mapped[str | None] = mapped_column(String)
    fetched_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(String)


class Show(Base):
    """A TV show articles are filed under: its canonical name and ids in outside catalogues."""

    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    # e.g. {"tmdb": "99966", "imdb": "tt14169960"}; set by operators (`marquee shows add`).
    external_ids: Mapped[dict[str, str] | None] = mapped_column(JSON)

    aliases: Mapped[list[ShowAlias]] = relationship(order_by="ShowAlias.alias")


class ShowAlias(Base):
    """A spelling of a show's name; spellings with the same normalised key are the same show."""

    __tablename__ = "show_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    alias: Mapped[str] = mapped_column(String)
    key: Mapped[str] = mapped_column(String, unique=True)
    # name (the show's own), seen (printed in a title), discovered (a typo matched fuzzily)
    # or operator (added with `marquee shows alias add`).
    origin: Mapped[str] = mapped_column(String, server_default="seen")


class ArticleShow(Base):
    """An article filed under a show, for one season or for none (season NULL)."""

    __tablename__ = "article_shows"
    # NULLs are distinct in a unique constraint on both SQLite and PostgreSQL, so the constraint
    # guards the links with a season and a partial unique index guards the season-less ones.
    __table_args__ = (
        UniqueConstraint("article_id", "show_id", "season"),
        Index(
            "uq_article_shows_article_id_show_id_no_season",
            "article_id",
            "show_id",
            unique=True,
            sqlite_where=text("season IS NULL"),
            postgresql_where=text("season IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    season: Mapped[int | None]
    # How sure the linker was: 1.0 for a name it knew exactly before a season or show marker.
    confidence: Mapped[float] = mapped_column(Float, server_default="1.0")

    show: Mapped[Show] = relationship()


class UrlCheck(Base):
    """When an article URL was last fetched and the validators its server sent, so that a later
    crawl can leave it alone or ask for it conditionally (If-None-Match / If-Modified-Since)."""

    __tablename__ = "url_checks"

    url: Mapped[str] = mapped_column(String, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    checked_at: Mapped[datetime]
    etag: Mapped[str | None] = mapped_column(String)
    last_modified: Mapped[str | None] = mapped_column(String)  # the header, as sent


class CrawlRun(Base):
    """One crawl: when it ran, how it ended, and why if it failed."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{status}'" for status in RUN_STATUSES)),
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    # The process that runs it, so that a later crawl on the same machine can tell a run whose
    # process was killed from one still going.
    host: Mapped[str | None] = mapped_column(String)
    pid: Mapped[int | None]

    sources: Mapped[list[CrawlRunSource]] = relationship(order_by="CrawlRunSource.source")


class CrawlRunSource(Base):
    """What one crawl run did for one source."""

    __tablename__ = "crawl_run_sources"

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    # The name, not a key into sources: a source that yielded no article has no sources row.
    source: Mapped[str] = mapped_column(String, primary_key=True)
    pages: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    duplicate: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)


class SourceHealth(Base):
    """How one crawl run's pages of one source came out of extraction (`marquee health`
    compares a source's latest run with its earlier ones to spot layout changes)."""

    __tablename__ = "source_health"

    # Source first: the key's index then serves reading one source's recent runs.
    source: Mapped[str] = mapped_column(String, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    pages: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    articles: Mapped[int] = mapped_column(default=0)
    with_title: Mapped[int] = mapped_column(default=0)
    with_date: Mapped[int] = mapped_column(default=0)
    with_author: Mapped[int] = mapped_column(default=0)
    long_text: Mapped[int] = mapped_column(default=0)
    boilerplate: Mapped[int] = mapped_column(default=0)
    boilerplate_examples: Mapped[list[str]] = mapped_column(JSON, default=list)


class Failure(Base):
    """A page that could not be fetched or stored, with a short reason code and the details."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    source: Mapped[str] = mapped_column(String)
    url: Mapped[str] = mapped_column(String)
    # Where the page was lost: fetch (download), extract (the pipeline) or store (the database).
    stage: Mapped[str] = mapped_column(String, server_default="fetch")
    reason: Mapped[str] = mapped_column(String)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
