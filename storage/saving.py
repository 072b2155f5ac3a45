"""Saving fetched articles: each is new, a copy in a stored story, a new revision of a stored
article, or nothing new. A batch shares its look-ups and writes each table in one statement."""

# Nothing here commits: the caller wraps a page or a batch in ``with session.begin():`` so that
# a crawl killed mid-batch leaves no half-written rows.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage import statements
from storage.driver import execute_plain
from storage.models import Article, ArticleBand, Revision, Source
from storage.records import (
    ArticleContent,
    ArticleRecord,
    CopyJudge,
    Outcome,
    SaveResult,
)
from storage.shows import link_shows
from storage.stories import BatchStories, Placement, Probe, StoredCandidates, repoint_copies

# Any fixed number will do: the PostgreSQL advisory lock that makes article saves take turns.
_WRITE_LOCK_KEY = int.from_bytes(b"marquee", "big")

# Stay well below SQLite's limit on bound parameters per statement.
URL_BATCH = 500


def take_write_lock(session: Session) -> None:
    """Make concurrent crawl processes save one at a time: look-up-then-insert races."""
    # SQLite needs nothing here: storage.db begins every SQLite transaction with BEGIN IMMEDIATE.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK_KEY)))


def ensure_source(session: Session, name: str) -> int:
    """The id of the source called ``name``, created if it is new."""
    take_write_lock(session)
    source_id = session.connection().execute(statements.SOURCE_ID, {"name": name}).scalar()
    if source_id is not None:
        return int(source_id)
    source = Source(name=name)
    session.add(source)
    session.flush()
    return source.id


def save_article(
    session: Session, record: ArticleRecord, judge: CopyJudge | None = None
) -> SaveResult:
    """Store one fetched article: new, a copy of a stored one, a changed one, or nothing new.

    A new article copies a stored one when its text is the same, or, given a ``judge``, when
    it shares LSH band keys with one and the judge confirms it from the two signatures.
    """
    return save_articles(session, [record], judge)[0]


def save_articles(
    session: Session, records: Sequence[ArticleRecord], judge: CopyJudge | None = None
) -> list[SaveResult]:
    """Store fetched articles in order, each exactly as ``save_article`` would, one result each.

    The new ones share their look-ups (URLs, same texts, band keys) and are written with one
    statement per table; a new article may copy another of the same batch.
    """
    take_write_lock(session)
    urls = [_record_urls(record) for record in records]
    batch = _Batch(session, judge, set(_url_owners(session, [u for us in urls for u in us])))
    for record, record_urls in zip(records, urls, strict=True):
        batch.add(record, record_urls)
    batch.flush()
    return [result for result in batch.results if result is not None]


@dataclass(frozen=True, slots=True)
class _New:
    """A new article of a batch, waiting to be written: its key in the batch's stories is
    negative until the insert gives it an id."""

    record: ArticleRecord
    urls: list[str]
    key: int
    position: int  # its place among the batch's results


