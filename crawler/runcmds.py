"""`marquee runs`: the crawl runs the store recorded (by hand or by the scheduler), and the pages
a run lost, with the stage and reason."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler import output
from crawler.cliutil import db_option, format_option, handle_errors, open_session
from crawler.exceptions import MarqueeError
from storage import queries
from storage.records import RunRow

RUN_COLUMNS = ("id", "started_at", "finished_at", "status", "pages", "new", "updated",
               "duplicate", "unchanged", "failed", "error")  # fmt: skip
FAILURE_COLUMNS = ("run_id", "source", "stage", "reason", "url", "detail")
TALLIES = ("pages", "new", "updated", "duplicate", "unchanged", "failed")


@click.command()
@click.option(
    "--failures", "failures_of", type=int, metavar="RUN", help="List the pages run RUN lost."
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most N runs (or failures).")  # fmt: skip
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def runs(failures_of: int | None, limit: int, fmt: str, db_url: str) -> None:
    """List crawl runs, newest first: when, how they ended, and their pages and articles.

    \b
    Counts are totals over the run's sources: pages fetched, articles new / updated /
    duplicate / unchanged (a 304 on a revisit is unchanged), pages failed. With
    --failures RUN, the pages that run lost instead: URL, stage (fetch, extract or store),
    reason and detail.
    """
    columns: tuple[str, ...]
    with open_session(db_url) as session:
        if failures_of is None:
            records = [_run_record(run) for run in queries.list_runs(session, limit)]
            columns, title = RUN_COLUMNS, "Crawl runs"
        else:
            if queries.get_run(session, failures_of) is None:
                raise MarqueeError(f"no crawl run {failures_of} (see `marquee runs`)")
            failures = queries.list_failures(session, failures_of, limit=limit)
            records = [output.to_jsonable(failure) for failure in failures]
            columns, title = FAILURE_COLUMNS, f"Pages run {failures_of} lost"
    output.write_records(records, fmt, sys.stdout, columns=columns, title=title)


def _run_record(run: RunRow) -> dict[str, Any]:
    totals = {
        tally: sum(getattr(counts, tally) for counts in run.counts.values()) for tally in TALLIES
    }
    sources = {name: output.to_jsonable(counts) for name, counts in sorted(run.counts.items())}
    return {**output.to_jsonable(run), **totals, "sources": sources}
