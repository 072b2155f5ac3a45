"""Crawl runs and failures: start, count, finish, abort stale runs, read them back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import CrawlRun
from storage.queries import get_run, list_failures, list_runs
from storage.records import ArticleRecord, FailureRow, Outcome, SourceCounts
from storage.repository import (
    add_run_counts,
    finish_run,
    mark_stale_runs,
    record_failure,
    start_run,
)
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]


def test_a_started_run_is_running_without_counts(db_session: Session) -> None:
    run = get_run(db_session, start_run(db_session))

    assert run is not None
    assert (run.status, run.finished_at, run.counts, run.error) == ("running", None, {}, None)
    assert run.started_at.tzinfo == UTC


def test_sources_write_their_own_counts_and_finish_replaces_them(db_session: Session) -> None:
    run_id = start_run(db_session)
    add_run_counts(db_session, run_id, "variety", SourceCounts(pages=3, updated=3))
    add_run_counts(db_session, run_id, "deadline", SourceCounts(pages=1, failed=1))
    add_run_counts(db_session, run_id, "variety", SourceCounts(pages=4, updated=3, unchanged=1))

    final = SourceCounts(pages=2, updated=1, failed=1)
    finish_run(db_session, run_id, status="ok", counts={"deadline": final})

    run = get_run(db_session, run_id)
    assert run is not None
    assert run.status == "ok"
    assert run.finished_at is not None
    assert run.counts == {
        "deadline": final,
        "variety": SourceCounts(pages=4, updated=3, unchanged=1),
    }


def test_new_and_duplicate_are_what_the_run_left_in_the_store(
    db_session: Session, make_record: RecordFactory
) -> None:
    run_id = start_run(db_session)
    # The copy is stored first (its source was quicker), then the earlier-published original.
    copy = make_record(
        "https://copier.example/a", text="Same story.", source="copier", run_id=run_id
    )
    assert save_article(db_session, copy).outcome is Outcome.NEW
    original = make_record(
        "https://origin.example/a",
        text="Same story.",
        source="origin",
        run_id=run_id,
        published=copy.published - timedelta(days=1),  # type: ignore[operator]
    )
    assert save_article(db_session, original).outcome is Outcome.NEW
    add_run_counts(db_session, run_id, "copier", SourceCounts(pages=1, new=1))
    add_run_counts(db_session, run_id, "origin", SourceCounts(pages=1, new=1))

    finish_run(db_session, run_id, status="ok", counts={})

    run = get_run(db_session, run_id)
    assert run is not None
    assert run.counts == {
        "copier": SourceCounts(pages=1, new=0, duplicate=1),
        "origin": SourceCounts(pages=1, new=1, duplicate=0),
    }


def test_a_failed_run_keeps_its_error(db_session: Session) -> None:
    run_id = start_run(db_session)
    finish_run(db_session, run_id, status="failed", counts={}, error="RuntimeError: boom")
    run = get_run(db_session, run_id)
    assert run is not None
    assert (run.status, run.error) == ("failed", "RuntimeError: boom")


def test_a_run_cannot_finish_as_running(db_session: Session) -> None:
    with pytest.raises(ValueError, match="running"):
        finish_run(db_session, start_run(db_session), status="running", counts={})


def test_the_schema_rejects_unknown_statuses(db_session: Session) -> None:
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(CrawlRun(started_at=datetime.now(UTC), status="paused"))
        db_session.flush()


def test_unknown_runs(db_session: Session) -> None:
    assert get_run(db_session, 4242) is None
    with pytest.raises(LookupError):
        finish_run(db_session, 4242, status="ok", counts={})


def test_runs_are_listed_newest_first(db_session: Session) -> None:
    ids = [start_run(db_session) for _ in range(3)]
    assert [run.id for run in list_runs(db_session)] == ids[::-1]
    assert [run.id for run in list_runs(db_session, limit=2)] == ids[:0:-1]


def test_stale_runs_are_marked_aborted(db_session: Session) -> None:
    now = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    old = start_run(db_session, now=now - timedelta(hours=30))
    recent = start_run(db_session, now=now - timedelta(hours=1))
    done = start_run(db_session, now=now - timedelta(hours=40))
    finish_run(db_session, done, status="ok", counts={})

    assert mark_stale_runs(db_session, older_than=timedelta(hours=24), now=now) == 1
    statuses = {run.id: run.status for run in list_runs(db_session)}
    assert statuses == {old: "aborted", recent: "running", done: "ok"}
    aborted = get_run(db_session, old)
    assert aborted is not None
    assert aborted.finished_at == now
    assert aborted.error

    assert mark_stale_runs(db_session, older_than=None) == 1
    assert {run.status for run in list_runs(db_session)} == {"aborted", "ok"}


def test_failures_are_recorded_and_listed_per_run(db_session: Session) -> None:
    run_id = start_run(db_session)
    record_failure(db_session, source="variety", url="https://a.example/1", reason="http-404")
    record_failure(
        db_session,
        source="variety",
        url="https://a.example/2",
        reason="timeout",
        detail="after 30s",
        run_id=run_id,
        stage="extract",
    )

    everything = list_failures(db_session)
    assert [failure.reason for failure in everything] == ["http-404", "timeout"]
    [failure] = list_failures(db_session, run_id)
    assert failure == FailureRow(
        id=failure.id,
        run_id=run_id,
        source="variety",
        url="https://a.example/2",
        stage="extract",
        reason="timeout",
        detail="after 30s",
        at=failure.at,
    )
    assert everything[0].stage == "fetch"  # the default
    assert failure.at.tzinfo == UTC
