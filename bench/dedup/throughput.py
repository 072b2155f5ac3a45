"""Throughput and memory of near-duplicate detection: N generated articles through signature +
LSH lookup + store, on SQLite and PostgreSQL, beside datasketch's in-memory MinHashLSH.

    python -m bench.dedup.throughput --articles 100000 --out bench/results/dedup-throughput.json

Each engine runs in a process of its own (so peak RSS is its own), over the same generated
articles (bench.dedup.corpus.synthetic_articles, seeded).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dedup import corpus
from bench.extraction import datasets

ENGINES = ("sqlite", "postgresql", "datasketch")
POSTGRES_URL_VARIABLE = "MARQUEE_BENCH_POSTGRES_URL"
CHECKPOINTS = (0.1, 0.5, 1.0)  # shares of the run at which RSS is sampled


def rss_mib(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its peak (VmHWM), in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_store(engine_name: str, n: int, db_url: str) -> dict[str, Any]:
    """Marquee's path: fingerprint, then save_article (band-key lookup, judge, insert) per
    article in its own transaction, as the crawler does."""
    from pipeline.dedup import copy_similarity, fingerprint
    from storage.db import make_engine, make_sessionmaker, upgrade
    from storage.records import ArticleRecord, Outcome
    from storage.repository import save_article

    upgrade(db_url)
    engine = make_engine(db_url)
    session = make_sessionmaker(engine)()
    fetched_at = datetime(2024, 5, 1, tzinfo=UTC)
    copies_found = 0
    samples: dict[str, float] = {}
    marks = {max(1, int(n * share)) for share in CHECKPOINTS}
    start = time.perf_counter()
    for index, (text, copy_of) in enumerate(corpus.synthetic_articles(n), start=1):
        found = fingerprint(text)
        url = f"https://site{index % 50}.example/story-{index}"
        record = ArticleRecord(
            source=f"site{index % 50}",
            canonical_url=url,
            urls=(url,),
            title=None,
            author=None,
            published=None,
            modified=None,
            tags=(),
            language="en",
            text=text,
            text_hash=found.text_hash,
            minhash=found.minhash,
            shingles=found.shingles,
            bands=found.bands,
            raw_html=b"",
            encoding="utf-8",
            fetched_at=fetched_at,
        )
        with session.begin():
            result = save_article(session, record, copy_similarity)
        session.expunge_all()
        copies_found += copy_of is not None and result.outcome is Outcome.DUPLICATE
        if index in marks:
            samples[str(index)] = round(rss_mib(), 1)
    elapsed = time.perf_counter() - start
    session.close()
    engine.dispose()
    return _result(engine_name, n, elapsed, samples, copies_found)


def run_datasketch(n: int) -> dict[str, Any]:
    """The in-memory reference: datasketch MinHash + MinHashLSH (insert and query each)."""
    import zlib

    from datasketch import MinHash, MinHashLSH

    from pipeline.dedup import BANDS, NUM_PERM, ROWS, SEED, normalise_text, word_shingles

    permutations = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    copies_found = 0
    samples: dict[str, float] = {}
    marks = {max(1, int(n * share)) for share in CHECKPOINTS}
    start = time.perf_counter()
    for index, (text, copy_of) in enumerate(corpus.synthetic_articles(n), start=1):
        minhash = MinHash(
            num_perm=NUM_PERM,
            seed=SEED,
            hashfunc=zlib.crc32,
            permutations=permutations,
            scheme="affine32",
        )
        minhash.update_batch(word_shingles(normalise_text(text)))
        if lsh.query(minhash):
            copies_found += copy_of is not None
        lsh.insert(str(index), minhash)
        if index in marks:
            samples[str(index)] = round(rss_mib(), 1)
    elapsed = time.perf_counter() - start
    return _result("datasketch", n, elapsed, samples, copies_found)


def _result(
    engine: str, n: int, elapsed: float, samples: dict[str, float], copies_found: int
) -> dict[str, Any]:
    return {
        "engine": engine,
        "articles": n,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(n / elapsed, 1),
        "peak_rss_mib": round(rss_mib("VmHWM"), 1),
        "rss_mib_at": samples,
        "copies_found": copies_found,
    }


def _child(engine: str, n: int) -> int:
    if engine == "datasketch":
        result = run_datasketch(n)
    elif engine == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            result = run_store(engine, n, f"sqlite:///{directory}/bench.db")
    else:
        result = run_store(engine, n, _fresh_postgres_schema())
    print(json.dumps(result))
    return 0


def _fresh_postgres_schema() -> str:
    """A new, empty schema on the benchmark's PostgreSQL server, as a URL."""
    from storage.db import make_engine

    server = os.environ[POSTGRES_URL_VARIABLE]
    schema = f"marquee_bench_{int(time.time())}"
    admin = make_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    return f"{server}?options=-csearch_path%3D{schema}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run each engine in a child process and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not datasets.available():
        print("no benchmark data under ../shared/data: nothing to measure")
        return 0
    if args.child:
        return _child(args.child, args.articles)
    results = []
    for engine in args.engines:
        if engine == "postgresql" and not os.environ.get(POSTGRES_URL_VARIABLE):
            print(f"postgresql skipped: set {POSTGRES_URL_VARIABLE} to a server URL")
            continue
        child = subprocess.run(
            [sys.executable, "-m", "bench.dedup.throughput", "--child", engine,
             "--articles", str(args.articles)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"{engine:<11} {result['articles']:>7} articles  {result['articles_per_s']:>8.1f}/s  "
            f"peak RSS {result['peak_rss_mib']:>7.1f} MiB  RSS at {result['rss_mib_at']}  "
            f"copies found {result['copies_found']}",
            flush=True,
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
