"""Write the labelled near-duplicate pairs as JSON lines and print how many of each kind.

python -m bench.dedup.make_set [--out bench/results/dedup-pairs.jsonl] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bench.dedup import corpus
from bench.extraction import datasets

DEFAULT_OUT = Path("bench/results/dedup-pairs.jsonl")
_WORD = re.compile(r"\w+")


def main(argv: Sequence[str] | None = None) -> int:
    """Make the pairs for one seed, write them to --out, print counts per kind and label."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not datasets.available():
        print(f"no data sets under {datasets.DATA_ROOT}: nothing to do")
        return 0
    pairs = corpus.pairs(args.seed)
    write(pairs, args.out)
    print(f"{len(pairs)} pairs from {len(corpus.articles())} articles, seed {args.seed}")
    print(f"written to {args.out}\n")
    print(summary(pairs))
    return 0


def write(pairs: Sequence[corpus.Pair], out: Path) -> None:
    """One JSON object per line: a, b, label, kind, a_id, b_id."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")


def summary(pairs: Sequence[corpus.Pair]) -> str:
    """A table: per kind, its label, the pair count and the pairs' word-set Jaccard."""
    by_kind: defaultdict[tuple[bool, str], list[float]] = defaultdict(list)
    for pair in pairs:
        by_kind[(pair.label, pair.kind)].append(word_jaccard(pair.a, pair.b))
    lines = [f"{'kind':<20} {'label':<6} {'pairs':>6} {'jacc min':>9} {'mean':>6} {'max':>6}"]
    for label, kind in sorted(by_kind, key=lambda key: (not key[0], key[1])):
        values = by_kind[(label, kind)]
        mean = sum(values) / len(values)
        lines.append(
            f"{kind:<20} {label!s:<6} {len(values):>6} {min(values):>9.2f} {mean:>6.2f} "
            f"{max(values):>6.2f}"
        )
    for label in (True, False):
        total = sum(len(v) for (lab, _), v in by_kind.items() if lab == label)
        lines.append(f"{'all':<20} {label!s:<6} {total:>6}")
    return "\n".join(lines)


def word_jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' sets of lowercased words."""
    x, y = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x | y else 1.0


if __name__ == "__main__":
    sys.exit(main())