class _Batch:
    """The articles of one save_articles call: new ones wait and are written together; a known
    URL (stored, or seen earlier in the batch) writes what waits first, then is saved alone."""

    def __init__(self, session: Session, judge: CopyJudge | None, stored_urls: set[str]) -> None:
        self.session = session
        self.judge = judge
        self.stored_urls = stored_urls
        self.seen: set[str] = set()
        self.waiting: list[_New] = []
        self.results: list[SaveResult | None] = []
        self.sources: dict[str, int] = {}

    def add(self, record: ArticleRecord, urls: list[str]) -> None:
        if self.stored_urls.isdisjoint(urls) and self.seen.isdisjoint(urls):
            key = -(len(self.results) + 1)
            self.waiting.append(_New(record, urls, key, len(self.results)))
            self.results.append(None)
        else:
            self.flush()
            self.results.append(_save_known(self.session, record, urls))
        self.seen.update(urls)

    def flush(self) -> None:
        """Place the waiting articles in their stories and write them."""
        if not self.waiting:
            return
        news, self.waiting = self.waiting, []
        probes = [_probe(new.record) for new in news]
        stories = BatchStories(StoredCandidates(self.session, probes), self.judge)
        placed = [
            _Placed(new, stories.place(new.key, probe))
            for new, probe in zip(news, probes, strict=True)
        ]
        taken_over = {
            p.placement.displaced: p.placement.similarity for p in placed if p.placement.displaced
        }
        for item in placed:
            item.settle(stories, taken_over)
        ids = self._insert(placed)
        for item in placed:
            self.results[item.new.position] = item.result(ids)

    def _insert(self, placed: list[_Placed]) -> dict[int, int]:
        """Write the batch's new articles, their URLs, band keys, first revisions and show
        links; returns each one's id by its batch key."""
        connection = self.session.connection()
        self._load_sources({item.new.record.source for item in placed} - self.sources.keys())
        rows = [self._article_values(item) for item in placed]
        inserted = connection.execute(statements.INSERT_ARTICLE, rows).scalars().all()
        ids = {
            item.new.key: int(article_id) for item, article_id in zip(placed, inserted, strict=True)
        }
        # Copies of (or taken over by) an article of this batch: its id is known now.
        later = [
            {"article": ids[item.new.key], "original": item.original_id(ids)}
            for item in placed
            if item.original is not None and item.original < 0
        ]
        _insert_rows(self.session, statements.SET_ORIGINAL, later)
        news = [item.new for item in placed]
        _insert_urls(self.session, [(ids[new.key], url) for new in news for url in new.urls])
        _insert_bands(
            self.session, [b for new in news for b in _bands(ids[new.key], new.record.bands)]
        )
        _insert_rows(
            self.session, statements.INSERT_REVISION,
            [revision_values(ids[new.key], 1, new.record) for new in news],
        )  # fmt: skip
        for item in placed:
            link_shows(self.session, ids[item.new.key], item.new.record.shows)
            displaced = item.placement.displaced
            if displaced is not None and displaced > 0:  # a stored story this article took over
                new_original = item.original_id(ids) or ids[item.new.key]
                repoint_copies(
                    self.session, displaced, new_original, item.placement.similarity or 0.0
                )
        return ids

    def _article_values(self, item: _Placed) -> dict[str, object]:
        record = item.new.record
        return {
            "source_id": self._source_id(record.source),
            "canonical_url": record.canonical_url,
            # A copy of an article of this batch gets its link once that one has an id.
            "duplicate_of_id": item.original
            if item.original is not None and item.original > 0
            else None,
            "similarity": item.similarity,
            "revision": 1,
            "first_seen": record.fetched_at,
            "last_changed": record.fetched_at,
            "first_run_id": record.run_id,
            **content_values(record),
        }

    def _load_sources(self, names: set[str]) -> None:
        """Look up the ids of a batch's sources at once (creating new ones one by one)."""
        rows = self.session.connection().execute(statements.SOURCE_IDS, {"names": sorted(names)})
        self.sources.update((name, source_id) for name, source_id in rows)

    def _source_id(self, name: str) -> int:
        if name not in self.sources:
            self.sources[name] = ensure_source(self.session, name)
        return self.sources[name]


@dataclass(slots=True)
class _Placed:
    """A new article of a batch with its placement, and (once the batch is placed) the key of
    the original it ends up copying and how alike the two are."""

    new: _New
    placement: Placement
    original: int | None = None
    similarity: float | None = None

    def settle(self, stories: BatchStories, taken_over: Mapping[int, float | None]) -> None:
        """Follow the batch's take-overs: a copy's story, or this original, may have moved."""
        key = self.new.key
        story = stories.story(
            self.placement.original if self.placement.original is not None else key
        )
        self.original = None if story == key else story
        self.similarity = self.placement.similarity if self.placement.original is not None else None
        if self.placement.original is None and self.original is not None:
            self.similarity = taken_over.get(key)

    def result(self, ids: dict[int, int]) -> SaveResult:
        """What save_article would have said at this article's turn (later ones of the batch
        may since have moved its story)."""
        original = self.placement.original
        if original is None:
            return SaveResult(Outcome.NEW, ids[self.new.key], None, 1)
        return SaveResult(Outcome.DUPLICATE, ids[self.new.key], ids.get(original, original), 1)

    def original_id(self, ids: dict[int, int]) -> int | None:
        if self.original is None:
            return None
        return ids[self.original] if self.original < 0 else self.original


