"""Near-duplicate quality on the labelled pairs of bench.dedup.corpus: pairwise precision,
recall and F1 of Marquee's rule (LSH candidate + estimated containment >= threshold) for
several shingle sizes and band layouts, a threshold curve, and recall / false positives by kind.

    python -m bench.dedup.evaluate --out bench/results/dedup-quality.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.dedup import corpus
from bench.extraction import datasets
from pipeline import dedup

SHINGLE_SIZES = (1, 2, 3, 4, 5)
BAND_LAYOUTS = (16, 32, 64)  # bands of 128 permutations: 8, 4 and 2 rows each
THRESHOLDS = tuple(round(0.3 + 0.05 * step, 2) for step in range(14))  # 0.30 ... 0.95


@dataclass(frozen=True, slots=True)
class Scored:
    """One labelled pair under one setting: LSH candidate? estimated and exact containment."""

    label: bool
    kind: str
    candidate: bool
    estimate: float
    exact: float


def score_pairs(pairs: Sequence[corpus.Pair], shingle_words: int, bands: int) -> list[Scored]:
    """Every pair scored with signatures of the given shingle size and band layout."""
    cache: dict[str, tuple[dedup.Fingerprint, set[bytes]]] = {}

    def signed(text: str) -> tuple[dedup.Fingerprint, set[bytes]]:
        if text not in cache:
            normalised = dedup.normalise_text(text)
            cache[text] = (
                dedup.signature(normalised, shingle_words=shingle_words, bands=bands),
                dedup.word_shingles(normalised, shingle_words),
            )
        return cache[text]

    scored = []
    for pair in pairs:
        (a, a_set), (b, b_set) = signed(pair.a), signed(pair.b)
        estimate = dedup.similarity(a.minhash, a.shingles, b.minhash, b.shingles).containment
        smaller = min(len(a_set), len(b_set)) or 1
        scored.append(
            Scored(
                label=pair.label,
                kind=pair.kind,
                candidate=bool(set(a.bands) & set(b.bands)),
                estimate=estimate,
                exact=len(a_set & b_set) / smaller,
            )
        )
    return scored


def prf(scored: Sequence[Scored], threshold: float, *, exact: bool = False) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the rule at ``threshold``."""
    tp = fp = fn = 0
    for pair in scored:
        value = pair.exact if exact else pair.estimate
        predicted = (exact or pair.candidate) and value >= threshold
        tp += predicted and pair.label
        fp += predicted and not pair.label
        fn += not predicted and pair.label
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def by_kind(scored: Sequence[Scored], threshold: float) -> dict[str, dict[str, Any]]:
    """Per kind: positives' recall, negatives' false-positive count."""
    kinds: dict[str, dict[str, Any]] = {}
    for pair in scored:
        entry = kinds.setdefault(pair.kind, {"label": pair.label, "pairs": 0, "linked": 0})
        entry["pairs"] += 1
        entry["linked"] += pair.candidate and pair.estimate >= threshold
    return kinds


def main(argv: Sequence[str] | None = None) -> int:
    """Score every setting, print the tables and optionally save them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not datasets.available():
        print("no benchmark data under ../shared/data: nothing to measure")
        return 0
    pairs = corpus.pairs(args.seed)
    positives = sum(pair.label for pair in pairs)
    print(f"{len(pairs)} labelled pairs: {positives} copies, {len(pairs) - positives} not copies")
    chosen = (dedup.SHINGLE_WORDS, dedup.BANDS, dedup.MIN_CONTAINMENT)
    grid: list[dict[str, Any]] = []
    print("\nshingle words  bands  best threshold   P      R      F1   | at the chosen threshold")
    scored_chosen: list[Scored] = []
    for shingle_words in SHINGLE_SIZES:
        for bands in BAND_LAYOUTS:
            scored = score_pairs(pairs, shingle_words, bands)
            curve = {t: prf(scored, t) for t in THRESHOLDS}
            best = max(THRESHOLDS, key=lambda t: (curve[t]["f1"], t))
            at_chosen = prf(scored, chosen[2])
            grid.append(
                {"shingle_words": shingle_words, "bands": bands, "best_threshold": best,
                 "best": curve[best], "at_chosen_threshold": at_chosen}
            )  # fmt: skip
            print(
                f"{shingle_words:>13}  {bands:>5}  {best:>14.2f}  {curve[best]['precision']:.3f}  "
                f"{curve[best]['recall']:.3f}  {curve[best]['f1']:.3f} | "
                f"{at_chosen['precision']:.3f} {at_chosen['recall']:.3f} {at_chosen['f1']:.3f}"
            )
            if (shingle_words, bands) == chosen[:2]:
                scored_chosen = scored
    print(f"\nchosen: {chosen[0]}-word shingles, {chosen[1]} bands, containment >= {chosen[2]}")
    print("threshold   P (est)  R (est)  F1 (est) | P (exact) R (exact) F1 (exact)")
    curve_rows = []
    for threshold in THRESHOLDS:
        est, exact = prf(scored_chosen, threshold), prf(scored_chosen, threshold, exact=True)
        curve_rows.append({"threshold": threshold, "estimated": est, "exact": exact})
        print(
            f"{threshold:>9.2f}   {est['precision']:.4f}   {est['recall']:.4f}   {est['f1']:.4f} | "
            f"{exact['precision']:.4f}    {exact['recall']:.4f}    {exact['f1']:.4f}"
        )
    kinds = by_kind(scored_chosen, chosen[2])
    print("\nkind                 copies?  pairs  linked")
    for kind, entry in sorted(kinds.items(), key=lambda item: (not item[1]["label"], item[0])):
        print(f"{kind:<20} {entry['label']!s:<8} {entry['pairs']:>5}  {entry['linked']:>6}")
    if args.out:
        report = {
            "pairs": len(pairs),
            "positives": positives,
            "chosen": {"shingle_words": chosen[0], "bands": chosen[1], "threshold": chosen[2]},
            "at_chosen": prf(scored_chosen, chosen[2]),
            "grid": grid,
            "curve": curve_rows,
            "by_kind": kinds,
        }
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
