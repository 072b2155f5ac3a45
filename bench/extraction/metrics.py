"""The benchmarks' own scores: Zyte's token 4-gram shingles, WCXB's word bags and snippets."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Counts:
    """One page's shingle matches, normalised to sum to 1 so that every page weighs the same."""

    tp: float
    fp: float
    fn: float


def shingle_counts(truth: str, predicted: str, n: int = 4) -> Counts:
    """Zyte: multisets of token n-grams (tokens are \\w+ matches, case kept)."""
    true_grams, pred_grams = _ngrams(truth, n), _ngrams(predicted, n)
    tp = sum((true_grams & pred_grams).values())
    fp = sum((pred_grams - true_grams).values())
    fn = sum((true_grams - pred_grams).values())
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


def _ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = WORD.findall(text or "")
    # A text shorter than n tokens is one (short) shingle, as in the benchmark's own scorer.
    spans = range(max(1, len(tokens) - n + 1))
    return Counter(tuple(tokens[i : i + n]) for i in spans if tokens[i : i + n])


def _precision(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return 0.0 if c.tp == c.fp == 0 else c.tp / (c.tp + c.fp)


def _recall(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return 0.0 if c.tp == c.fn == 0 else c.tp / (c.tp + c.fn)


def zyte_scores(pages: Sequence[Counts], exact: Sequence[bool]) -> dict[str, float]:
    """Precision over pages with a prediction, recall over pages with a truth, F1 of the two."""
    precision = statistics.mean([_precision(c) for c in pages if c.tp + c.fp > 0] or [0.0])
    recall = statistics.mean([_recall(c) for c in pages if c.tp + c.fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": _share(exact)}


def exact_tokens(truth: str, predicted: str) -> bool:
    """Zyte's accuracy: the predicted token list equals the truth's."""
    return WORD.findall(truth or "") == WORD.findall(predicted or "")


def word_prf(truth: str, predicted: str) -> tuple[float, float, float]:
    """WCXB: precision, recall, F1 of lowercased word bags."""
    true_bag = Counter(WORD.findall(truth.lower()))
    pred_bag = Counter(WORD.findall(predicted.lower()))
    if not true_bag and not pred_bag:
        return 1.0, 1.0, 1.0
    overlap = sum((true_bag & pred_bag).values())
    precision = overlap / sum(pred_bag.values()) if pred_bag else 0.0
    recall = overlap / sum(true_bag.values()) if true_bag else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def snippet_hits(snippets: Sequence[str], predicted: str) -> tuple[int, int]:
    """How many snippets occur in the prediction (case-insensitive substring), out of how many."""
    text = predicted.lower()
    return sum(s.lower() in text for s in snippets), len(snippets)


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
