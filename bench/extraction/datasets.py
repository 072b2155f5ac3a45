"""Load the two public extraction benchmarks from ../shared/data (pages with ground truth)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UnreadablePage
from pipeline.extract import decode_html

# The project root's sibling `shared/data`, as the workplace lays it out.
DATA_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data"
ZYTE = "zyte-article-extraction-benchmark"
WCXB = "wcxb-dev-articles"


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: its HTML (decoded once, the same string for every extractor)."""

    dataset: str
    id: str
    url: str
    html: str
    truth: str
    with_snippets: tuple[str, ...] = field(default=())
    without_snippets: tuple[str, ...] = field(default=())


def available(root: Path = DATA_ROOT) -> list[str]:
    """The datasets present under root (none when ../shared is absent)."""
    return [name for name in (ZYTE, WCXB) if (root / name).is_dir()]


def load(name: str, root: Path = DATA_ROOT) -> Iterator[Page]:
    """Pages of one dataset, in id order."""
    if name == ZYTE:
        return _zyte(root / ZYTE)
    if name == WCXB:
        return _wcxb(root / WCXB)
    raise ValueError(f"unknown dataset {name!r}")


def _html(path: Path) -> str:
    try:
        return decode_html(gzip.decompress(path.read_bytes()))[0]
    except UnreadablePage:
        return ""


def _zyte(directory: Path) -> Iterator[Page]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        entry = truth[page_id]
        html = _html(directory / "html" / f"{page_id}.html.gz")
        yield Page(ZYTE, page_id, entry["url"], html, entry.get("articleBody") or "")


def _wcxb(directory: Path) -> Iterator[Page]:
    for path in sorted((directory / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        truth = record["ground_truth"]
        yield Page(
            WCXB,
            path.stem,
            record.get("url") or "",
            _html(directory / "html" / f"{path.stem}.html.gz"),
            truth.get("main_content") or "",
            tuple(truth.get("with") or ()),
            tuple(truth.get("without") or ()),
        )
