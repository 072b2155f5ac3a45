"""`marquee schedule run` as a service would run it: a real scheduler process crawling two local
sites on a seconds-scale cadence, then stopped with SIGTERM."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.cli import cli

pytestmark = pytest.mark.crawl

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
RUNS_PER_SOURCE = 3
DEADLINE = 120  # seconds: far more than three short crawls of each site need


def runs_by_source(db_path: Path) -> dict[str, list[tuple[int, str, str, str | None, int, int]]]:
    """Per source: (run, status, started, finished, new, unchanged) in start order."""
    if not db_path.exists():
        return {}
    with sqlite3.connect(db_path) as conn:
        try:
            rows = conn.execute(
                "SELECT s.source, r.id, r.status, r.started_at, r.finished_at, s.new, s.unchanged"
                " FROM crawl_runs r JOIN crawl_run_sources s ON s.run_id = r.id ORDER BY r.id"
            ).fetchall()
        except sqlite3.OperationalError:  # the scheduler has not created the tables yet
            return {}
    found: dict[str, list[tuple[int, str, str, str | None, int, int]]] = {}
    for source, *run in rows:
        found.setdefault(source, []).append(tuple(run))  # type: ignore[arg-type]
    return found


@pytest.fixture(scope="module")
def scheduled(
    sites: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str, str]]:
    """A scheduler process over kdramabuzz (every 2s) and syndicator (every 2s, revisits due
    after 1s), stopped with SIGTERM once each source has run a few times."""
    tmp_path = tmp_path_factory.mktemp("schedule")
    sources = sites.write_sources(
        tmp_path / "sources.toml", ["kdramabuzz", "syndicator"], every="2s"
    )
    text = sources.read_text().replace('name = "syndicator"', 'name = "syndicator"\nrevisit = "1s"')
    sources.write_text(text)
    db_path = tmp_path / "marquee.db"
    db_url = f"sqlite:///{db_path}"
    sites.clear_hits()
    command = [sys.executable, "-m", "crawler.cli", "schedule", "run", "--sources", str(sources)]
    command += ["--db", db_url, *FAST]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    started = time.monotonic()
    try:
        while time.monotonic() - started < DEADLINE:
            finished = {
                source: [run for run in runs if run[3] is not None]
                for source, runs in runs_by_source(db_path).items()
            }
            if len(finished) == 2 and all(len(r) >= RUNS_PER_SOURCE for r in finished.values()):
                break
            if process.poll() is not None:
                break
            time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _out, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, errors
    yield db_path, db_url, errors


def test_each_source_runs_on_its_cadence_without_overlap(scheduled: tuple[Path, str, str]) -> None:
    db_path, _db_url, _log = scheduled
    runs = runs_by_source(db_path)
    assert set(runs) == {"kdramabuzz", "syndicator"}
    for source, source_runs in runs.items():
        assert len(source_runs) >= RUNS_PER_SOURCE, (source, source_runs)
        # Stopped runs are recorded as aborted; none is left "running".
        assert {status for _id, status, *_ in source_runs} <= {"ok", "aborted"}, source_runs
        finished = [run for run in source_runs if run[1] == "ok"]
        for earlier, later in itertools.pairwise(finished):
            assert earlier[3] is not None and earlier[3] <= later[2], (source, earlier, later)


def test_later_runs_revisit_incrementally(scheduled: tuple[Path, str, str], sites: Any) -> None:
    db_path, _db_url, _log = scheduled
    runs = runs_by_source(db_path)
    first, *later = [run for run in runs["kdramabuzz"] if run[1] == "ok"]
    assert first[4] == 4 and all(run[4] == 0 for run in later)
    # kdramabuzz's articles are fetched by its first run only: their revisit is days away.
    articles = [path for path in sites.hits("kdramabuzz") if path.startswith("/2024/05/")]
    assert len(articles) == len(set(articles))
    # syndicator's revisit is due after a second: later runs ask again and get 304s.
    assert any(run[5] == 3 for run in runs["syndicator"][1:]), runs["syndicator"]
    assert sites.not_modified("syndicator")


def test_schedule_list_shows_each_job_and_its_next_run(scheduled: tuple[Path, str, str]) -> None:
    db_path, db_url, _log = scheduled
    sources = db_path.parent / "sources.toml"
    result = CliRunner().invoke(
        cli, ["schedule", "list", "--sources", str(sources), "--db", db_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    jobs = {job["source"]: job for job in json.loads(result.output)}
    assert set(jobs) == {"kdramabuzz", "syndicator"}
    assert jobs["kdramabuzz"]["id"] == "crawl:kdramabuzz"
    assert jobs["kdramabuzz"]["cadence"] == "every 2s"
    assert jobs["kdramabuzz"]["next_run"] is not None
