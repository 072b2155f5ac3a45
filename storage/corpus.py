"""The Python API for analysts and notebooks: open a store, read its articles, shows, stories,
search hits and counts as typed dataclasses, and turn any result into a pandas DataFrame.

    from storage.corpus import Corpus
    with Corpus("sqlite:///marquee.db") as corpus:
        df = corpus.articles(show="All of Us Are Dead", since="2024-01-01").to_pandas()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

from sqlalchemy.orm import Session

from storage import queries, search
from storage.db import DEFAULT_URL, StoreNotReady, make_sessionmaker, ready_engine
from storage.records import (
    ArticleFilter,
    ArticleRow,
    PeriodCount,
    SearchHit,
    ShowRow,
    StoryRow,
)

if TYPE_CHECKING:
    import pandas

__all__ = ["Corpus", "Filters", "Rows", "StoreNotReady", "article_filter"]

T = TypeVar("T")
Day = date | datetime | str  # a date (a whole UTC day), a datetime, or either in ISO 8601


class Filters(TypedDict, total=False):
    """The keyword filters every article query takes."""

    show: str | None  # any of a show's names, any case
    source: str | None
    since: Day | None
    until: Day | None  # a date includes that day
    include_duplicates: bool  # copies are left out unless True


class Rows(tuple[T, ...], Generic[T]):
    """A query's result: a tuple of dataclass rows that can become a DataFrame."""

    def to_pandas(self) -> pandas.DataFrame:
        """One DataFrame row per result row, one column per field (nested values as lists of
        dicts). Needs pandas: pip install 'marquee[analysis]'."""
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("to_pandas() needs pandas: pip install 'marquee[analysis]'") from exc
        records = [_plain(row) for row in self]
        return pandas.DataFrame.from_records(records)


def _plain(row: Any) -> dict[str, Any]:
    # asdict turns nested dataclasses into dicts but keeps tuples: lists read better in pandas.
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(row).items()
    }


class Corpus:
    """A read-only view of a Marquee store; each call runs in a short transaction of its own
    and returns plain rows, so results stay usable after the corpus is closed."""

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self._engine = ready_engine(url)  # StoreNotReady when missing or outdated
        self._sessions = make_sessionmaker(self._engine)

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store's connections."""
        self._engine.dispose()

    def articles(self, *, limit: int | None = None, **wanted: Unpack[Filters]) -> Rows[ArticleRow]:
        """Articles, newest published first, that the filters admit."""
        filters = article_filter(**wanted)
        return self._read(lambda session: queries.list_articles(session, filters, limit=limit))

    def iter_articles(self, **wanted: Unpack[Filters]) -> Iterator[ArticleRow]:
        """Every article the filters admit, oldest stored first, read in batches: for stores
        too large to hold in memory at once."""
        filters = article_filter(**wanted)
        with self._sessions() as session:
            yield from queries.iter_articles(session, filters)

    def search(self, query: str, *, limit: int = 20, **wanted: Unpack[Filters]) -> Rows[SearchHit]:
        """Full-text search, best match first (the query language of `marquee search`)."""
        filters = article_filter(**wanted)
        return self._read(lambda session: search.search(session, query, filters, limit=limit))

    def shows(self) -> Rows[ShowRow]:
        """Every show with its aliases, article count and seasons."""
        return self._read(queries.list_shows)

    def stories(self, *, show: str | None = None, limit: int | None = None) -> Rows[StoryRow]:
        """Story clusters (an original and its copies), newest first."""
        return self._read(lambda session: queries.list_stories(session, show=show, limit=limit))

    def articles_per_period(
        self, *, by: str = "week", **wanted: Unpack[Filters]
    ) -> Rows[PeriodCount]:
        """Per week (from Monday) or month and source, how many articles were published."""
        filters = article_filter(**wanted)
        return self._read(lambda session: queries.articles_per_period(session, filters, by=by))

    def _read(self, query: Callable[[Session], list[T]]) -> Rows[T]:
        with self._sessions() as session, session.begin():
            return Rows(query(session))


def article_filter(
    *,
    show: str | None = None,
    source: str | None = None,
    since: Day | None = None,
    until: Day | None = None,
    include_duplicates: bool = False,
) -> ArticleFilter:
    """An ArticleFilter from friendly arguments: a date is a whole UTC day (``until``
    included), a datetime an exact moment (``until`` excluded; naive means UTC)."""
    return ArticleFilter(
        show=show,
        source=source,
        since=_moment(since, next_day=False),
        until=_moment(until, next_day=True),
        include_duplicates=include_duplicates,
    )


def _moment(value: Day | None, *, next_day: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    start = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return start + timedelta(days=1) if next_day else start
