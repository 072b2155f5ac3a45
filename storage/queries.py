"""Analyst reads: articles, shows, crawl runs, source health and failures as the plain rows of
storage.records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Executable, Select, distinct, func, literal, select, union
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from storage.models import (
    Article,
    ArticleShow,
    CrawlRun,
    CrawlRunSource,
    Failure,
    Show,
    ShowAlias,
    Source,
    SourceHealth,
)
from storage.records import (
    ArticleFilter,
    ArticleRow,
    FailureRow,
    HealthFigures,
    HealthRow,
    PeriodCount,
    RunRow,
    ShowLink,
    ShowRow,
    SourceCounts,
    StoryMember,
    StoryRow,
)

_Query = TypeVar("_Query", bound=Executable)
_Columns = TypeVarTuple("_Columns")

EVERY_ARTICLE = ArticleFilter()  # no narrowing: every article that is not a copy


def list_articles(
    session: Session, filters: ArticleFilter = EVERY_ARTICLE, *, limit: int | None = None
) -> list[ArticleRow]:
    """Articles, newest published first (undated last), of those ``filters`` admit.

    A show matches by its name or any of its aliases, ignoring case (on SQLite, ASCII case
    only). Copies of other articles are left out unless the filter includes duplicates.
    """
    query = filter_articles(_article_rows(), filters)
    query = query.order_by(Article.published.desc().nulls_last(), Article.id).limit(limit)
    return [_article_row(article) for article in session.scalars(_fresh(query))]


def iter_articles(
    session: Session, filters: ArticleFilter = EVERY_ARTICLE, *, batch_size: int = 500
) -> Iterator[ArticleRow]:
    """Every article ``filters`` admit, by id, read ``batch_size`` at a time: memory stays
    flat however many there are (exports). Each batch is its own short query."""
    after = 0
    while True:
        query = filter_articles(_article_rows(), filters).where(Article.id > after)
        batch = list(session.scalars(_fresh(query.order_by(Article.id).limit(batch_size))))
        yield from (_article_row(article) for article in batch)
        if len(batch) < batch_size:
            return
        after = batch[-1].id
        session.expunge_all()


def count_matching(session: Session, filters: ArticleFilter = EVERY_ARTICLE) -> int:
    """How many articles ``filters`` admit."""
    query = filter_articles(select(func.count(Article.id)), filters)
    return session.scalar(query) or 0


def filter_articles(query: Select[*_Columns], filters: ArticleFilter) -> Select[*_Columns]:
    """``query`` (a select involving Article) narrowed to the articles ``filters`` admit."""
    if filters.show is not None:
        query = query.where(_filed_under(filters.show))
    if filters.source is not None:
        query = query.where(_from_source(filters.source))
    if not filters.include_duplicates:
        query = query.where(Article.duplicate_of_id.is_(None))
    when = func.coalesce(Article.published, Article.first_seen)
    if filters.since is not None:
        query = query.where(when >= filters.since)
    if filters.until is not None:
        query = query.where(when < filters.until)
    return query


def _article_rows() -> Select[Article]:
    """A select of articles with what an ArticleRow needs loaded alongside."""
    return select(Article).options(
        joinedload(Article.source),
        selectinload(Article.urls),
        selectinload(Article.show_links).joinedload(ArticleShow.show),
    )


def article_ids(
    session: Session, *, show: str | None = None, source: str | None = None
) -> list[int]:
    """Ids of every stored article (copies included), optionally of one show or one source."""
    query = select(Article.id)
    if show is not None:
        query = query.where(_filed_under(show))
    if source is not None:
        query = query.where(_from_source(source))
    return list(session.scalars(query.order_by(Article.id)))


def article_text_hash(session: Session, article_id: int) -> str | None:
    """The fingerprint of a stored article's current text."""
    return session.scalar(select(Article.text_hash).where(Article.id == article_id))


def _fresh(query: _Query) -> _Query:
    # The crawler's writes add rows without touching loaded collections; reload them all.
    return query.execution_options(populate_existing=True)


def _from_source(source: str) -> ColumnElement[bool]:
    # An IN over the source's id, not an EXISTS per article: the articles' source_id index
    # answers it without visiting each article row.
    return Article.source_id.in_(select(Source.id).where(Source.name == source))


def _filed_under(show: str) -> ColumnElement[bool]:
    wanted = func.lower(literal(show))
    shows = union(
        select(Show.id).where(func.lower(Show.name) == wanted),
        select(ShowAlias.show_id).where(func.lower(ShowAlias.alias) == wanted),
    )
    return Article.id.in_(select(ArticleShow.article_id).where(ArticleShow.show_id.in_(shows)))


