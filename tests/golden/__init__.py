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

from crawler.golden import golden_record, write_html, write_json

__all__ = ["GOLDEN_DIR", "OUTPUT_FIELDS", "GoldenCase", "golden_cases", "golden_record",
           "write_html", "write_json"]  # fmt: skip

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
