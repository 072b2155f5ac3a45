"""`marquee schedule`: run the crawl scheduler in the foreground, or list its jobs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from crawler import output
from crawler.cliutil import (
    db_option,
    format_option,
    handle_errors,
    parse_overrides,
    settings_option,
    sources_option,
)
from crawler.scheduler import list_jobs, run_forever
from crawler.sources import default_sources_path, load_sources
from storage.db import upgrade

JOB_COLUMNS = ("id", "source", "cadence", "next_run")


@click.group()
def schedule() -> None:
    """Crawl every enabled source on its own cadence, unattended.

    \b
    Each source's cadence is its `every` ("30m", "2h", "1d") or `cron` ("0 */2 * * *") key in
    the sources file; without either it is crawled every 6h. Jobs are kept in the store's
    database (table apscheduler_jobs), so next run times survive a restart.
    """


@schedule.command("run")
@sources_option
@db_option
@settings_option
@handle_errors
def schedule_run(sources_file: Path | None, db_url: str, overrides: tuple[str, ...]) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C (for systemd or a container).

    One job per enabled source, never two crawls of one source at once; runs missed while the
    scheduler was down are made up once (coalesced) if less than 30 minutes late. Each run
    crawls in a child process and is recorded like `marquee crawl` (see `marquee runs`). On
    SIGTERM, running crawls finish their current pages, are recorded as aborted, and the
    process exits.
    """
    path = sources_file or default_sources_path()
    sources = load_sources(path)
    upgrade(db_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
    click.echo(f"scheduling {sum(s.enabled for s in sources)} sources from {path}", err=True)
    run_forever(sources, path.resolve(), db_url, parse_overrides(overrides))


@schedule.command("list")
@sources_option
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def schedule_list(sources_file: Path | None, fmt: str, db_url: str) -> None:
    """List each enabled source's job: its id, cadence and next run (empty until the
    scheduler has run once)."""
    sources = load_sources(sources_file or default_sources_path())
    upgrade(db_url)
    records = [output.to_jsonable(row) for row in list_jobs(db_url, sources)]
    output.write_records(records, fmt, sys.stdout, columns=JOB_COLUMNS, title="Scheduled crawls")
