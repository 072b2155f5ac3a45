"""Render records (plain dicts) as a table, JSON, JSON Lines or CSV for the CLI."""

from __future__ import annotations

import csv
import dataclasses
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, datetimes, enums and tuples into JSON-ready values (ISO 8601 dates)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def dumps(record: Mapping[str, Any], *, indent: int | None = None) -> str:
    """One record as JSON text (UTF-8 kept readable, not \\u-escaped)."""
    return json.dumps(to_jsonable(record), ensure_ascii=False, indent=indent)


def write_records(
    records: Iterable[Mapping[str, Any]],
    fmt: str,
    out: TextIO,
    *,
    columns: Sequence[str],
    title: str | None = None,
) -> None:
    """Write records in one of FORMATS; ``columns`` picks and orders the table and CSV columns."""
    if fmt == "jsonl":
        for record in records:
            out.write(dumps(record) + "\n")
    elif fmt == "json":
        out.write(json.dumps(to_jsonable(list(records)), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        _write_csv(records, out, columns)
    else:
        _write_table(records, out, columns, title)


def _cell(value: Any) -> str:
    """A flat text cell: lists joined with '; ', None as empty."""
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_csv(records: Iterable[Mapping[str, Any]], out: TextIO, columns: Sequence[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record.get(c)) for c in columns])


def csv_cell(value: Any) -> str:
    """CSV keeps lists and objects as JSON so they can be parsed back without ambiguity."""
    value = to_jsonable(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _write_table(
    records: Iterable[Mapping[str, Any]], out: TextIO, columns: Sequence[str], title: str | None
) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for record in records:
        table.add_row(*(_cell(record.get(c)) for c in columns))
    # A wide virtual console keeps tables readable when output is piped (no terminal width).
    console = Console(file=out, width=_width(out), soft_wrap=False)
    console.print(table)


def _width(out: TextIO) -> int:
    return 160 if not out.isatty() else Console().width


def text_block(title: str, body: str) -> str:
    """A headed block of text for printing several extracted pages one after another."""
    return f"==> {title} <==\n{body}\n"
