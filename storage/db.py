"""Engines, sessions and schema migrations: SQLite by default, or PostgreSQL through psycopg 3."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///marquee.db"

# How long a SQLite writer waits for another process's write to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per connection (the default is 2 MiB): the band-key index is written at random
# places, and a larger cache keeps its upper pages in memory as the store grows.
SQLITE_CACHE_KIB = 64 * 1024
# WAL pages written before SQLite copies them back into the database file (the default is 1,000).
# Band-key index pages are rewritten by batch after batch; a checkpoint copies each page once
# however many commits changed it, so fewer, larger checkpoints write far less (bench/dedup).
SQLITE_WAL_AUTOCHECKPOINT = 16_384

# Found through the installed package, so migrations run from a wheel without an alembic.ini.
MIGRATIONS_LOCATION = "storage:migrations"


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``: SQLite gets WAL, a busy timeout and foreign keys; others pre-ping.

    A ``read_only`` engine cannot write (SQLite's query_only, PostgreSQL's read-only
    transactions) and never takes SQLite's write lock, so a long read (an export) does not
    hold up a crawl.
    """
    parsed = _with_driver(make_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only)
    if not read_only:
        return create_engine(parsed, pool_pre_ping=True)
    # psycopg prepares a statement on its fifth run, and PostgreSQL may then plan it once for
    # any parameters: for a show-filtered export batch that generic plan walks every article
    # (bench/query). A reader's queries are too varied to gain from preparing anyway.
    engine = create_engine(parsed, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    return engine.execution_options(postgresql_readonly=True)


class StoreNotReady(RuntimeError):
    """The store to read does not exist, or its schema is older than this version's."""


def ready_engine(url: str, *, read_only: bool = True) -> Engine:
    """An engine on an existing store at the newest schema (only crawls and ``upgrade``
    create or migrate a store), read-only unless asked; StoreNotReady says what to run when
    the store is missing or outdated."""
    if sqlite_file_missing(url):
        raise StoreNotReady(f"no store at {display_url(url)}: run `marquee crawl` first")
    engine = make_engine(url, read_only=read_only)
    if not is_up_to_date(engine):
        engine.dispose()
        raise StoreNotReady(
            f"the store at {display_url(url)} needs a schema upgrade: run `marquee db upgrade`"
        )
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``."""
    return sessionmaker(bind=engine)


def _with_driver(url: URL) -> URL:
    # A bare postgresql:// means psycopg2 to SQLAlchemy, which is not installed; psycopg 3 is.
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_engine(url: URL, read_only: bool) -> Engine:
    if not read_only:
        _create_parent_directory(url)
    engine = create_engine(url)
    event.listen(engine, "connect", _configure_sqlite_connection)
    if read_only:
        event.listen(engine, "connect", _query_only)
        event.listen(engine, "begin", _begin_deferred)
    else:
        event.listen(engine, "begin", _begin_immediate)
    return engine


def _create_parent_directory(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # sqlite3's own transaction handling skips BEGIN before SELECT and SAVEPOINT, which breaks
    # savepoints and repeatable reads; SQLAlchemy emits BEGIN itself instead (_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets analysts read while a crawl writes. With WAL, synchronous=NORMAL keeps the
        # database consistent through a crash of the process or the machine; a power cut may
        # undo the last few commits (pages a later crawl fetches again), and a commit costs no
        # fsync: the crawler commits once per batch of pages.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # Storing a page reads (is this URL known?) and then writes. A deferred transaction that reads
    # first fails at once with "database is locked" when another crawl process wrote in between,
    # without waiting for the busy timeout; taking the write lock up front makes it wait instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _begin_deferred(connection: Connection) -> None:
    # A reader's transaction: a consistent snapshot of the WAL, and no lock that writers wait on.
    connection.exec_driver_sql("BEGIN")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_LOCATION)
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (the latest by default), in one transaction."""
    with _engine(url_or_engine) as engine, engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the newest packaged migration."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(heads)


@contextmanager
def _engine(url_or_engine: str | Engine) -> Iterator[Engine]:
    """The given engine, or a temporary one for a URL (disposed afterwards)."""
    if isinstance(url_or_engine, Engine):
        yield url_or_engine
        return
    engine = make_engine(url_or_engine)
    try:
        yield engine
    finally:
        engine.dispose()


def display_url(url: str) -> str:
    """The URL as it may be printed or logged: any password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def upsert_insert(dialect: str, model: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT of ``model`` that can take ON CONFLICT DO UPDATE (SQLite and PostgreSQL)."""
    if dialect == "sqlite":
        return sqlite.insert(model)
    if dialect == "postgresql":
        return postgresql.insert(model)
    raise NotImplementedError(f"upserts need SQLite or PostgreSQL, not {dialect}")


def sqlite_file_missing(url: str) -> bool:
    """Whether ``url`` names a SQLite file that does not exist (yet)."""
    prefix = "sqlite:///"
    return url.startswith(prefix) and not Path(url.removeprefix(prefix)).exists()
