"""The crawler's writes: article saves, show links, source templates, crawl runs, failures."""

# Nothing here commits: the caller wraps each page in ``with session.begin():`` so that a crawl
# killed mid-page leaves no half-written rows. Functions flush when they need generated ids.

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, undefer

from storage import statements
from storage.models import (
    Article,
    ArticleBand,
    ArticleShow,
    ArticleUrl,
    CrawlRun,
    CrawlRunSource,
    Failure,
    Revision,
    Show,
    ShowAlias,
    Source,
    SourceBlock,
)
from storage.records import (
    ArticleContent,
    ArticleRecord,
    CopyJudge,
    Outcome,
    SaveResult,
    ShowRef,
    SourceCounts,
    StoredPage,
)

FINAL_STATUSES = ("ok", "failed", "aborted")

# A run still 'running' after this long is taken to belong to a crawl process that died.
STALE_RUN_AGE = timedelta(hours=24)

# Any fixed number will do: the PostgreSQL advisory lock that makes article saves take turns.
_WRITE_LOCK_KEY = int.from_bytes(b"marquee", "big")

# Stay well below SQLite's limit on bound parameters per statement.
_URL_BATCH = 500

# A text block is part of a source's template (its sidebars, footer, stock lines) when it was
# seen on at least TEMPLATE_MIN_PAGES of the source's distinct articles and on at least
# TEMPLATE_SHARE of them. Two articles may share a paragraph by chance (a quote, a cast list);
# three sharing it is the site. The share keeps a large source's template to what most of its
# pages carry, and lets blocks a redesign removed fall out of it as new articles come in.
TEMPLATE_MIN_PAGES = 3
TEMPLATE_SHARE = 0.3

# Near-duplicate candidates judged per saved article: those sharing the most band keys with it.
MAX_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class _Match:
    """The stored original a new article copies, and how alike the two are."""

    original_id: int
    similarity: float