def _probe(record: ArticleRecord) -> Probe:
    return Probe(record.text_hash, record.minhash, record.shingles, record.bands, record.published)


def _insert_rows(session: Session, statement: object, rows: Sequence[Mapping[str, object]]) -> None:
    if rows:
        session.connection().execute(statement, rows)  # type: ignore[call-overload]


def _bands(article_id: int, bands: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(key, article_id) for key in dict.fromkeys(bands)]


def _insert_bands(session: Session, rows: list[tuple[int, int]]) -> None:
    """Insert (band key, article id) rows."""
    execute_plain(session.connection(), statements.INSERT_BAND, ("key", "article_id"), rows)


def _insert_urls(session: Session, rows: list[tuple[int, str]]) -> None:
    """Insert (article id, URL) rows."""
    execute_plain(session.connection(), statements.INSERT_URL, ("article_id", "url"), rows)


def _record_urls(record: ArticleRecord) -> list[str]:
    """The record's URLs without repeats, canonical first."""
    return list(dict.fromkeys((record.canonical_url, *record.urls)))


def _url_owners(session: Session, urls: list[str]) -> dict[str, int]:
    """Which stored article each of ``urls`` belongs to, for those already known."""
    owners: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(urls), URL_BATCH):
        rows = connection.execute(statements.URL_OWNERS, {"urls": urls[start : start + URL_BATCH]})
        owners.update((url, article_id) for url, article_id in rows)
    return owners


def _save_known(session: Session, record: ArticleRecord, urls: list[str]) -> SaveResult:
    """Save a fetch of a stored article (found by one of its URLs): unchanged or a revision."""
    owners = _url_owners(session, urls)
    # Every article's canonical URL is among its article_urls, so the URL owners cover both.
    article = session.get_one(Article, owners.get(record.canonical_url, min(owners.values())))
    _insert_urls(session, [(article.id, url) for url in urls if url not in owners])
    if article.text_hash == record.text_hash:
        return SaveResult(Outcome.UNCHANGED, article.id, article.duplicate_of_id, article.revision)
    # A changed text is the same article moving on, so duplicate_of keeps its first-seen verdict.
    number = article.revision + 1
    session.add(Revision(**revision_values(article.id, number, record)))
    set_content(article, record)
    article.last_changed = record.fetched_at
    set_bands(session, article.id, record.bands)
    article.revision = number
    link_shows(session, article.id, record.shows)
    session.flush()
    return SaveResult(Outcome.UPDATED, article.id, article.duplicate_of_id, number)


def set_bands(session: Session, article_id: int, bands: tuple[int, ...]) -> None:
    """Make ``bands`` the article's LSH band keys (replacing those of an earlier text)."""
    session.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    _insert_bands(session, _bands(article_id, bands))


def set_content(article: Article, content: ArticleContent) -> None:
    """Set the article's extracted fields (not its show links, which are rows of their own)."""
    for name, value in content_values(content).items():
        setattr(article, name, value)


def content_values(content: ArticleContent) -> dict[str, object]:
    """The article columns that hold its extracted fields, by name."""
    return {
        "title": content.title,
        "author": content.author,
        "published": content.published,
        "modified": content.modified,
        "tags": list(content.tags),
        "language": content.language,
        "text": content.text,
        "text_hash": content.text_hash,
        "image": content.image,
        "minhash": content.minhash or None,
        "shingles": content.shingles or None,
    }


def revision_values(article_id: int, number: int, record: ArticleRecord) -> dict[str, object]:
    """A revisions row for one fetched version of an article."""
    return {
        "article_id": article_id,
        "number": number,
        "text": record.text,
        "text_hash": record.text_hash,
        "title": record.title,
        "modified": record.modified,
        "raw_html": record.raw_html,
        "encoding": record.encoding,
        "fetched_at": record.fetched_at,
        "url": record.fetched_url or record.canonical_url,
    }
