"""queries.articles_per_period: weeks from Monday and months in UTC, undated articles at first
seen, copies left out, and the filters narrowing what is counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage.queries import articles_per_period
from storage.records import ArticleFilter, ArticleRecord, PeriodCount, ShowRef
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]

DEAD = ShowRef("All of Us Are Dead", "all of us are dead")
SQUID = ShowRef("Squid Game", "squid game")


def _save(session: Session, make_record: RecordFactory, url: str, **changes: Any) -> int:
    changes.setdefault("text", url)  # distinct texts, so no article is a copy by accident
    return save_article(session, make_record(url, **changes)).article_id


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _counts(session: Session, by: str = "week", **filters: Any) -> dict[tuple[date, str], int]:
    rows = articles_per_period(session, ArticleFilter(**filters), by=by)
    return {(row.period, row.source): row.articles for row in rows}


def test_weeks_start_on_monday_in_utc(db_session: Session, make_record: RecordFactory) -> None:
    monday, next_monday = date(2024, 4, 29), date(2024, 5, 6)
    assert (monday.weekday(), next_monday - monday) == (0, timedelta(days=7))
    east = timezone(timedelta(hours=2))
    published = {
        "wednesday": _utc(2024, 5, 1, 9),
        "sunday-last-second": _utc(2024, 5, 5, 23, 59, 59),
        # Monday 01:00 at UTC+2 is still Sunday in UTC: the earlier week.
        "monday-east": datetime(2024, 5, 6, 1, 0, tzinfo=east),
        "monday-midnight": _utc(2024, 5, 6),
    }
    for slug, when in published.items():
        _save(db_session, make_record, f"https://a.example/{slug}", published=when)

    rows = articles_per_period(db_session, ArticleFilter(), by="week")

    assert rows == [PeriodCount(monday, "example", 3), PeriodCount(next_monday, "example", 1)]


def test_months_start_on_the_first(db_session: Session, make_record: RecordFactory) -> None:
    published = {
        "jan-last-hour": _utc(2024, 1, 31, 23),
        "feb-first": _utc(2024, 2, 1),
        "leap-day": _utc(2024, 2, 29, 12),
        "april": _utc(2024, 4, 15),
    }
    for slug, when in published.items():
        _save(db_session, make_record, f"https://a.example/{slug}", published=when)

    assert _counts(db_session, by="month") == {
        (date(2024, 1, 1), "example"): 1,
        (date(2024, 2, 1), "example"): 2,
        (date(2024, 4, 1), "example"): 1,  # March had none: no row, the chart fills the gap
    }


def test_an_undated_article_counts_when_first_seen(
    db_session: Session, make_record: RecordFactory
) -> None:
    seen = _utc(2024, 3, 14, 8)  # a Thursday: its week began on Monday the 11th
    _save(db_session, make_record, "https://a.example/undated", published=None, fetched_at=seen)

    assert _counts(db_session) == {(date(2024, 3, 11), "example"): 1}
    assert _counts(db_session, by="month") == {(date(2024, 3, 1), "example"): 1}


def test_rows_are_ordered_by_period_then_source(
    db_session: Session, make_record: RecordFactory
) -> None:
    for source, day in (("zeta", 1), ("alpha", 8), ("zeta", 8), ("alpha", 1), ("mid", 8)):
        url = f"https://{source}.example/{day}"
        _save(db_session, make_record, url, source=source, published=_utc(2024, 7, day))

    rows = articles_per_period(db_session, ArticleFilter(), by="week")

    keys = [(row.period, row.source) for row in rows]
    assert keys == sorted(keys)
    assert sum(row.articles for row in rows) == 5


def test_copies_are_left_out_unless_asked_for(
    db_session: Session, make_record: RecordFactory
) -> None:
    when = _utc(2024, 6, 3)
    _save(db_session, make_record, "https://a.example/s", text="Same story.", published=when)
    copy = make_record(
        "https://b.example/s", text="Same story.", source="other", published=when, shows=(DEAD,)
    )
    assert save_article(db_session, copy).duplicate_of is not None

    assert _counts(db_session) == {(date(2024, 6, 3), "example"): 1}
    assert _counts(db_session, include_duplicates=True) == {
        (date(2024, 6, 3), "example"): 1,
        (date(2024, 6, 3), "other"): 1,
    }


def test_filters_narrow_by_show_source_and_dates(
    db_session: Session, make_record: RecordFactory
) -> None:
    articles = [
        ("a", DEAD, _utc(2024, 6, 3)),
        ("a", DEAD, _utc(2024, 6, 10)),
        ("b", DEAD, _utc(2024, 6, 10)),
        ("b", SQUID, _utc(2024, 6, 10)),
        ("a", DEAD, _utc(2024, 6, 17)),
    ]
    for n, (source, show, when) in enumerate(articles):
        url = f"https://{source}.example/{n}"
        _save(db_session, make_record, url, source=source, shows=(show,), published=when)
    june_10 = date(2024, 6, 10)

    # Any alias, any case: here the name in another case.
    assert sum(_counts(db_session, show="ALL OF US ARE DEAD").values()) == 4
    assert _counts(db_session, show="Squid Game") == {(june_10, "b"): 1}
    assert _counts(db_session, show="All of Us Are Dead", source="b") == {(june_10, "b"): 1}
    window = {"since": _utc(2024, 6, 10), "until": _utc(2024, 6, 17)}  # until is exclusive
    assert _counts(db_session, **window) == {(june_10, "a"): 1, (june_10, "b"): 2}


def test_no_articles_give_no_rows(db_session: Session) -> None:
    assert articles_per_period(db_session, ArticleFilter(), by="month") == []


def test_an_unknown_period_is_refused(db_session: Session) -> None:
    with pytest.raises(ValueError, match="week or month"):
        articles_per_period(db_session, ArticleFilter(), by="day")
