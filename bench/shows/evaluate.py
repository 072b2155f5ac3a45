"""Show linking on the labelled headlines: precision and recall of (show, season) pairs, by
kind, and the look-up time per title against a catalogue of 10,000 shows.

    python -m bench.shows.evaluate --out bench/results/shows.json

The headlines (bench/shows/headlines.jsonl) and the catalogue the linker knows
(bench/shows/catalogue.json) were written by hand for this benchmark; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline.catalogue import FUZZY_CUTOFF, Catalogue, KnownShow, Scorer
from pipeline.linking import link_shows

HERE = Path(__file__).parent
HEADLINES = HERE / "headlines.jsonl"  # the set the linker was tuned on
HELDOUT = HERE / "heldout.jsonl"  # written blind to the linker; its misses were then studied
FINAL = HERE / "final.jsonl"  # written blind after that: scored once, then its misses studied
BLIND = HERE / "blind.jsonl"  # written blind last, scored once with the linker frozen
CATALOGUE = HERE / "catalogue.json"
LARGE_CATALOGUE = 10_000
SCORERS: dict[str, Scorer] = {
    "ratio": fuzz.ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "partial_ratio": fuzz.partial_ratio,
    "WRatio": fuzz.WRatio,
}
CUTOFFS = (80.0, 84.0, 88.0, 92.0)

Label = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class Headline:
    title: str
    labels: frozenset[Label]
    kind: str


def headlines(path: Path = HEADLINES) -> list[Headline]:
    """The labelled headlines."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Headline(
            row["title"],
            frozenset((label["show"], label["season"]) for label in row["shows"]),
            row["kind"],
        )
        for row in rows
    ]


def catalogue(
    path: Path = CATALOGUE, scorer: Scorer = fuzz.ratio, cutoff: float = FUZZY_CUTOFF
) -> Catalogue:
    """The shows the linker knows, as the benchmark gives them."""
    return Catalogue.of(
        (
            KnownShow(entry["name"], tuple(entry["aliases"]))
            for entry in json.loads(path.read_text(encoding="utf-8"))
        ),
        scorer,
        cutoff,
    )


def compare_scorers(items: Sequence[Headline]) -> list[dict[str, Any]]:
    """Precision and recall with each rapidfuzz scorer at a few cutoffs: how the one the
    linker uses was chosen (WRatio and token_set_ratio score a short name inside a long one
    as a match)."""
    rows = []
    for name, scorer in SCORERS.items():
        for cutoff in CUTOFFS:
            figures = score(items, catalogue(scorer=scorer, cutoff=cutoff))
            rows.append({"scorer": name, "cutoff": cutoff,
                         **{k: figures[k] for k in ("precision", "recall", "f1")}})  # fmt: skip
    return rows


def predicted(title: str, known: Catalogue) -> frozenset[Label]:
    return frozenset((match.name, match.season) for match in link_shows(title, known))


def score(items: Sequence[Headline], known: Catalogue) -> dict[str, Any]:
    """Pairwise precision, recall and F1 over (show, season), overall and by kind."""
    totals: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    misses = []
    for item in items:
        got = predicted(item.title, known)
        counts = Counter(
            tp=len(got & item.labels), fp=len(got - item.labels), fn=len(item.labels - got)
        )
        totals.update(counts)
        by_kind.setdefault(item.kind, Counter()).update(counts)
        if got != item.labels:
            misses.append({"title": item.title, "expected": sorted(item.labels, key=str),
                           "got": sorted(got, key=str), "kind": item.kind})  # fmt: skip
    return {
        "headlines": len(items),
        **_prf(totals),
        "by_kind": {kind: _prf(counts) for kind, counts in sorted(by_kind.items())},
        "misses": misses,
    }


def _prf(counts: Counter[str]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}  # fmt: skip


def large_catalogue(known: Catalogue, size: int = LARGE_CATALOGUE, seed: int = 1) -> Catalogue:
    """The benchmark's shows plus made-up ones (names built from the real names' words,
    seeded) up to ``size``: what lookup time is measured against."""
    rng = random.Random(seed)
    words = sorted({word for show in known.shows for word in show.name.split() if len(word) > 2})
    made: dict[str, KnownShow] = {show.name: show for show in known.shows}
    while len(made) < size:
        name = " ".join(rng.sample(words, rng.randint(2, 4)))
        made.setdefault(name, KnownShow(name))
    return Catalogue.of(made.values())


def timing(items: Sequence[Headline], known: Catalogue, rounds: int = 3) -> dict[str, float]:
    """Milliseconds per title (median and p95 over every title and round)."""
    times = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            link_shows(item.title, known)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3),
            "p95_ms": round(times[int(len(times) * 0.95)], 3)}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--misses",
        choices=("tuning", "heldout", "final", "blind"),
        help="print a set's wrong headlines",
    )
    args = parser.parse_args(argv)
    known = catalogue()
    sets = {
        "tuning": headlines(HEADLINES),
        "heldout": headlines(HELDOUT),
        "final": headlines(FINAL),
        "blind": headlines(BLIND),
    }
    result: dict[str, Any] = {name: score(items, known) for name, items in sets.items()}
    start = time.perf_counter()
    large = large_catalogue(known)
    result["catalogue_build_s_10k"] = round(time.perf_counter() - start, 2)
    everything = [item for items in sets.values() for item in items]
    result["lookup_10k"] = timing(everything, large)
    for name, items in sets.items():
        figures = score(items, large)
        result[name]["with_10k_catalogue"] = {k: v for k, v in figures.items() if k != "misses"}
        _print(name, result[name])
    print(f"10,000-show catalogue: {result['lookup_10k']} per title")
    result["scorers"] = compare_scorers([*sets["tuning"], *sets["heldout"]])
    print("scorers (tuning + held-out):")
    for row in result["scorers"]:
        print(f"  {row['scorer']:<17} ≥ {row['cutoff']:<4g}  P {row['precision']:.3f}  "
              f"R {row['recall']:.3f}  F1 {row['f1']:.3f}")  # fmt: skip
    if args.misses:
        for miss in result[args.misses]["misses"]:
            print(f"[{miss['kind']}] {miss['title']}")
            print(f"    want {miss['expected']}\n    got  {miss['got']}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def _print(name: str, result: dict[str, Any]) -> None:
    print(f"{name}: {result['headlines']} headlines: precision {result['precision']:.3f} "
          f"recall {result['recall']:.3f} F1 {result['f1']:.3f}")  # fmt: skip
    for kind, figures in result["by_kind"].items():
        print(f"  {kind:<14} P {figures['precision']:.3f}  R {figures['recall']:.3f}")
    large = result["with_10k_catalogue"]
    print(f"  with the 10,000-show catalogue: P {large['precision']:.3f} R {large['recall']:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
