"""Golden files: a page as fetched (gzipped HTML) and what the pipeline makes of it (JSON), the
fixtures each source's tests compare the pipeline's output with (tests/golden/)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from pipeline.types import Processed


def golden_record(processed: Processed) -> dict[str, Any]:
    """The output fields of a processed page, as they are stored in a golden .json."""
    extracted = processed.extracted
    return {
        "title": extracted.title,
        "author": extracted.author,
        "published": extracted.published.isoformat() if extracted.published else None,
        "modified": extracted.modified.isoformat() if extracted.modified else None,
        "tags": list(extracted.tags),
        "language": extracted.language,
        "canonical_url": processed.identity.canonical_url,
        "text": extracted.text,
        "shows": [{"name": show.name, "season": show.season} for show in processed.shows],
    }


def write_html(path: Path, html: str) -> None:
    """Gzip a page reproducibly (no timestamp in the header, so a rewrite changes no bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(html.encode("utf-8"), mtime=0))


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def save_golden(directory: Path, name: str, url: str, html: str, processed: Processed) -> Path:
    """Write ``<directory>/<name>.html.gz`` and its ``.json`` (the page's URL and output)."""
    write_html(directory / f"{name}.html.gz", html)
    json_path = directory / f"{name}.json"
    write_json(json_path, {"url": url, **golden_record(processed)})
    return json_path
