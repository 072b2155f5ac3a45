"""Search latency through ``storage.search.search`` in one long-lived session: one untimed pass
over the query set to warm the caches, then one timed pass; per kind and overall p50 / p95 /
max, the hits found, the time of each SQL statement a search sends, and the query plan of each
kind's slowest query (the evidence when a kind is slow).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from bench.query.queries import KINDS, BenchQuery
from storage.search import search

LIMIT = 20  # hits per search, the CLI's default


@dataclass(slots=True)
class Timing:
    """One timed search: wall time, hits, and the wall time of each statement it sent."""

    query: BenchQuery
    ms: float
    hits: int
    statement_ms: list[float] = field(default_factory=list)


class StatementClock:
    """Times each statement an engine sends, and keeps the statements of the latest search
    (to EXPLAIN them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        self.durations: list[float] = []
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements, self.durations = [], []

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(
        self, _conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any
    ) -> None:
        self._started = time.perf_counter()

    def _after(
        self, _conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any
    ) -> None:
        # SQLite's BEGIN IMMEDIATE (storage.db) goes through here too; only queries count.
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.durations.append((time.perf_counter() - self._started) * 1000)
            self.statements.append((statement, parameters))


def time_searches(session: Session, queries: Sequence[BenchQuery]) -> list[Timing]:
    """Every query once untimed, then once timed, in the same session."""
    for query in queries:
        search(session, query.text, query.filters, limit=LIMIT)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    clock = StatementClock(engine)
    timings = []
    try:
        for query in queries:
            clock.reset()
            start = time.perf_counter()
            hits = search(session, query.text, query.filters, limit=LIMIT)
            elapsed = (time.perf_counter() - start) * 1000
            timings.append(Timing(query, elapsed, len(hits), list(clock.durations)))
    finally:
        clock.close()
    return timings


def summary(timings: Sequence[Timing]) -> dict[str, Any]:
    """p50 / p95 / max per kind and over all queries, hits, statement times, slowest queries."""
    kinds = {kind: [t for t in timings if t.query.kind == kind] for kind in KINDS}
    return {
        "kinds": {kind: _figures(group) for kind, group in kinds.items() if group},
        "overall": _figures(timings),
        "slowest": [_described(timing) for timing in sorted(timings, key=lambda t: -t.ms)[:10]],
    }


def _figures(timings: Sequence[Timing]) -> dict[str, Any]:
    ms = np.array([timing.ms for timing in timings])
    hits = [timing.hits for timing in timings]
    # Statement i of a search: on SQLite 0 ranks, 1 makes snippets, 2+ load the articles.
    width = max(len(timing.statement_ms) for timing in timings)
    per_statement = [
        round(float(np.median([t.statement_ms[i] for t in timings if len(t.statement_ms) > i])), 2)
        for i in range(width)
    ]
    return {
        "queries": len(timings),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
        "mean_hits": round(sum(hits) / len(hits), 1),
        "empty": sum(hit == 0 for hit in hits),
        "statement_p50_ms": per_statement,
    }


def _described(timing: Timing) -> dict[str, Any]:
    filters = {
        name: str(value)
        for name, value in asdict(timing.query.filters).items()
        if value not in (None, False)
    }
    return {
        "kind": timing.query.kind,
        "query": timing.query.text,
        "filters": filters,
        "ms": round(timing.ms, 2),
        "hits": timing.hits,
        "statement_ms": [round(ms, 2) for ms in timing.statement_ms],
    }


def plans(session: Session, timings: Sequence[Timing]) -> dict[str, Any]:
    """For each kind's slowest query, the plan of the ranking statement (the first a search
    sends): SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    found: dict[str, Any] = {}
    for kind in KINDS:
        group = [timing for timing in timings if timing.query.kind == kind]
        if not group:
            continue
        slowest = max(group, key=lambda timing: timing.ms)
        clock = StatementClock(engine)
        try:
            search(session, slowest.query.text, slowest.query.filters, limit=LIMIT)
        finally:
            clock.close()
        statement, parameters = clock.statements[0]
        found[kind] = {**_described(slowest), "plan": _explain(session, statement, parameters)}
    return found


def _explain(session: Session, statement: str, parameters: Any) -> list[str]:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[-1] for row in rows]
    rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
    return [row[0] for row in rows]
