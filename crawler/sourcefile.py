"""Edit the sources file in place (add, enable, disable, remove a source) with tomlkit, so that
its comments, order and layout survive; every edit is validated before it is written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from crawler.exceptions import SourceError
from crawler.sources import load_sources


def add_source(path: Path, entry: Mapping[str, Any]) -> None:
    """Append a [[sources]] table; a file that does not exist yet is created."""
    document = _read(path) if path.exists() else tomlkit.document()
    names = {str(table.get("name")) for table in _tables(document, path)}
    if entry["name"] in names:
        raise SourceError(f'{path}: a source named "{entry["name"]}" exists already')
    table = tomlkit.table()
    for key, value in entry.items():
        table.add(key, value)
    if "sources" not in document:
        document.append("sources", tomlkit.aot())
    tables = _tables(document, path)
    if len(tables) and not tables[-1].as_string().endswith("\n\n"):
        tables[-1].add(tomlkit.nl())  # a blank line between the last entry and the new one
    tables.append(table)
    _write(path, document)


def set_enabled(path: Path, name: str, enabled: bool) -> bool:
    """Turn a source on or off; False when it already was."""
    document = _read(path)
    table = _find(document, path, name)
    if bool(table.get("enabled", True)) == enabled:
        return False
    table["enabled"] = enabled
    _write(path, document)
    return True


def remove_source(path: Path, name: str) -> None:
    """Take a source out of the file (its stored articles stay in the store)."""
    document = _read(path)
    tables = _tables(document, path)
    table = _find(document, path, name)
    tables.remove(table)
    _write(path, document)


def _read(path: Path) -> TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such sources file") from None
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise SourceError(f"{path}: cannot edit the sources file: {exc}") from None


def _tables(document: TOMLDocument, path: Path) -> AoT:
    tables = document.get("sources", tomlkit.aot())
    if not isinstance(tables, AoT):
        raise SourceError(f'{path}: key "sources": expected [[sources]] tables')
    return tables


def _find(document: TOMLDocument, path: Path, name: str) -> Table:
    for table in _tables(document, path):
        if table.get("name") == name:
            return table
    known = ", ".join(str(table.get("name")) for table in _tables(document, path)) or "(none)"
    raise SourceError(f'{path}: no source named "{name}"; known sources: {known}')


def _write(path: Path, document: TOMLDocument) -> None:
    """Validate the edited file as `marquee crawl` will load it, then replace the old one at
    once (write to a temporary file, then rename), so a failed edit leaves the file as it was."""
    text = tomlkit.dumps(document)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_sources(temporary)
        except SourceError as exc:  # name the file being edited, not the scratch copy
            raise SourceError(str(exc).replace(temporary, str(path))) from None
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