def _article_row(article: Article) -> ArticleRow:
    # Stable sort: the canonical URL first, the others in the order they were first seen.
    urls = sorted((row.url for row in article.urls), key=lambda url: url != article.canonical_url)
    return ArticleRow(
        id=article.id,
        url=article.canonical_url,
        urls=tuple(urls),
        source=article.source.name,
        title=article.title,
        author=article.author,
        published=article.published,
        modified=article.modified,
        tags=tuple(article.tags),
        language=article.language,
        text=article.text,
        shows=_show_links(article),
        duplicate_of=article.duplicate_of_id,
        revision=article.revision,
        first_seen=article.first_seen,
        image=article.image,
        similarity=article.similarity,
    )


def _show_links(article: Article) -> tuple[ShowLink, ...]:
    """The shows (and seasons) an article with its show links loaded is filed under, sorted."""
    return sorted_links({ShowLink(link.show.name, link.season) for link in article.show_links})


def sorted_links(links: Iterable[ShowLink]) -> tuple[ShowLink, ...]:
    """Show links by show name, the season-less link before the numbered seasons."""
    return tuple(sorted(links, key=_show_link_order))


def _show_link_order(link: ShowLink) -> tuple[str, bool, int]:
    # By show name, the season-less link before the numbered seasons.
    return (link.name.casefold(), link.season is not None, link.season or 0)


def list_stories(
    session: Session, *, show: str | None = None, limit: int | None = None
) -> list[StoryRow]:
    """Story clusters (an original with at least one stored copy), newest original first,
    optionally those with an article filed under ``show`` (any alias, any case)."""
    originals = select(Article.duplicate_of_id).where(Article.duplicate_of_id.is_not(None))
    if show is not None:
        members = select(Article.id, Article.duplicate_of_id).where(_filed_under(show)).subquery()
        originals = originals.where(
            Article.duplicate_of_id.in_(select(members.c.id))
            | Article.duplicate_of_id.in_(select(members.c.duplicate_of_id))
        )
    query = (
        select(Article)
        .options(joinedload(Article.source))
        .where(Article.id.in_(originals))
        .order_by(Article.published.desc().nulls_last(), Article.id)
        .limit(limit)
    )
    stories = list(session.scalars(_fresh(query)))
    copies = session.scalars(
        select(Article)
        .options(joinedload(Article.source))
        .where(Article.duplicate_of_id.in_([story.id for story in stories]))
        .order_by(Article.published.asc().nulls_last(), Article.id)
    )
    by_original: dict[int, list[StoryMember]] = {}
    for copy in copies:
        assert copy.duplicate_of_id is not None
        by_original.setdefault(copy.duplicate_of_id, []).append(_story_member(copy))
    return [
        StoryRow(original=_story_member(story), copies=tuple(by_original.get(story.id, ())))
        for story in stories
    ]


def _story_member(article: Article) -> StoryMember:
    return StoryMember(
        id=article.id,
        source=article.source.name,
        url=article.canonical_url,
        title=article.title,
        published=article.published,
        similarity=article.similarity,
    )


def count_articles(session: Session) -> int:
    """How many articles the store holds (copies included)."""
    return session.scalar(select(func.count()).select_from(Article)) or 0


def list_shows(session: Session) -> list[ShowRow]:
    """Every show by name, with its aliases, how many original articles are filed under it and
    for which seasons, and its outside ids."""
    counts = _article_counts(session)
    seasons = _seasons(session)
    shows = session.scalars(
        _fresh(
            select(Show)
            .options(selectinload(Show.aliases))
            .order_by(func.lower(Show.name), Show.id)
        )
    )
    return [
        ShowRow(
            id=show.id,
            name=show.name,
            aliases=tuple(sorted({alias.alias for alias in show.aliases})),
            articles=counts.get(show.id, 0),
            seasons=tuple(sorted(seasons.get(show.id, ()))),
            external_ids=show.external_ids,
        )
        for show in shows
    ]


def _seasons(session: Session) -> dict[int, set[int]]:
    """Per show id, the seasons articles are filed under."""
    seasons: dict[int, set[int]] = {}
    rows = session.execute(
        select(ArticleShow.show_id, ArticleShow.season)
        .where(ArticleShow.season.is_not(None))
        .distinct()
    )
    for show_id, season in rows:
        if season is not None:
            seasons.setdefault(show_id, set()).add(season)
    return seasons


