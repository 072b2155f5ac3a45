"""The packaged Alembic migrations: they build the schema the models describe, and undo it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from storage.db import alembic_config, current_revision, is_up_to_date, make_engine, upgrade
from storage.models import Base


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_an_empty_database_is_not_up_to_date(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)


def test_upgrade_head_builds_exactly_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert current_revision(empty_engine) == _head()
    assert is_up_to_date(empty_engine)
    with empty_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_downgrade_to_base_drops_every_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert inspect(empty_engine).get_table_names() == ["alembic_version"]
    assert current_revision(empty_engine) is None


def test_upgrade_takes_a_url_and_is_repeatable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        assert is_up_to_date(engine)
    finally:
        engine.dispose()
