"""Scheduled crawling with APScheduler 3: one job per enabled source, kept in the store itself
(so schedules and next run times survive restarts), each run crawling in a child process."""

from __future__ import annotations

import logging
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.runner import CrawlChildren, CrawlRequest, run_crawl
from crawler.sources import DEFAULT_EVERY, Source, duration_seconds
from storage.db import make_engine

logger = logging.getLogger(__name__)

JOB_PREFIX = "crawl:"  # a job's id is JOB_PREFIX + the source's name: stable across restarts
JOBS_TABLE = "apscheduler_jobs"
# A run missed by up to this long (the machine slept, the scheduler restarted) still runs once;
# coalescing folds several missed runs into that one.
MISFIRE_GRACE_SECONDS = 30 * 60
MAX_PARALLEL_CRAWLS = 4  # sources crawled at the same time (each in its own process)

# The running scheduler's crawl processes; the module-level job function reaches them here
# because APScheduler stores a job as a reference to a function, not to an object.
CHILDREN = CrawlChildren()


@dataclass(frozen=True, slots=True)
class JobRow:
    """A source's job: its id, cadence and next run (None: not scheduled yet, or paused)."""

    id: str
    source: str
    cadence: str
    next_run: datetime | None


def job_id(source: Source) -> str:
    return JOB_PREFIX + source.name


def trigger_for(source: Source) -> BaseTrigger:
    """When the source is crawled: its cron line, else every so long (default DEFAULT_EVERY)."""
    if source.cron is not None:
        return CronTrigger.from_crontab(source.cron)
    return IntervalTrigger(seconds=duration_seconds(source.every or DEFAULT_EVERY))


def crawl_job(
    sources_file: str, name: str, db_url: str, settings: Mapping[str, str] | None = None
) -> None:
    """One scheduled crawl of one source (recorded as a run, like `marquee crawl NAME`)."""
    request = CrawlRequest(Path(sources_file), (name,), db_url, settings=dict(settings or {}))
    run = run_crawl(request, CHILDREN)
    counts = run.counts.get(name)
    logger.info("run %d of %s: %s %s", run.id, name, run.status, counts or run.error or "")


def make_scheduler(db_url: str, *, blocking: bool) -> BaseScheduler:
    """A scheduler whose jobs live in the store's database."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    return kind(
        # The store's own engine: on SQLite it waits for crawls' writes instead of failing.
        jobstores={"default": SQLAlchemyJobStore(engine=make_engine(db_url), tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(MAX_PARALLEL_CRAWLS)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,  # a source is never crawled twice at once
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone="UTC",
    )


def sync_jobs(
    scheduler: BaseScheduler,
    sources: Sequence[Source],
    sources_file: Path,
    db_url: str,
    settings: Mapping[str, str] | None = None,
) -> None:
    """One job per enabled source; a job whose cadence is unchanged keeps its next run time,
    and the jobs of sources no longer enabled are removed."""
    wanted = {job_id(source): source for source in sources if source.enabled}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
            logger.info("removed %s: no longer an enabled source", job.id)
    for id_, source in wanted.items():
        trigger = trigger_for(source)
        existing = scheduler.get_job(id_)
        args = (str(sources_file), source.name, db_url, dict(settings or {}))
        if existing is not None and (str(existing.trigger), existing.args) == (str(trigger), args):
            continue
        scheduler.add_job(
            crawl_job, trigger, args=args, id=id_, name=source.name, replace_existing=True
        )


def list_jobs(db_url: str, sources: Sequence[Source]) -> list[JobRow]:
    """Each enabled source's job with its next run, as the store has it."""
    scheduler = make_scheduler(db_url, blocking=False)
    scheduler.start(paused=True)  # paused: reads the stored jobs, runs none
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    rows = []
    for source in sources:
        if source.enabled:
            job = jobs.get(job_id(source))
            next_run = getattr(job, "next_run_time", None) if job is not None else None
            rows.append(JobRow(job_id(source), source.name, source.cadence, next_run))
    return rows


def run_forever(
    sources: Sequence[Source],
    sources_file: Path,
    db_url: str,
    settings: Mapping[str, str] | None = None,
) -> None:
    """Schedule the sources and run their crawls until SIGTERM or SIGINT; then the running
    crawls are asked to finish (and recorded as aborted) before this returns."""
    syncing = make_scheduler(db_url, blocking=False)
    syncing.start(paused=True)  # paused: reads the stored jobs, runs none
    try:
        sync_jobs(syncing, sources, sources_file, db_url, settings)
        for job in syncing.get_jobs():
            logger.info("%s: %s, next run %s", job.id, job.trigger, job.next_run_time)
    finally:
        syncing.shutdown(wait=False)
    scheduler = make_scheduler(db_url, blocking=True)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s: stopping the scheduler", signal.Signals(signum).name)
        CHILDREN.stop_all()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()  # blocks until stop(); running crawls then finish before the process exits
