"""Extraction benchmark: Marquee's extractor and plain trafilatura on the same pages, same run.

python -m bench.extraction.run [--set zyte|wcxb] [--limit N] [--out bench/results/extraction.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trafilatura

from bench.extraction import datasets, metrics
from pipeline.errors import PipelineError
from pipeline.extract import extract

Extractor = Callable[[str, str], str]


def marquee(html: str, url: str) -> str:
    """Marquee's article text; a page it rejects (not an article, unreadable) predicts nothing."""
    try:
        return extract(html, url).text
    except PipelineError:
        return ""


def plain_trafilatura(html: str, url: str) -> str:
    """The reference: trafilatura.extract with its defaults, as the issue's figures were made."""
    return trafilatura.extract(html, url=url) or ""


def trafilatura_without_comments(html: str, url: str) -> str:
    """trafilatura as the data README's reference figures were measured (comments left out)."""
    return trafilatura.extract(html, url=url, include_comments=False) or ""


EXTRACTORS: dict[str, Extractor] = {
    "marquee": marquee,
    "trafilatura": plain_trafilatura,
    "traf-nocomm": trafilatura_without_comments,
}


@dataclass
class Tally:
    """Everything measured for one extractor on one dataset."""

    shingles: list[metrics.Counts] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    words: list[tuple[float, float, float]] = field(default_factory=list)
    with_found: list[int] = field(default_factory=lambda: [0, 0])
    without_leaked: list[int] = field(default_factory=lambda: [0, 0])
    ms: list[float] = field(default_factory=list)
    pages: dict[str, float] = field(default_factory=dict)  # page id -> the set's per-page F1

    def add(self, page: datasets.Page, predicted: str, ms: float) -> None:
        self.ms.append(ms)
        counts = metrics.shingle_counts(page.truth, predicted)
        self.shingles.append(counts)
        self.exact.append(metrics.exact_tokens(page.truth, predicted))
        prf = metrics.word_prf(page.truth, predicted)
        self.words.append(prf)
        found, total = metrics.snippet_hits(page.with_snippets, predicted)
        self.with_found = [self.with_found[0] + found, self.with_found[1] + total]
        leaked, total = metrics.snippet_hits(page.without_snippets, predicted)
        self.without_leaked = [self.without_leaked[0] + leaked, self.without_leaked[1] + total]
        self.pages[page.id] = prf[2] if page.dataset == datasets.WCXB else _page_f1(counts)

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {"pages": len(self.ms)}
        result["zyte"] = metrics.zyte_scores(self.shingles, self.exact)
        result["words"] = {
            key: statistics.mean(v[i] for v in self.words)
            for i, key in enumerate(("precision", "recall", "f1"))
        }
        result["with_kept"] = _ratio(self.with_found)
        result["without_leaked"] = _ratio(self.without_leaked)
        result["ms_median"] = statistics.median(self.ms)
        result["ms_p90"] = statistics.quantiles(self.ms, n=10)[-1] if len(self.ms) > 1 else 0.0
        return result


def _page_f1(c: metrics.Counts) -> float:
    return 2 * c.tp / (2 * c.tp + c.fp + c.fn) if c.tp else 0.0


def _ratio(pair: Sequence[int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


def run_dataset(name: str, limit: int | None) -> dict[str, Tally]:
    """Both extractors over one dataset, interleaved page by page so drift hits both alike."""
    tallies = {extractor: Tally() for extractor in EXTRACTORS}
    pages = list(datasets.load(name))[:limit]
    for extractor in EXTRACTORS.values():  # warm up imports and caches outside the timing
        extractor(pages[0].html, pages[0].url)
    names = list(EXTRACTORS)
    for index, page in enumerate(pages, 1):
        # The order rotates page by page, so that no extractor always runs first (cold) or last.
        shift = index % len(names)
        for extractor_name in names[shift:] + names[:shift]:
            extractor = EXTRACTORS[extractor_name]
            # A fresh string per extractor: CPython caches a str's UTF-8 form on first use,
            # which would hand every extractor after the first a free encoding step.
            html = page.html.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
            start = time.perf_counter()
            predicted = extractor(html, page.url)
            tallies[extractor_name].add(page, predicted, (time.perf_counter() - start) * 1000)
        if index % 50 == 0:
            print(f"  {name}: {index}/{len(pages)} pages", file=sys.stderr)
    return tallies


def print_table(name: str, summaries: dict[str, dict[str, Any]]) -> None:
    print(f"\n{name}")
    header = f"{'extractor':<12} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6} {'wordP':>6} {'wordR':>6}"
    print(header + f" {'wordF1':>6} {'with':>6} {'w/o':>6} {'ms p50':>7} {'ms p90':>7}")
    for extractor, s in summaries.items():
        z, w = s["zyte"], s["words"]
        snippets = [_fmt(s["with_kept"]), _fmt(s["without_leaked"])]
        print(
            f"{extractor:<12} {z['precision']:6.3f} {z['recall']:6.3f} {z['f1']:6.3f} "
            f"{z['accuracy']:6.3f} {w['precision']:6.3f} {w['recall']:6.3f} {w['f1']:6.3f} "
            f"{snippets[0]:>6} {snippets[1]:>6} {s['ms_median']:7.1f} {s['ms_p90']:7.1f}"
        )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["zyte", "wcxb"], action="append", dest="sets")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    names = {"zyte": datasets.ZYTE, "wcxb": datasets.WCXB}
    wanted = [names[s] for s in args.sets] if args.sets else list(names.values())
    present = [name for name in wanted if name in datasets.available()]
    if not present:
        print(f"no benchmark data under {datasets.DATA_ROOT}: nothing to measure", file=sys.stderr)
        return 0
    results: dict[str, Any] = {"run_at": datetime.now(UTC).isoformat(), "machine": _machine()}
    for name in present:
        tallies = run_dataset(name, args.limit)
        summaries = {extractor: tally.summary() for extractor, tally in tallies.items()}
        print_table(name, summaries)
        results[name] = {
            extractor: {**summaries[extractor], "per_page": tallies[extractor].pages}
            for extractor in tallies
        }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "trafilatura": trafilatura.__version__,
        "processor": platform.processor() or platform.machine(),
    }


if __name__ == "__main__":
    sys.exit(main())
