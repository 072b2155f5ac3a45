"""queries.list_articles and list_shows: filters, ordering, the rows they return, query counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.queries import list_articles, list_shows
from storage.records import ArticleFilter, ArticleRecord, ShowLink, ShowRef
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]

SEVERANCE = ShowRef("Severance", "severance", season=2)
MR_ROBOT = ShowRef("Mr. Robot", "mr robot")


def _save(session: Session, make_record: RecordFactory, url: str, **changes: Any) -> int:
    changes.setdefault("text", url)  # distinct texts, so no article is a copy by accident
    return save_article(session, make_record(url, **changes)).article_id


def _ids(session: Session, limit: int | None = None, **filters: Any) -> list[int]:
    return [row.id for row in list_articles(session, ArticleFilter(**filters), limit=limit)]


def test_an_article_row_carries_urls_canonical_first_and_sorted_shows(
    db_session: Session, make_record: RecordFactory
) -> None:
    canonical, amp = "https://a.example/story", "https://a.example/amp/story"
    shows = (SEVERANCE, MR_ROBOT, ShowRef("Severance", "severance"))
    _save(db_session, make_record, canonical, urls=(amp, canonical), shows=shows)

    [row] = list_articles(db_session)

    assert (row.url, row.urls, row.source) == (canonical, (canonical, amp), "example")
    assert row.shows == (
        ShowLink("Mr. Robot", None),
        ShowLink("Severance", None),
        ShowLink("Severance", 2),
    )
    assert (row.tags, row.revision, row.duplicate_of) == (("drama",), 1, None)
    assert row.published == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_articles_are_newest_first_undated_last(
    db_session: Session, make_record: RecordFactory
) -> None:
    undated = _save(db_session, make_record, "https://a.example/undated", published=None)
    old = _save(db_session, make_record, "https://a.example/old", published=datetime(2020, 1, 1))
    new = _save(db_session, make_record, "https://a.example/new", published=datetime(2024, 1, 1))
    tie = _save(db_session, make_record, "https://a.example/tie", published=datetime(2024, 1, 1))

    assert _ids(db_session) == [new, tie, old, undated]
    assert _ids(db_session, limit=2) == [new, tie]


def test_show_filter_matches_names_and_aliases_ignoring_case(
    db_session: Session, make_record: RecordFactory
) -> None:
    filed = _save(db_session, make_record, "https://a.example/1", shows=(SEVERANCE,))
    _save(db_session, make_record, "https://a.example/2", shows=(MR_ROBOT,))
    # A second spelling of the same show, known only as an alias of it.
    _save(db_session, make_record, "https://a.example/3", shows=(ShowRef("Severance", "sev"),))

    assert _ids(db_session, show="SEVERANCE") == [filed, filed + 2]
    assert _ids(db_session, show="mr. robot") == [filed + 1]
    assert _ids(db_session, show="Succession") == []


def test_source_filter(db_session: Session, make_record: RecordFactory) -> None:
    mine = _save(db_session, make_record, "https://a.example/1", source="variety")
    _save(db_session, make_record, "https://b.example/1", source="deadline")

    assert _ids(db_session, source="variety") == [mine]
    assert _ids(db_session, source="nobody") == []


def test_duplicates_are_hidden_unless_asked_for(
    db_session: Session, make_record: RecordFactory
) -> None:
    original = _save(db_session, make_record, "https://a.example/1", text="Wire story.")
    copy = _save(db_session, make_record, "https://b.example/1", text="Wire story.")

    assert _ids(db_session) == [original]
    rows = list_articles(db_session, ArticleFilter(include_duplicates=True))
    assert [(row.id, row.duplicate_of) for row in rows] == [(original, None), (copy, original)]


def test_rows_show_urls_and_revisions_added_in_the_same_session(
    db_session: Session, make_record: RecordFactory
) -> None:
    url, amp = "https://a.example/1", "https://a.example/amp/1"
    _save(db_session, make_record, url, text="First.")
    assert list_articles(db_session)[0].urls == (url,)

    _save(db_session, make_record, url, text="Second.", urls=(url, amp))
    [row] = list_articles(db_session)
    assert (row.urls, row.text, row.revision) == ((url, amp), "Second.", 2)


@contextmanager
def _counting_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_listing_articles_takes_the_same_number_of_queries_for_many(
    db_session: Session, make_record: RecordFactory
) -> None:
    _save(db_session, make_record, "https://a.example/0", shows=(SEVERANCE,))
    with _counting_statements(db_session) as one:
        list_articles(db_session)
    for number in range(1, 6):
        _save(db_session, make_record, f"https://a.example/{number}", shows=(SEVERANCE, MR_ROBOT))
    with _counting_statements(db_session) as many:
        assert len(list_articles(db_session)) == 6
    assert len(many) == len(one) <= 4


def test_list_shows_counts_original_articles_once_each(
    db_session: Session, make_record: RecordFactory
) -> None:
    both_seasons = (SEVERANCE, ShowRef("Severance", "severance", season=1))
    _save(db_session, make_record, "https://a.example/1", text="Story.", shows=both_seasons)
    _save(db_session, make_record, "https://b.example/1", text="Story.", shows=(SEVERANCE,))
    _save(db_session, make_record, "https://a.example/2", shows=(ShowRef("Severance", "sev"),))
    _save(db_session, make_record, "https://a.example/3", shows=(MR_ROBOT,))

    rows = list_shows(db_session)

    assert [(row.name, row.aliases, row.articles) for row in rows] == [
        ("Mr. Robot", ("Mr. Robot",), 1),
        ("Severance", ("Severance",), 2),
    ]
