"""Source health: written per run and source, read back as each source's recent runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage.queries import recent_health
from storage.records import HealthFigures
from storage.repository import add_source_health, start_run

FIGURES = HealthFigures(
    pages=12,
    failed=1,
    articles=10,
    with_title=10,
    with_date=9,
    with_author=7,
    long_text=8,
    boilerplate=2,
    boilerplate_examples=("Watch every trailer first in our app.", "Follow us for more."),
)
START = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


def runs(session: Session, count: int) -> list[int]:
    """Ids of ``count`` runs started two hours apart, oldest first."""
    return [start_run(session, now=START + timedelta(hours=2 * n)) for n in range(count)]


def test_figures_come_back_as_written_with_the_run_start(db_session: Session) -> None:
    [run_id] = runs(db_session, 1)
    add_source_health(db_session, run_id, "variety", FIGURES)

    [row] = recent_health(db_session, runs=5)["variety"]

    assert (row.run_id, row.source, row.started_at) == (run_id, "variety", START)
    assert row.figures == FIGURES


def test_writing_again_replaces_a_runs_figures(db_session: Session) -> None:
    [run_id] = runs(db_session, 1)
    add_source_health(db_session, run_id, "variety", FIGURES)
    add_source_health(db_session, run_id, "variety", HealthFigures(pages=3, failed=3))

    [row] = recent_health(db_session, runs=5)["variety"]

    assert row.figures == HealthFigures(pages=3, failed=3)


def test_each_source_gives_its_latest_runs_newest_first(db_session: Session) -> None:
    ids = runs(db_session, 5)
    for n, run_id in enumerate(ids):
        add_source_health(db_session, run_id, "variety", HealthFigures(articles=n))
    # deadline was crawled in two of the runs only.
    for run_id in (ids[0], ids[3]):
        add_source_health(db_session, run_id, "deadline", FIGURES)

    recent = recent_health(db_session, runs=3)

    assert list(recent) == ["deadline", "variety"]
    assert [row.run_id for row in recent["variety"]] == [ids[4], ids[3], ids[2]]
    assert [row.figures.articles for row in recent["variety"]] == [4, 3, 2]
    assert [row.run_id for row in recent["deadline"]] == [ids[3], ids[0]]


def test_one_source_only(db_session: Session) -> None:
    ids = runs(db_session, 2)
    for run_id in ids:
        add_source_health(db_session, run_id, "variety", FIGURES)
        add_source_health(db_session, run_id, "deadline", FIGURES)

    recent = recent_health(db_session, runs=10, source="deadline")

    assert list(recent) == ["deadline"]
    assert [row.run_id for row in recent["deadline"]] == ids[::-1]
    assert recent_health(db_session, runs=10, source="nosuchsource") == {}
