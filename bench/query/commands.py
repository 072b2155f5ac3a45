"""The `marquee` commands measured as child processes: `marquee export` in each format over
date windows of the store, `--per-show`, and a few end-to-end `marquee search` runs.

One child per measurement, started by a small launcher (bench.query.peak) so that its peak RSS
(ru_maxrss) is its own, with the wall time from start to exit. Each export is read back
(Parquet with pyarrow) and its row count compared with the store's count for the same filter.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleShow
from storage.queries import count_matching
from storage.records import ArticleFilter

MARQUEE = (sys.executable, "-m", "crawler.cli")
SUBSETS = (25_000, 50_000)  # articles in the smaller export windows (about)


@dataclass(frozen=True, slots=True)
class ExportCase:
    """One export to measure: a format over the articles published ``since`` to ``until``
    (whole UTC days, both included, as the CLI takes them), to one file or one per show."""

    label: str
    fmt: str
    since: date | None = None
    until: date | None = None
    per_show: bool = False

    def filters(self) -> ArticleFilter:
        """The same filter as an ArticleFilter, to count what the export should hold."""
        since = _midnight(self.since) if self.since else None
        until = _midnight(self.until) + timedelta(days=1) if self.until else None
        return ArticleFilter(since=since, until=until)


@dataclass(frozen=True, slots=True)
class Child:
    """How one child process ran."""

    seconds: float
    peak_rss_mib: float
    exit_code: int
    stderr: str


def run_child(args: Sequence[str]) -> Child:
    """Run ``args`` to the end through the bench.query.peak launcher (so that the peak RSS is
    the command's own, not this process's); its wall time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="marquee-child-") as directory:
        result = Path(directory) / "result.json"
        subprocess.run([sys.executable, "-m", "bench.query.peak", str(result), *args], check=False)
        ran = json.loads(result.read_text(encoding="utf-8"))
        stderr = result.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
    return Child(
        round(ran["seconds"], 2), round(ran["peak_rss_kib"] / 1024, 1), ran["exit_code"], stderr
    )


def export_cases(session: Session) -> list[ExportCase]:
    """Parquet over about 25k, 50k and all articles; CSV and JSON Lines over all; Parquet
    per show over all."""
    cases = [
        ExportCase(f"parquet ~{size // 1000}k", "parquet", since, until)
        for size, (since, until) in zip(SUBSETS, date_windows(session, SUBSETS), strict=True)
    ]
    return [
        *cases,
        ExportCase("parquet all", "parquet"),
        ExportCase("csv all", "csv"),
        ExportCase("jsonl all", "jsonl"),
        ExportCase("parquet per show, all", "parquet", per_show=True),
    ]


def date_windows(session: Session, sizes: Sequence[int]) -> list[tuple[date, date | None]]:
    """For each size, the days from the first publication day through the last day that keeps
    the originals published in them at or under ``size`` (None: the store has fewer)."""
    when = func.coalesce(Article.published, Article.first_seen)
    ordered = select(when).where(Article.duplicate_of_id.is_(None)).order_by(when)
    first: datetime = session.execute(ordered.limit(1)).scalar_one()
    windows = []
    for size in sizes:
        nth: datetime | None = session.execute(ordered.offset(size).limit(1)).scalar()
        last = _utc(nth).date() - timedelta(days=1) if nth else None
        windows.append((_utc(first).date(), last))
    return windows


def measure_export(session: Session, url: str, case: ExportCase, workdir: Path) -> dict[str, Any]:
    """Run one export, read what it wrote back, and compare with the store's count."""
    target = workdir / (case.label.replace(" ", "-").replace(",", "") + f".{case.fmt}")
    args = [*MARQUEE, "export", "--format", case.fmt, "--db", url]
    args += ["--per-show", str(target)] if case.per_show else ["--out", str(target)]
    if case.since:
        args += ["--since", case.since.isoformat()]
    if case.until:
        args += ["--until", case.until.isoformat()]
    # storage.db begins every SQLite transaction with BEGIN IMMEDIATE, reads included: an open
    # one here would hold the lock the export's own first read waits for.
    session.rollback()
    child = run_child(args)
    if child.exit_code != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({child.exit_code}):\n{child.stderr}")
    files = sorted(target.iterdir()) if case.per_show else [target]
    result = {
        "label": case.label,
        "format": case.fmt,
        "since": case.since.isoformat() if case.since else None,
        "until": case.until.isoformat() if case.until else None,
        "seconds": child.seconds,
        "peak_rss_mib": child.peak_rss_mib,
        "rows": sum(_rows(path, case.fmt) for path in files),
        "expected_rows": _expected_rows(session, case),
        "mib_written": round(sum(path.stat().st_size for path in files) / 2**20, 1),
    }
    if case.per_show:
        result["files"] = len(files)
        result["expected_files"] = _shows_with_articles(session)
    shutil.rmtree(target) if case.per_show else target.unlink()
    return result


def _rows(path: Path, fmt: str) -> int:
    if fmt == "parquet":
        return int(pq.read_table(path, columns=["id"]).num_rows)
    with path.open(encoding="utf-8", newline="") as file:
        if fmt == "csv":
            return sum(1 for _ in csv.reader(file)) - 1
        return sum(1 for line in file if line.strip())


def _expected_rows(session: Session, case: ExportCase) -> int:
    if not case.per_show:
        return count_matching(session, case.filters())
    # Per show, an article filed under several shows is in each of their files.
    pairs = (
        select(ArticleShow.article_id, ArticleShow.show_id)
        .distinct()
        .join(Article, Article.id == ArticleShow.article_id)
        .where(Article.duplicate_of_id.is_(None))
        .subquery()
    )
    return session.execute(select(func.count()).select_from(pairs)).scalar_one()


def _shows_with_articles(session: Session) -> int:
    query = (
        select(func.count(distinct(ArticleShow.show_id)))
        .join(Article, Article.id == ArticleShow.article_id)
        .where(Article.duplicate_of_id.is_(None))
    )
    return session.execute(query).scalar_one()


def measure_baseline() -> dict[str, Any]:
    """The command's fixed cost: `marquee export --help` (imports, no store)."""
    child = run_child([*MARQUEE, "export", "--help"])
    return {"seconds": child.seconds, "peak_rss_mib": child.peak_rss_mib}


def measure_cli_search(url: str, queries: Sequence[str]) -> list[dict[str, Any]]:
    """`marquee search QUERY --format json` end to end, one child each (process start and
    imports included)."""
    results = []
    for query in queries:
        child = run_child([*MARQUEE, "search", query, "--format", "json", "--db", url])
        results.append(
            {"query": query, "seconds": child.seconds, "peak_rss_mib": child.peak_rss_mib,
             "exit_code": child.exit_code}
        )  # fmt: skip
    return results


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
