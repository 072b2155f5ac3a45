"""Throughput and memory of near-duplicate detection: N generated articles through signature +
LSH lookup + store, on SQLite and PostgreSQL, beside datasketch's in-memory MinHashLSH.

    python -m bench.dedup.throughput --articles 100000 --out bench/results/dedup-throughput.json

The articles (bench.dedup.corpus.synthetic_articles, seeded) are generated once into a file
before any timing starts; each engine then runs in a process of its own (so its peak RSS is
its own) and reads them from that file. Marquee computes signatures in a worker process, as
its crawler does (the extraction pool fingerprints each page), and stores in the main process
with storage.saving.save_articles, ``--batch`` articles per transaction (1: one per article).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from bench.dedup import corpus
from bench.extraction import datasets
from pipeline.dedup import fingerprint
from pipeline.types import Fingerprint

ENGINES = ("sqlite", "postgresql", "datasketch")
POSTGRES_URL_VARIABLE = "MARQUEE_BENCH_POSTGRES_URL"
CHECKPOINTS = (0.1, 0.5, 1.0)  # shares of the run at which RSS is sampled


def rss_mib(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its peak (VmHWM), in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def read_articles(path: Path) -> Iterator[tuple[str, str | None]]:
    """The generated articles, streamed from their file (one JSON [text, copy_of] per line)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text, copy_of = json.loads(line)
            yield text, copy_of


def _signed(items: list[tuple[str, str | None]]) -> list[tuple[str, str | None, Fingerprint]]:
    return [(text, copy_of, fingerprint(text)) for text, copy_of in items]


def signed_stream(
    pool: Pool, items: Iterator[tuple[str, str | None]], ahead: int, chunk: int = 256
) -> Iterator[tuple[str, str | None, Fingerprint]]:
    """Fingerprints from the worker, which runs up to ``ahead`` chunks in front of the caller
    while it stores: the two overlap, and memory holds ``ahead`` chunks at most (back-pressure)."""
    pending: collections.deque[AsyncResult[list[tuple[str, str | None, Fingerprint]]]]
    pending = collections.deque()
    while True:
        while len(pending) < ahead:
            batch = list(itertools.islice(items, chunk))
            if not batch:
                break
            pending.append(pool.apply_async(_signed, (batch,)))
        if not pending:
            return
        yield from pending.popleft().get()


def run_store(engine_name: str, path: Path, db_url: str, batch: int) -> dict[str, Any]:
    """Marquee's path: fingerprints from a worker process, then save_articles (band-key look-up,
    judge, insert) on ``batch`` articles per transaction, as the crawler's store does."""
    from pipeline.dedup import copy_similarity
    from storage.db import make_engine, make_sessionmaker, upgrade
    from storage.records import ArticleRecord, Outcome
    from storage.saving import save_articles

    upgrade(db_url)
    engine = make_engine(db_url)
    session = make_sessionmaker(engine)()
    fetched_at = datetime(2024, 5, 1, tzinfo=UTC)
    n = sum(1 for _ in read_articles(path))
    copies_found = 0
    samples: dict[str, float] = {}
    marks = {max(1, int(n * share)) for share in CHECKPOINTS}
    pending: list[tuple[ArticleRecord, bool]] = []
    context = multiprocessing.get_context("forkserver")
    start = time.perf_counter()
    with context.Pool(1) as pool:
        # The worker signs a whole batch ahead, so it never waits while a batch is stored.
        signed = signed_stream(pool, read_articles(path), ahead=batch // 256 + 2)
        for index, (text, copy_of, found) in enumerate(signed, start=1):
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
            pending.append((record, copy_of is not None))
            if len(pending) >= batch or index == n:
                with session.begin():
                    results = save_articles(session, [item for item, _ in pending], copy_similarity)
                for (_, is_copy), result in zip(pending, results, strict=True):
                    copies_found += is_copy and result.outcome is Outcome.DUPLICATE
                session.expunge_all()
                pending.clear()
            if index in marks:
                samples[str(index)] = round(rss_mib(), 1)
    elapsed = time.perf_counter() - start
    session.close()
    engine.dispose()
    return _result(f"{engine_name} (batch {batch})", n, elapsed, samples, copies_found)


def run_datasketch(path: Path) -> dict[str, Any]:
    """The in-memory reference: datasketch MinHash + MinHashLSH (insert and query each)."""
    from datasketch import MinHash, MinHashLSH

    from pipeline.dedup import BANDS, NUM_PERM, ROWS, SEED, normalise_text, shingle_hashes

    permutations = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    n = sum(1 for _ in read_articles(path))
    copies_found = 0
    samples: dict[str, float] = {}
    marks = {max(1, int(n * share)) for share in CHECKPOINTS}
    start = time.perf_counter()
    for index, (text, copy_of) in enumerate(read_articles(path), start=1):
        minhash = MinHash(
            num_perm=NUM_PERM,
            seed=SEED,
            hashfunc=int,
            permutations=permutations,
            scheme="affine32",
        )
        minhash.update_batch(shingle_hashes(normalise_text(text)).tolist())
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


def _child(engine: str, path: Path, batch: int) -> int:
    if engine == "datasketch":
        result = run_datasketch(path)
    elif engine == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            result = run_store(engine, path, f"sqlite:///{directory}/bench.db", batch)
    else:
        result = run_store(engine, path, _fresh_postgres_schema(), batch)
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
    parser.add_argument(
        "--batch", type=int, nargs="+", default=[1, 100],
        help="articles per transaction for the SQL engines (each value is a run)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not datasets.available():
        print("no benchmark data under ../shared/data: nothing to measure")
        return 0
    if args.child:
        return _child(args.child, args.input, args.batch[0])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "articles.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for item in corpus.synthetic_articles(args.articles):
                out.write(json.dumps(item) + "\n")
        results = _run_children(args, path)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _run_children(args: argparse.Namespace, path: Path) -> list[dict[str, Any]]:
    results = []
    runs = [
        (engine, batch)
        for engine in args.engines
        for batch in (args.batch if engine != "datasketch" else [0])
    ]
    for engine, batch in runs:
        if engine == "postgresql" and not os.environ.get(POSTGRES_URL_VARIABLE):
            print(f"postgresql skipped: set {POSTGRES_URL_VARIABLE} to a server URL")
            continue
        child = subprocess.run(
            [sys.executable, "-m", "bench.dedup.throughput", "--child", engine,
             "--input", str(path), "--batch", str(batch)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"{result['engine']:<22} {result['articles']:>7} articles  "
            f"{result['articles_per_s']:>8.1f}/s  peak RSS {result['peak_rss_mib']:>7.1f} MiB  "
            f"RSS at {result['rss_mib_at']}  copies found {result['copies_found']}",
            flush=True,
        )
    return results


if __name__ == "__main__":
    raise SystemExit(main())
