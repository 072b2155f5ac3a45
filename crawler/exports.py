"""Article export files: CSV, JSON Lines and Parquet writers fed one ArticleRow at a time, so
an export of any size holds one batch in memory; each file appears only once it is complete."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import IO, Any, Protocol

from crawler import output
from crawler.exceptions import ExportError
from storage.records import ArticleRow

FORMATS = ("csv", "jsonl", "parquet")
COLUMNS = tuple(field.name for field in fields(ArticleRow))
# Rows per Parquet row group: some 10 MB of text, few enough groups for fast scans.
PARQUET_BATCH = 2_000


class ArticleWriter(Protocol):
    """Writes articles to one open file."""

    def write(self, row: ArticleRow) -> None:
        """Add one article."""

    def close(self) -> None:
        """Flush what is buffered and finish the file."""


class _CsvWriter:
    """One row per article; lists (urls, tags, shows) as JSON so they parse back exactly."""

    def __init__(self, file: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(file, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow(COLUMNS)

    def write(self, row: ArticleRow) -> None:
        record = output.to_jsonable(row)
        self._csv.writerow([output.csv_cell(record[column]) for column in COLUMNS])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the binary file stays open for export_file to close


class _JsonlWriter:
    """One JSON object per line, the fields of `marquee articles --format jsonl`."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def write(self, row: ArticleRow) -> None:
        self._file.write((output.dumps(output.to_jsonable(row)) + "\n").encode())

    def close(self) -> None:
        self._file.flush()


class _ParquetWriter:
    """Typed columns (timestamps in UTC, lists, shows as name/season structs), written one
    row group of PARQUET_BATCH articles at a time."""

    def __init__(self, file: IO[bytes]) -> None:
        pa, pq = _pyarrow()
        self._pa = pa
        self._schema = _parquet_schema(pa)
        self._writer = pq.ParquetWriter(file, self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, row: ArticleRow) -> None:
        record = {column: getattr(row, column) for column in COLUMNS}
        record["shows"] = [{"name": s.name, "season": s.season} for s in row.shows]
        self._rows.append(record)
        if len(self._rows) >= PARQUET_BATCH:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, self._schema))
            self._rows = []


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError("Parquet export needs pyarrow: pip install 'marquee[analysis]'") from exc
    return pa, pq


def _parquet_schema(pa: Any) -> Any:
    timestamp = pa.timestamp("us", tz="UTC")
    words = pa.list_(pa.string())
    show = pa.struct([("name", pa.string()), ("season", pa.int32())])
    types = {
        "id": pa.int64(), "urls": words, "published": timestamp, "modified": timestamp,
        "tags": words, "shows": pa.list_(show), "duplicate_of": pa.int64(),
        "revision": pa.int32(), "first_seen": timestamp, "similarity": pa.float64(),
    }  # fmt: skip
    return pa.schema([(column, types.get(column, pa.string())) for column in COLUMNS])


_WRITERS: dict[str, Callable[[IO[bytes]], ArticleWriter]] = {
    "csv": _CsvWriter,
    "jsonl": _JsonlWriter,
    "parquet": _ParquetWriter,
}


@contextmanager
def export_file(path: Path, fmt: str) -> Iterator[ArticleWriter]:
    """A writer to ``path`` in ``fmt``. The articles go to a temporary file beside it, which
    replaces ``path`` only when the export finishes: a failed or killed export leaves any
    earlier file as it was and no partial one."""
    if fmt == "parquet":
        _pyarrow()  # fail before creating anything
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            writer = _WRITERS[fmt](file)
            yield writer
            writer.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_articles(path: Path, fmt: str, rows: Iterable[ArticleRow]) -> int:
    """Export ``rows`` to ``path``; how many were written."""
    written = 0
    with export_file(path, fmt) as writer:
        for row in rows:
            writer.write(row)
            written += 1
    return written


def file_name(show: str, fmt: str, taken: set[str]) -> str:
    """A file name for a show's export: its name in lower case with runs of anything but
    letters and digits as one hyphen, made unique among ``taken`` (which it joins)."""
    stem = re.sub(r"[^\w]+", "-", show.casefold()).strip("-_") or "show"
    name, n = f"{stem}.{fmt}", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.{fmt}"
    taken.add(name)
    return name
