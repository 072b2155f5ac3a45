"""Search latency and export cost on generated stores (bench.query.generate), per store:

    python -m bench.query.run --db sqlite:////tmp/marquee-bench.db \
        --db postgresql+psycopg://postgres@127.0.0.1:5432/marquee_bench \
        --out bench/results/query.json

- search: a seeded set of queries of several kinds (bench.query.queries) through
  storage.search.search in one session, after an untimed warm-up pass (bench.query.latency);
- cli-search: a few `marquee search` runs end to end, process start included;
- export: `marquee export` as child processes, wall time and peak RSS (bench.query.commands).

The results file keeps the "generation" figures bench.query.generate recorded in it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow
import sqlalchemy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.query import commands, latency
from bench.query.queries import query_set
from storage.db import display_url, make_engine, make_sessionmaker
from storage.models import Article, Show
from storage.queries import EVERY_ARTICLE

PARTS = ("search", "cli-search", "export")
TARGET_P95_MS = 50.0  # issue 8: search p95 on the 100k SQLite store
CLI_SEARCHES = 5


def measure_store(url: str, parts: Sequence[str], per_kind: int, seed: int) -> dict[str, Any]:
    """Every part asked for, on the store at ``url``."""
    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    try:
        result = _describe(session, url)
        queries = query_set(session, per_kind, seed)
        if "search" in parts:
            timings = latency.time_searches(session, queries)
            result["search"] = latency.summary(timings)
            result["plans"] = latency.plans(session, timings)
            _print_search(result)
        if "cli-search" in parts:
            session.rollback()  # SQLite: release the write lock BEGIN IMMEDIATE took
            plain = [query.text for query in queries if query.filters == EVERY_ARTICLE]
            picked = plain[:CLI_SEARCHES]
            result["cli_search"] = commands.measure_cli_search(url, picked)
        if "export" in parts:
            result["export"] = _exports(session, url)
        return result
    finally:
        session.close()
        engine.dispose()


def _describe(session: Session, url: str) -> dict[str, Any]:
    connection = session.connection()
    count = func.count(Article.id)
    return {
        "url": display_url(url),
        "dialect": connection.dialect.name,
        "server_version": _server_version(session),
        "articles": session.scalar(select(count)),
        "originals": session.scalar(select(count).where(Article.duplicate_of_id.is_(None))),
        "shows": session.scalar(select(func.count(Show.id))),
    }


def _server_version(session: Session) -> str:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return str(connection.exec_driver_sql("SELECT sqlite_version()").scalar())
    return str(connection.exec_driver_sql("SHOW server_version").scalar())


def _exports(session: Session, url: str) -> dict[str, Any]:
    cases = commands.export_cases(session)
    session.rollback()  # end the read transaction: the children write nothing, but SQLite's
    # BEGIN IMMEDIATE would hold the write lock while they run
    runs = []
    baseline = commands.measure_baseline()
    print(f"  export baseline (--help): {baseline}", flush=True)
    with tempfile.TemporaryDirectory(prefix="marquee-export-") as directory:
        for case in cases:
            run = commands.measure_export(session, url, case, Path(directory))
            session.rollback()
            runs.append(run)
            print(f"  export {run}", flush=True)
    return {"baseline": baseline, "runs": runs}


def _print_search(result: dict[str, Any]) -> None:
    print(f"{result['url']} ({result['dialect']} {result['server_version']}): search")
    rows = {**result["search"]["kinds"], "overall": result["search"]["overall"]}
    print(f"  {'kind':<10} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>6}")
    for kind, row in rows.items():
        print(
            f"  {kind:<10} {row['queries']:>4} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
            f"{row['max_ms']:>8.2f} {row['mean_hits']:>6.1f}",
            flush=True,
        )


def environment() -> dict[str, Any]:
    """Where and when the run was made."""
    return {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "pyarrow": pyarrow.__version__,
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each store and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="a store URL (repeatable)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--per-kind", type=int, default=34, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "environment": environment(),
        "target": {"search_p95_ms": TARGET_P95_MS},
        "stores": [measure_store(url, args.parts, args.per_kind, args.seed) for url in args.db],
    }
    results["environment"]["postgresql"] = next(
        (s["server_version"] for s in results["stores"] if s["dialect"] == "postgresql"), None
    )
    if args.out:
        _save(results, args.out)
    return 0


def _save(results: dict[str, Any], path: Path) -> None:
    """Write the results, keeping the generation figures already in the file."""
    if path.exists():
        earlier = json.loads(path.read_text(encoding="utf-8"))
        if "generation" in earlier:
            results = {"generation": earlier["generation"], **results}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
