"""make_engine: SQLite settings and write lock, URL handling, UTC datetimes and foreign keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from storage.db import DEFAULT_URL, make_engine, make_sessionmaker, upgrade
from storage.models import Article, CrawlRun
from tests.storage.conftest import postgres_url


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    yield engine
    engine.dispose()


def _pragma(engine: Engine, name: str) -> Any:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_default_url_is_a_sqlite_file() -> None:
    assert DEFAULT_URL == "sqlite:///marquee.db"


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(sqlite_engine: Engine) -> None:
    assert _pragma(sqlite_engine, "journal_mode") == "wal"
    assert _pragma(sqlite_engine, "foreign_keys") == 1
    assert _pragma(sqlite_engine, "busy_timeout") == 30000


def test_sqlite_parent_directory_is_created(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'dir' / 'marquee.db'}")
    try:
        assert _pragma(engine, "journal_mode") == "wal"
    finally:
        engine.dispose()
    assert (tmp_path / "new" / "dir" / "marquee.db").is_file()


def test_sqlite_transactions_take_the_write_lock_when_they_begin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locks.db'}"
    first, second = make_engine(url), make_engine(url)
    # Fail fast instead of waiting the full busy timeout.
    event.listen(second, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=50"))
    try:
        with first.connect() as holder, second.connect() as waiter:
            holder.begin()
            with pytest.raises(OperationalError, match="locked"):
                waiter.begin()
    finally:
        first.dispose()
        second.dispose()


def test_a_long_read_does_not_hold_up_a_writer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reads.db'}"
    upgrade(url)
    reader, writer = make_engine(url, read_only=True), make_engine(url)
    event.listen(writer, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=50"))
    try:
        with reader.connect() as reading, writer.connect() as writing:
            reading.begin()  # an export's snapshot, open for as long as the export runs
            assert reading.execute(select(CrawlRun.id)).all() == []
            with writing.begin():
                writing.execute(insert(CrawlRun).values(started_at=datetime.now(UTC), status="ok"))
            # The reader keeps its snapshot until its transaction ends.
            assert reading.execute(select(CrawlRun.id)).all() == []
    finally:
        reader.dispose()
        writer.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_read_only_engine_cannot_write(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        url = postgres_url()
    else:
        url = f"sqlite:///{tmp_path / 'ro.db'}"
        upgrade(url)
    engine = make_engine(url, read_only=True)
    try:
        with engine.begin() as connection, pytest.raises(DBAPIError, match=r"read-?only"):
            connection.execute(text("CREATE TABLE intruder (id integer)"))
    finally:
        engine.dispose()


def test_bare_postgresql_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://user@localhost/marquee")
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping


def test_sessionmaker_binds_to_the_engine(sqlite_engine: Engine) -> None:
    with make_sessionmaker(sqlite_engine)() as session:
        assert session.get_bind() is sqlite_engine


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T12:00"),
        (datetime(2024, 5, 1, 12, 0), "2024-05-01T12:00"),  # naive: taken as UTC
    ],
)
def test_datetimes_come_back_in_utc(db_session: Session, stored: datetime, expected: str) -> None:
    db_session.add(CrawlRun(started_at=stored, status="running"))
    db_session.flush()
    db_session.expire_all()
    loaded = db_session.scalars(select(CrawlRun.started_at)).one()
    assert loaded.tzinfo == UTC
    assert loaded.isoformat(timespec="minutes") == f"{expected}+00:00"


def test_foreign_keys_are_enforced(db_session: Session) -> None:
    orphan = Article(
        source_id=999,
        canonical_url="https://news.example/orphan",
        text="",
        text_hash="",
        revision=1,
        first_seen=datetime.now(UTC),
        last_changed=datetime.now(UTC),
    )
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(orphan)
        db_session.flush()
