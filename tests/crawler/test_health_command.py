"""`marquee health` on a store whose runs were recorded directly: formats, filters, exit status."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from crawler.cli import cli
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.records import HealthFigures
from storage.repository import add_source_health, start_run

HEALTHY = HealthFigures(pages=12, articles=10, with_title=10, with_date=10, long_text=9)
RELAID = HealthFigures(
    pages=12,
    articles=10,
    with_title=10,
    with_date=1,
    long_text=9,
    boilerplate=4,
    boilerplate_examples=("Get the Streamline Daily app for every trailer first.",),
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["health", *args], catch_exceptions=False)


def store(tmp_path: Path, runs: dict[str, list[HealthFigures]]) -> str:
    """A store whose sources had these figures in successive runs, oldest first."""
    db_url = f"sqlite:///{tmp_path / 'marquee.db'}"
    upgrade(db_url)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session, session.begin():
        for n in range(max(len(figures) for figures in runs.values())):
            run_id = start_run(session, now=datetime(2024, 6, 1, tzinfo=UTC) + timedelta(hours=n))
            for source, figures in runs.items():
                if n < len(figures):
                    add_source_health(session, run_id, source, figures[n])
    engine.dispose()
    return db_url


def test_an_empty_store_has_nothing_to_flag(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'marquee.db'}"
    upgrade(db_url)

    result = run("--db", db_url, "--format", "json")

    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_flagged_sources_exit_1_and_are_named_on_stderr(tmp_path: Path) -> None:
    db_url = store(tmp_path, {"deadline": [HEALTHY] * 3, "variety": [HEALTHY, HEALTHY, RELAID]})

    result = run("--db", db_url, "--format", "csv")

    assert result.exit_code == 1
    rows = {row["source"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert json.loads(rows["deadline"]["flags"]) == []
    assert json.loads(rows["variety"]["flags"]) == ["date 100% → 10%", "boilerplate 0 → 4"]
    assert (rows["variety"]["date"], rows["variety"]["date_median"]) == ("10.0", "100.0")
    assert result.stderr == "variety flagged: date 100% → 10%, boilerplate 0 → 4\n"


def test_one_source_against_more_or_fewer_runs(tmp_path: Path) -> None:
    # variety's layout changed three runs ago: against its last two runs that is its new
    # normal, against its last five still a drop. deadline (flagged) is not asked about.
    history = [HEALTHY] * 3 + [RELAID] * 3
    db_url = store(tmp_path, {"deadline": [HEALTHY, HEALTHY, RELAID], "variety": history})

    recent = run("--db", db_url, "--source", "variety", "--runs", "2", "--format", "jsonl")
    longer = run("--db", db_url, "--source", "variety", "--runs", "5", "--format", "jsonl")

    assert recent.exit_code == 0, recent.output
    [record] = [json.loads(line) for line in recent.stdout.splitlines()]
    assert (record["source"], record["run_id"], record["history"]) == ("variety", 6, 2)
    assert (record["date"], record["date_median"], record["flags"]) == (10.0, 10.0, [])
    assert longer.exit_code == 1
    assert json.loads(longer.stdout)["flags"] == ["date 100% → 10%", "boilerplate 0 → 4"]


def test_an_unknown_source_is_an_error(tmp_path: Path) -> None:
    db_url = store(tmp_path, {"variety": [HEALTHY]})

    result = run("--db", db_url, "--source", "varietty")

    assert result.exit_code == 1
    assert "no health recorded for source 'varietty'" in result.output
