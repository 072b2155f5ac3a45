"""The packaged Alembic migrations: they build the schema the models describe, and undo it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from storage.db import alembic_config, current_revision, is_up_to_date, make_engine, upgrade
from storage.models import Base, is_modelled
from storage.search import search


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_an_empty_database_is_not_up_to_date(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)


# SQLite cannot reflect expression indexes; is_modelled leaves that one out of the comparison.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_head_builds_exactly_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert current_revision(empty_engine) == _head()
    assert is_up_to_date(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": is_modelled})
        assert compare_metadata(context, Base.metadata) == []


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


def _insert_article(engine: Engine, body: str) -> None:
    """Article 1 of source 1, written with the columns every migration since 0001 has."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, name) VALUES (1, 'blog')"))
        connection.execute(
            text(
                "INSERT INTO articles (id, source_id, canonical_url, tags, text, text_hash, "
                "revision, first_seen, last_changed) VALUES (1, 1, 'https://blog.example/a', "
                "'[]', :body, 'hash', 1, :now, :now)"
            ),
            {"body": body, "now": datetime(2024, 5, 1, tzinfo=UTC)},
        )


def test_0002_keeps_existing_rows_both_ways(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0001")
    _insert_article(empty_engine, "Body.")
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT template_pages FROM sources")).all() == [(0,)]
        assert connection.execute(text("SELECT image FROM articles")).all() == [(None,)]
    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    assert "source_blocks" not in inspect(empty_engine).get_table_names()
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT id, canonical_url FROM articles")).all() == [
            (1, "https://blog.example/a")
        ]


def test_0008_indexes_the_articles_already_stored(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0007")
    _insert_article(empty_engine, "The zombies are back. Hyosan High reopens.")
    upgrade(empty_engine)
    with Session(empty_engine) as session:
        assert [hit.id for hit in search(session, "zombie")] == [1]
        assert [hit.id for hit in search(session, "hyosan")] == [1]
    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0007")
    names = inspect(empty_engine).get_table_names()
    assert not [name for name in names if name.startswith("articles_fts")]
    assert "search_vector" not in {c["name"] for c in inspect(empty_engine).get_columns("articles")}
