"""Storage fixtures: a migrated database per backend and a rolled-back session per test."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from storage.db import make_engine, upgrade
from storage.records import ArticleRecord

POSTGRES_URL_VARIABLE = "MARQUEE_TEST_POSTGRES_URL"

# Every storage test runs on both; PostgreSQL is skipped when no server is configured.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]

RecordFactory = Callable[..., ArticleRecord]


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip("MARQUEE_TEST_POSTGRES_URL not set: PostgreSQL storage tests skipped")
    return url


@contextmanager
def scratch_database(backend: str, directory: Path) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{directory / 'marquee.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
    else:
        with _postgres_schema(postgres_url()) as engine:
            yield engine


@contextmanager
def _postgres_schema(url: str) -> Iterator[Engine]:
    """An engine whose connections live in a schema of their own, dropped afterwards."""
    schema = f"marquee_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(url)
    # insert=True: the search path must be set before SQLAlchemy asks for the default schema.
    event.listen(engine, "connect", _search_path_setter(schema), insert=True)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _search_path_setter(schema: str) -> Callable[[Any, Any], None]:
    def set_search_path(dbapi_connection: Any, _record: Any) -> None:
        # Outside any transaction, so that a later rollback cannot undo it.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(f'SET search_path TO "{schema}"')
        dbapi_connection.autocommit = autocommit

    return set_search_path


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database migrated to head once per test session and backend."""
    with scratch_database(request.param, tmp_path_factory.mktemp(request.param)) as engine:
        upgrade(engine)
        yield engine


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test, commits included."""
    with db_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database of its own with no tables, for migration tests."""
    with scratch_database(request.param, tmp_path) as engine:
        yield engine


FETCHED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def make_record() -> RecordFactory:
    """Build an ArticleRecord from a URL and a text; any other field can be overridden."""

    def build(
        url: str = "https://news.example/a", text: str = "Body.", **changes: Any
    ) -> ArticleRecord:
        record = ArticleRecord(
            source="example",
            canonical_url=url,
            urls=(url,),
            title="A title",
            author="A. Writer",
            published=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
            modified=None,
            tags=("drama",),
            language="en",
            text=text,
            text_hash=_text_hash(text),
            raw_html=f"<html><body><p>{text}</p></body></html>".encode(),
            encoding="utf-8",
            fetched_at=FETCHED_AT,
        )
        return replace(record, **changes)

    return build
