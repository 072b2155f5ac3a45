"""Golden files: for each source, pages as fetched (``<source>/<name>.html.gz``) and what the
pipeline must make of them (``<source>/<name>.json``).

The JSON holds the page's ``url`` (the input), the expected output (title, author, published,
modified, tags, language, canonical_url, text, shows) and, optionally, ``pending``: fields whose
expected value the pipeline does not produce yet, each with the reason. Those values are written
by hand and kept by ``scripts/regenerate_golden.py``; ``tests/test_golden.py`` expects them to
fail until the pipeline is fixed, and to be taken out of ``pending`` then.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.types import Processed

GOLDEN_DIR = Path(__file__).parent
OUTPUT_FIELDS: tuple[str, ...] = (
    "title",
    "author",
    "published",
    "modified",
    "tags",
    "language",
    "canonical_url",
    "text",
    "shows",
)


@dataclass(frozen=True, slots=True)
class GoldenCase:
    """One golden page: ``<source>/<name>.html.gz`` and its ``.json``."""

    source: str
    name: str

    @property
    def html_path(self) -> Path:
        return GOLDEN_DIR / self.source / f"{self.name}.html.gz"

    @property
    def json_path(self) -> Path:
        return GOLDEN_DIR / self.source / f"{self.name}.json"

    @property
    def id(self) -> str:
        return f"{self.source}/{self.name}"

    def html(self) -> str:
        return gzip.decompress(self.html_path.read_bytes()).decode("utf-8")

    def expected(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.json_path.read_text(encoding="utf-8"))
        return data


def golden_cases() -> list[GoldenCase]:
    """Every page under tests/golden/, by source then name."""
    return [
        GoldenCase(path.parent.name, path.name.removesuffix(".html.gz"))
        for path in sorted(GOLDEN_DIR.glob("*/*.html.gz"))
    ]


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
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
