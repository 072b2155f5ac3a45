"""Alembic environment: migrates the connection storage.db hands over, or a URL given as -x url=."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from storage.db import DEFAULT_URL, make_engine
from storage.models import Base, is_modelled


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Spell our column types as the plain types they store: migrations outlive the models."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=Base.metadata,
        render_item=render_item,
        include_object=is_modelled,
        **options,
    )


def _run_online(connection: Connection) -> None:
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    return url or context.config.get_main_option("sqlalchemy.url") or DEFAULT_URL


def _run_offline() -> None:
    _configure(url=_url(), literal_binds=True, render_as_batch=_url().startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_online(connection)
    elif context.is_offline_mode():
        _run_offline()
    else:
        engine = make_engine(_url())
        try:
            with engine.connect() as connection:
                _run_online(connection)
        finally:
            engine.dispose()


_main()