def _article_counts(session: Session) -> dict[int, int]:
    """Per show id, how many articles that are not copies are filed under it (any season)."""
    rows = session.execute(
        select(ArticleShow.show_id, func.count(distinct(ArticleShow.article_id)))
        .join(Article, Article.id == ArticleShow.article_id)
        .where(Article.duplicate_of_id.is_(None))
        .group_by(ArticleShow.show_id)
    )
    return {show_id: count for show_id, count in rows}


def get_run(session: Session, run_id: int) -> RunRow | None:
    """One crawl run with its per-source counts, or None if there is no such run."""
    run = session.scalar(
        _fresh(
            select(CrawlRun).where(CrawlRun.id == run_id).options(selectinload(CrawlRun.sources))
        )
    )
    return None if run is None else _run_row(run)


def list_runs(session: Session, limit: int | None = 20) -> list[RunRow]:
    """The latest crawl runs, newest first."""
    runs = session.scalars(
        _fresh(
            select(CrawlRun)
            .options(selectinload(CrawlRun.sources))
            .order_by(CrawlRun.id.desc())
            .limit(limit)
        )
    )
    return [_run_row(run) for run in runs]


def _run_row(run: CrawlRun) -> RunRow:
    return RunRow(
        id=run.id,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=run.status,
        counts={row.source: _source_counts(row) for row in run.sources},
        error=run.error,
    )


def _source_counts(row: CrawlRunSource) -> SourceCounts:
    return SourceCounts(**{tally.name: getattr(row, tally.name) for tally in fields(SourceCounts)})


def recent_health(
    session: Session, *, runs: int, source: str | None = None
) -> dict[str, list[HealthRow]]:
    """Per source (by name), the health figures of its latest ``runs`` crawl runs, newest
    first; of one source only with ``source``."""
    newest_first = func.row_number().over(
        partition_by=SourceHealth.source, order_by=SourceHealth.run_id.desc()
    )
    ranked = select(SourceHealth, newest_first.label("rank"))
    if source is not None:
        ranked = ranked.where(SourceHealth.source == source)
    recent = ranked.subquery()
    health = aliased(SourceHealth, recent)
    rows = session.execute(
        select(health, CrawlRun.started_at)
        .join(CrawlRun, CrawlRun.id == health.run_id)
        .where(recent.c.rank <= runs)
        .order_by(health.source, health.run_id.desc())
    )
    found: dict[str, list[HealthRow]] = {}
    for row, started_at in rows:
        found.setdefault(row.source, []).append(
            HealthRow(row.run_id, row.source, started_at, _health_figures(row))
        )
    return found


def _health_figures(row: SourceHealth) -> HealthFigures:
    figures = {figure.name: getattr(row, figure.name) for figure in fields(HealthFigures)}
    return HealthFigures(**{**figures, "boilerplate_examples": tuple(row.boilerplate_examples)})


def list_failures(
    session: Session, run_id: int | None = None, *, limit: int | None = None
) -> list[FailureRow]:
    """Recorded failures in the order they happened, of one run or of all runs."""
    query = select(Failure).order_by(Failure.id).limit(limit)
    if run_id is not None:
        query = query.where(Failure.run_id == run_id)
    return [
        FailureRow(
            id=failure.id,
            run_id=failure.run_id,
            source=failure.source,
            url=failure.url,
            stage=failure.stage,
            reason=failure.reason,
            detail=failure.detail,
            at=failure.at,
        )
        for failure in session.scalars(query)
    ]


def articles_per_period(
    session: Session, filters: ArticleFilter, *, by: str = "week"
) -> list[PeriodCount]:
    """Per source and week (from Monday) or month, how many articles ``filters`` admit were
    published then (undated ones count when first seen), in order of period then source."""
    if by not in ("week", "month"):
        raise ValueError(f"by must be week or month, not {by!r}")
    when = func.coalesce(Article.published, Article.first_seen)
    query = filter_articles(select(when, Source.name).join(Article.source), filters)
    counts: Counter[tuple[date, str]] = Counter()
    # Grouped here rather than in SQL: SQLite and PostgreSQL spell week starts differently,
    # and a show's articles number thousands at most.
    for published, source in session.execute(query):
        counts[(_period_start(published, by), source)] += 1
    return [PeriodCount(period, source, n) for (period, source), n in sorted(counts.items())]


def _period_start(moment: datetime, by: str) -> date:
    day = moment.date()
    return day.replace(day=1) if by == "month" else day - timedelta(days=day.weekday())
