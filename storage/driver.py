"""Hot-path statements run straight through the database driver, compiled once per dialect.

SQLAlchemy's per-row parameter handling costs more than SQLite's own work for the 32 band keys
each article writes and looks up. These statements take only integers and strings, which need
no conversion, so the compiled SQL and the driver's execute(many) are enough.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.sql.compiler import SQLCompiler


def execute_plain(
    connection: Connection,
    statement: Executable,
    columns: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """Run ``statement`` once per row of plain values (named by ``columns``, in that order);
    the rows it returns, if any."""
    if not rows:
        return []
    compiled = _compiled(statement, connection.dialect, columns)
    order = compiled.positiontup
    params: Any
    if order is None:  # named parameters (psycopg)
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    elif tuple(order) == columns:  # positional (sqlite3), already in order
        params = list(rows)
    else:
        where = [columns.index(name) for name in order]
        params = [tuple(row[i] for i in where) for row in rows]
    result = connection.exec_driver_sql(compiled.string, params[0] if len(params) == 1 else params)
    return [tuple(row) for row in result] if result.returns_rows else []


@functools.lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect: Dialect, columns: tuple[str, ...]) -> SQLCompiler:
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    return compiled