def ensure_source(session: Session, name: str) -> int:
    """The id of the source called ``name``, created if it is new."""
    _take_write_lock(session)
    source_id = session.connection().execute(statements.SOURCE_ID, {"name": name}).scalar()
    if source_id is not None:
        return int(source_id)
    source = Source(name=name)
    session.add(source)
    session.flush()
    return source.id


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` at which some stored article was already seen."""
    pending = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(pending), _URL_BATCH):
        batch = pending[start : start + _URL_BATCH]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(batch))))
    return found


def save_article(
    session: Session, record: ArticleRecord, judge: CopyJudge | None = None
) -> SaveResult:
    """Store one fetched article: new, a copy of a stored one, a changed one, or nothing new.

    A new article copies a stored one when its text is the same, or, given a ``judge``, when
    it shares LSH band keys with one and the judge confirms it from the two signatures.
    """
    _take_write_lock(session)
    urls = _record_urls(record)
    owners = _url_owners(session, urls)
    article = _known_article(session, record.canonical_url, owners)
    if article is None:
        return _insert_article(session, record, urls, judge)
    _add_urls(session, article.id, [url for url in urls if url not in owners])
    if article.text_hash == record.text_hash:
        return SaveResult(Outcome.UNCHANGED, article.id, article.duplicate_of_id, article.revision)
    return _update_article(session, article, record)


def raw_html(session: Session, article_id: int) -> bytes:
    """The HTML of the latest fetched version of an article, decompressed."""
    html = session.scalar(
        select(Revision.raw_html)
        .where(Revision.article_id == article_id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if html is None:
        raise LookupError(f"no stored article with id {article_id}")
    return html


def add_template_blocks(
    session: Session,
    source: str,
    fingerprints: Iterable[str],
    *,
    seen_at: datetime | None = None,
) -> None:
    """Count one more distinct article of ``source`` and each of its text blocks' fingerprints.

    Call it once per new article, in the transaction that stores the article, so that a page
    is counted exactly when it is stored. Upserts: safe whatever rows exist, and when crawl
    processes write at the same time.
    """
    source_id = ensure_source(session, source)  # takes the write lock
    session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(template_pages=Source.template_pages + 1)
    )
    rows = [
        {"source_id": source_id, "fingerprint": fp, "pages": 1, "last_seen": seen_at or _now()}
        for fp in sorted(set(fingerprints))
    ]
    if rows:
        session.execute(_count_blocks(session.get_bind().dialect.name), rows)


def load_template(
    session: Session,
    source: str,
    *,
    min_pages: int = TEMPLATE_MIN_PAGES,
    share: float = TEMPLATE_SHARE,
) -> frozenset[str]:
    """The fingerprints of the blocks seen on at least max(min_pages, share × its articles) of
    the source's distinct articles: its learned template (empty for an unknown source)."""
    source_row = session.execute(
        select(Source.id, Source.template_pages).where(Source.name == source)
    ).first()
    if source_row is None:
        return frozenset()
    source_id, pages = source_row
    threshold = max(min_pages, math.ceil(share * pages))
    blocks = select(SourceBlock.fingerprint).where(
        SourceBlock.source_id == source_id, SourceBlock.pages >= threshold
    )
    return frozenset(session.scalars(blocks))


def _count_blocks(dialect: str) -> sqlite.Insert | postgresql.Insert:
    """INSERT a block seen for the first time, or add one page to its count (an upsert)."""
    insert: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        insert = sqlite.insert(SourceBlock)
    elif dialect == "postgresql":
        insert = postgresql.insert(SourceBlock)
    else:
        raise NotImplementedError(f"template counts need SQLite or PostgreSQL, not {dialect}")
    return insert.on_conflict_do_update(
        index_elements=[SourceBlock.source_id, SourceBlock.fingerprint],
        set_={"pages": SourceBlock.pages + 1, "last_seen": insert.excluded.last_seen},
    )


def _take_write_lock(session: Session) -> None:
    """Make concurrent crawl processes save one page at a time: look-up-then-insert races."""
    # SQLite needs nothing here: storage.db begins every SQLite transaction with BEGIN IMMEDIATE.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK_KEY)))


def _record_urls(record: ArticleRecord) -> list[str]:
    """The record's URLs without repeats, canonical first."""
    return list(dict.fromkeys((record.canonical_url, *record.urls)))


def _url_owners(session: Session, urls: list[str]) -> dict[str, int]:
    """Which stored article each of ``urls`` belongs to, for those already known."""
    rows = session.connection().execute(statements.URL_OWNERS, {"urls": urls})
    return {url: article_id for url, article_id in rows}


def _known_article(session: Session, canonical_url: str, owners: dict[str, int]) -> Article | None:
    """The article the record is a new fetch of: the canonical URL's owner, else the oldest."""
    # Every article's canonical URL is among its article_urls, so the URL owners cover both.
    if not owners:
        return None
    return session.get(Article, owners.get(canonical_url, min(owners.values())))


def _add_urls(session: Session, article_id: int, urls: list[str]) -> None:
    if urls:
        session.connection().execute(
            statements.INSERT_URL, [{"article_id": article_id, "url": url} for url in urls]
        )


def _insert_article(
    session: Session, record: ArticleRecord, urls: list[str], judge: CopyJudge | None
) -> SaveResult:
    match = _original_of(session, record, judge)
    original_id = match.original_id if match is not None else None
    displaced = _displaced_original(session, original_id, record)
    if displaced is not None:
        original_id = None  # this copy was published first: it becomes the original
    # Prebuilt Core statements (storage/statements.py), not ORM units of work: the hot path.
    values = {
        "source_id": ensure_source(session, record.source),
        "canonical_url": record.canonical_url,
        "duplicate_of_id": original_id,
        "similarity": match.similarity if match is not None and original_id else None,
        "revision": 1,
        "first_seen": record.fetched_at,
        "last_changed": record.fetched_at,
        "first_run_id": record.run_id,
        **_content_values(record),
    }
    connection = session.connection()
    article_id = int(connection.execute(statements.INSERT_ARTICLE, values).scalar_one())
    _add_urls(session, article_id, urls)
    _insert_bands(session, article_id, record.bands)
    connection.execute(statements.INSERT_REVISION, _revision_values(article_id, 1, record))
    _link_shows(session, article_id, record.shows)
    if displaced is not None and match is not None:
        _repoint_copies(session, displaced, article_id, match.similarity)
    outcome = Outcome.NEW if original_id is None else Outcome.DUPLICATE
    return SaveResult(outcome, article_id, original_id, 1)


def _original_of(
    session: Session, record: ArticleContent, judge: CopyJudge | None
) -> _Match | None:
    """The original of the story a new text belongs to: by exact text, else (given a judge)
    by signature."""
    probe = _Probe(record.text_hash, record.minhash, record.shingles, record.bands)
    return _best_match(session, probe, judge)


@dataclass(frozen=True, slots=True)
class _Probe:
    """What is needed to find a text's story: its hash, signature and band keys."""

    text_hash: str
    minhash: bytes
    shingles: int
    bands: tuple[int, ...]


def _best_match(
    session: Session, content: _Probe, judge: CopyJudge | None, exclude: int | None = None
) -> _Match | None:
    """The story whose member is most like a text, among the stored articles sharing band keys
    with it: a member with the same text first, else the one the judge finds most alike."""
    best: _Match | None = None
    for candidate in _candidates(session, content, exclude):
        story = candidate.original_id or candidate.id
        if candidate.text_hash == content.text_hash:
            return _Match(story, 1.0)
        if judge is None:
            continue
        found = judge(candidate.minhash, candidate.shingles or 0, content.minhash, content.shingles)
        if found is not None and (best is None or found > best.similarity):
            best = _Match(story, found)
    return best


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    original_id: int | None
    text_hash: str
    minhash: bytes
    shingles: int | None


def _candidates(session: Session, content: _Probe, exclude: int | None = None) -> list[_Candidate]:
    """Stored articles that may copy a text, in one query: one with the same text first, then
    those sharing the most LSH band keys with it (statements.CANDIDATES)."""
    rows = session.connection().execute(
        statements.CANDIDATES,
        {
            "keys": list(content.bands),
            "limit": MAX_CANDIDATES,
            "exclude": exclude or -1,
            "text_hash": content.text_hash,
        },
    )
    return [
        _Candidate(row.id, row.duplicate_of_id, row.text_hash, row.minhash or b"", row.shingles)
        for row in rows
    ]


def _set_bands(session: Session, article_id: int, bands: tuple[int, ...]) -> None:
    """Make ``bands`` the article's LSH band keys (replacing those of an earlier text)."""
    session.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    _insert_bands(session, article_id, bands)


def _insert_bands(session: Session, article_id: int, bands: tuple[int, ...]) -> None:
    if bands:
        session.connection().execute(
            statements.INSERT_BAND,
            [{"key": key, "article_id": article_id} for key in dict.fromkeys(bands)],
        )


def _displaced_original(
    session: Session, original_id: int | None, record: ArticleRecord
) -> int | None:
    """The stored original that ``record`` predates, if any: the earliest publication wins."""
    if original_id is None or record.published is None:
        return None
    published = session.scalar(select(Article.published).where(Article.id == original_id))
    return original_id if published is not None and record.published < published else None


def _repoint_copies(
    session: Session, old_original: int, new_original: int, similarity: float
) -> None:
    """Make the old original, and every copy of it, copies of the new original."""
    session.execute(update(Article).where(Article.id == old_original).values(similarity=similarity))
    session.execute(
        update(Article)
        .where((Article.id == old_original) | (Article.duplicate_of_id == old_original))
        .values(duplicate_of_id=new_original)
    )


def _update_article(session: Session, article: Article, record: ArticleRecord) -> SaveResult:
    # A changed text is the same article moving on, so duplicate_of keeps its first-seen verdict.
    number = article.revision + 1
    session.add(_revision(article.id, number, record))
    _copy_content(article, record)
    _set_bands(session, article.id, record.bands)
    article.revision = number
    _link_shows(session, article.id, record.shows)
    session.flush()
    return SaveResult(Outcome.UPDATED, article.id, article.duplicate_of_id, number)


def _copy_content(article: Article, record: ArticleRecord) -> None:
    """Set the fields that change from one version of an article to the next."""
    _set_content(article, record)
    article.last_changed = record.fetched_at


def _set_content(article: Article, content: ArticleContent) -> None:
    """Set the article's extracted fields (not its show links, which are rows of their own)."""
    for name, value in _content_values(content).items():
        setattr(article, name, value)


def _content_values(content: ArticleContent) -> dict[str, object]:
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


def _revision(article_id: int, number: int, record: ArticleRecord) -> Revision:
    return Revision(**_revision_values(article_id, number, record))


def _revision_values(article_id: int, number: int, record: ArticleRecord) -> dict[str, object]:
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


def _link_shows(session: Session, article_id: int, refs: Iterable[ShowRef]) -> None:
    for ref in refs:
        _link_show(session, article_id, _show_id(session, ref), ref.season)


def _show_id(session: Session, ref: ShowRef) -> int:
    """The show an alias key stands for; an unknown key becomes an alias of the show it names."""
    show_id = session.scalar(select(ShowAlias.show_id).where(ShowAlias.key == ref.key))
    if show_id is not None:
        return show_id
    show_id = session.scalar(select(Show.id).where(Show.name == ref.name))
    if show_id is None:
        show = Show(name=ref.name)
        session.add(show)
        session.flush()
        show_id = show.id
    session.add(ShowAlias(show_id=show_id, alias=ref.name, key=ref.key))
    session.flush()
    return show_id


def _link_show(session: Session, article_id: int, show_id: int, season: int | None) -> None:
    same_season = ArticleShow.season.is_(None) if season is None else ArticleShow.season == season
    linked = session.scalar(
        select(ArticleShow.id).where(
            ArticleShow.article_id == article_id, ArticleShow.show_id == show_id, same_season
        )
    )
    if linked is None:
        session.add(ArticleShow(article_id=article_id, show_id=show_id, season=season))
        session.flush()


def latest_page(session: Session, article_id: int) -> StoredPage:
    """The raw HTML of an article's latest revision, with what is needed to extract it again."""
    row = session.execute(
        select(Revision, Source.name)
        .join(Article, Article.id == Revision.article_id)
        .join(Source, Source.id == Article.source_id)
        .options(undefer(Revision.raw_html))
        .where(Revision.article_id == article_id)
        .order_by(Revision.number.desc())
        .limit(1)
    ).first()
    if row is None:
        raise LookupError(f"no stored article with id {article_id}")
    revision, source = row
    return StoredPage(
        article_id, source, revision.url, revision.raw_html, revision.encoding, revision.fetched_at
    )


def refresh_article(session: Session, article_id: int, fields: ArticleContent) -> bool:
    """Replace an article's extracted fields (and its latest revision's) with ``fields``.

    Returns whether anything changed. The article keeps its URLs, revision number and history;
    its show links are replaced; duplicate links among articles whose text changed are set
    again by ``relink_duplicates``, which the caller runs once at the end.
    """
    article = session.get_one(Article, article_id)
    before = _extracted_fields(article)
    _set_content(article, fields)
    _set_bands(session, article_id, fields.bands)
    latest = session.scalars(
        select(Revision).where(Revision.article_id == article_id).order_by(Revision.number.desc())
    ).first()
    if latest is not None:
        latest.text, latest.text_hash, latest.title = fields.text, fields.text_hash, fields.title
        latest.modified = fields.modified
    shows_before = _show_links(session, article_id)
    session.execute(delete(ArticleShow).where(ArticleShow.article_id == article_id))
    _link_shows(session, article_id, fields.shows)
    session.flush()
    return before != _extracted_fields(article) or shows_before != _show_links(session, article_id)


def relink_duplicates(session: Session, text_hashes: Iterable[str]) -> None:
    """Set duplicate_of again among the articles with each of these texts: the earliest
    published (else the first stored) is the original, every other one copies it."""
    for text_hash in set(text_hashes):
        members = list(
            session.scalars(
                select(Article)
                .where(Article.text_hash == text_hash)
                .order_by(Article.published.asc().nulls_last(), Article.id)
            )
        )
        for index, article in enumerate(members):
            article.duplicate_of_id = None if index == 0 else members[0].id
        # Copies of an article whose text moved on are not copies of it any more.
        ids = [member.id for member in members]
        session.execute(
            update(Article)
            .where(Article.duplicate_of_id.in_(ids), Article.text_hash != text_hash)
            .values(duplicate_of_id=None)
        )
    session.flush()


def relink_near_duplicates(session: Session, article_ids: Iterable[int], judge: CopyJudge) -> None:
    """Decide near-duplicate links again for articles whose text changed (after a reprocess):
    a copy that no longer matches its original stands alone; an original without copies that
    now matches an earlier story joins it."""
    for article_id in article_ids:
        article = session.get_one(Article, article_id)
        if article.minhash is None or article.shingles is None:
            continue
        if article.duplicate_of_id is not None:
            original = session.get_one(Article, article.duplicate_of_id)
            found = None
            if original.minhash is not None and original.shingles is not None:
                found = judge(
                    original.minhash, original.shingles, article.minhash, article.shingles
                )
            if article.text_hash == original.text_hash:
                found = 1.0
            article.duplicate_of_id = None if found is None else article.duplicate_of_id
            article.similarity = found
        elif not _has_copies(session, article_id):
            match = _near_original(session, article, judge)
            if match is not None and _is_earlier(session, match.original_id, article):
                article.duplicate_of_id, article.similarity = match.original_id, match.similarity
    session.flush()


def _near_original(session: Session, article: Article, judge: CopyJudge) -> _Match | None:
    assert article.minhash is not None and article.shingles is not None
    bands = tuple(
        session.scalars(select(ArticleBand.key).where(ArticleBand.article_id == article.id))
    )
    probe = _Probe(article.text_hash, article.minhash, article.shingles, bands)
    best = _best_match(session, probe, judge, article.id)
    return best if best is not None and best.original_id != article.id else None


def _has_copies(session: Session, article_id: int) -> bool:
    return (
        session.scalar(select(Article.id).where(Article.duplicate_of_id == article_id).limit(1))
        is not None
    )


def _is_earlier(session: Session, original_id: int, article: Article) -> bool:
    """Whether the stored original came first: published earlier, else stored earlier."""
    original = session.get_one(Article, original_id)
    if original.published is not None and article.published is not None:
        return original.published <= article.published
    return original.id < article.id


def _extracted_fields(article: Article) -> tuple[object, ...]:
    return (
        article.title, article.author, article.published, article.modified, tuple(article.tags),
        article.language, article.image, article.text_hash,
    )  # fmt: skip


def _show_links(session: Session, article_id: int) -> set[tuple[int, int | None]]:
    rows = session.execute(
        select(ArticleShow.show_id, ArticleShow.season).where(ArticleShow.article_id == article_id)
    )
    return {(show_id, season) for show_id, season in rows}


def record_failure(
    session: Session,
    *,
    source: str,
    url: str,
    reason: str,
    detail: str = "",
    run_id: int | None = None,
) -> None:
    """Remember a page that could not be fetched or stored."""
    session.add(
        Failure(run_id=run_id, source=source, url=url, reason=reason, detail=detail, at=_now())
    )
    session.flush()


def start_run(session: Session, *, now: datetime | None = None) -> int:
    """Open a crawl run in state 'running' and return its id."""
    run = CrawlRun(started_at=now or _now(), status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    counts: Mapping[str, SourceCounts],
    error: str | None = None,
) -> None:
    """Close a crawl run with its final status; ``counts`` replace those sources' tallies."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"a run finishes as one of {FINAL_STATUSES}, not {status!r}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run with id {run_id}")
    run.status = status
    run.finished_at = _now()
    run.error = error
    for source, source_counts in counts.items():
        add_run_counts(session, run_id, source, source_counts)
    _settle_new_and_duplicate(session, run_id)
    session.flush()


def _settle_new_and_duplicate(session: Session, run_id: int) -> None:
    """Count the run's new and duplicate articles as they stand at its end.

    A copy stored before its original (sources are crawled side by side) was new when stored
    and became a duplicate when the earlier-published original arrived; the run's counts say
    what it left in the store.
    """
    rows = session.execute(
        select(Source.name, Article.duplicate_of_id.is_not(None), func.count())
        .join(Source, Source.id == Article.source_id)
        .where(Article.first_run_id == run_id)
        .group_by(Source.name, Article.duplicate_of_id.is_not(None))
    )
    settled: dict[tuple[str, bool], int] = {(name, copy): count for name, copy, count in rows}
    for tally in session.scalars(select(CrawlRunSource).where(CrawlRunSource.run_id == run_id)):
        tally.new = settled.get((tally.source, False), 0)
        tally.duplicate = settled.get((tally.source, True), 0)


def add_run_counts(session: Session, run_id: int, source: str, counts: SourceCounts) -> None:
    """Write one source's tallies for a run, replacing any written before."""
    row = session.get(CrawlRunSource, (run_id, source))
    if row is None:
        row = CrawlRunSource(run_id=run_id, source=source)
        session.add(row)
    for tally in fields(SourceCounts):
        setattr(row, tally.name, getattr(counts, tally.name))
    session.flush()


def mark_stale_runs(
    session: Session,
    *,
    older_than: timedelta | None = STALE_RUN_AGE,
    now: datetime | None = None,
) -> int:
    """Mark runs left 'running' by a dead crawl process as 'aborted'; returns how many.

    Runs started more than ``older_than`` ago count as dead; ``older_than=None`` marks every
    running run, for callers that know no crawl is going on.
    """
    now = now or _now()
    stale = select(CrawlRun).where(CrawlRun.status == "running")
    if older_than is not None:
        stale = stale.where(CrawlRun.started_at < now - older_than)
    runs = session.scalars(stale).all()
    for run in runs:
        run.status = "aborted"
        run.finished_at = now
        run.error = "aborted: the crawl process stopped without finishing the run"
    session.flush()
    return len(runs)


def _now() -> datetime:
    return datetime.now(UTC)
