"""The crawler's other writes and look-ups: source templates, re-extracted articles, crawl runs,
source health, failures (saving fetched articles is storage/saving.py; stories,
storage/stories.py)."""

# Nothing here commits: the caller wraps each page in ``with session.begin():`` so that a crawl
# killed mid-page leaves no half-written rows. Functions flush when they need generated ids.

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, undefer

from storage.db import upsert_insert
from storage.models import (
    Article,
    ArticleUrl,
    CrawlRun,
    CrawlRunSource,
    Failure,
    Revision,
    Source,
    SourceBlock,
    SourceHealth,
)
from storage.records import (
    ArticleContent,
    HealthFigures,
    SourceCounts,
    StoredPage,
)
from storage.saving import URL_BATCH, ensure_source, set_bands, set_content
from storage.shows import replace_links

FINAL_STATUSES = ("ok", "failed", "aborted")

# A run still 'running' after this long is taken to belong to a crawl process that died.
STALE_RUN_AGE = timedelta(hours=24)


# A text block is part of a source's template (its sidebars, footer, stock lines) when it was
# seen on at least TEMPLATE_MIN_PAGES of the source's distinct articles and on at least
# TEMPLATE_SHARE of them. Two articles may share a paragraph by chance (a quote, a cast list);
# three sharing it is the site. The share keeps a large source's template to what most of its
# pages carry, and lets blocks a redesign removed fall out of it as new articles come in.
TEMPLATE_MIN_PAGES = 3
TEMPLATE_SHARE = 0.3


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` at which some stored article was already seen."""
    pending = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(pending), URL_BATCH):
        batch = pending[start : start + URL_BATCH]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(batch))))
    return found


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
    insert = upsert_insert(dialect, SourceBlock)
    return insert.on_conflict_do_update(
        index_elements=[SourceBlock.source_id, SourceBlock.fingerprint],
        set_={"pages": SourceBlock.pages + 1, "last_seen": insert.excluded.last_seen},
    )


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
    set_content(article, fields)
    set_bands(session, article_id, fields.bands)
    latest = session.scalars(
        select(Revision).where(Revision.article_id == article_id).order_by(Revision.number.desc())
    ).first()
    if latest is not None:
        latest.text, latest.text_hash, latest.title = fields.text, fields.text_hash, fields.title
        latest.modified = fields.modified
    shows_changed = replace_links(session, article_id, fields.shows)
    session.flush()
    return before != _extracted_fields(article) or shows_changed


def _extracted_fields(article: Article) -> tuple[object, ...]:
    return (
        article.title, article.author, article.published, article.modified, tuple(article.tags),
        article.language, article.image, article.text_hash,
    )  # fmt: skip


def record_failure(
    session: Session,
    *,
    source: str,
    url: str,
    reason: str,
    detail: str = "",
    run_id: int | None = None,
    stage: str = "fetch",
) -> None:
    """Remember a page that could not be fetched, extracted or stored."""
    session.add(
        Failure(
            run_id=run_id, source=source, url=url, stage=stage, reason=reason, detail=detail,
            at=_now(),
        )
    )  # fmt: skip
    session.flush()


def start_run(
    session: Session,
    *,
    now: datetime | None = None,
    host: str | None = None,
    pid: int | None = None,
) -> int:
    """Open a crawl run in state 'running', run by process ``pid`` on ``host``; its id."""
    run = CrawlRun(started_at=now or _now(), status="running", host=host, pid=pid)
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


def add_source_health(session: Session, run_id: int, source: str, figures: HealthFigures) -> None:
    """Write one source's health figures for a run, replacing any written before."""
    row = session.get(SourceHealth, (source, run_id))
    if row is None:
        row = SourceHealth(source=source, run_id=run_id)
        session.add(row)
    for figure in fields(HealthFigures):
        setattr(row, figure.name, getattr(figures, figure.name))
    row.boilerplate_examples = list(figures.boilerplate_examples)
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
    stale = select(CrawlRun.id).where(CrawlRun.status == "running")
    if older_than is not None:
        stale = stale.where(CrawlRun.started_at < now - older_than)
    run_ids = session.scalars(stale).all()
    error = "aborted: the crawl process stopped without finishing the run"
    abort_runs(session, run_ids, error, now=now)
    return len(run_ids)


def running_runs(session: Session) -> list[tuple[int, str | None, int | None]]:
    """(id, host, pid) of every run still marked running."""
    rows = session.execute(
        select(CrawlRun.id, CrawlRun.host, CrawlRun.pid).where(CrawlRun.status == "running")
    )
    return [(run_id, host, pid) for run_id, host, pid in rows]


def abort_runs(
    session: Session, run_ids: Iterable[int], error: str, *, now: datetime | None = None
) -> None:
    """Mark runs aborted, with why."""
    now = now or _now()
    for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(list(run_ids)))):
        run.status, run.finished_at, run.error = "aborted", now, error
    session.flush()


def _now() -> datetime:
    return datetime.now(UTC)
