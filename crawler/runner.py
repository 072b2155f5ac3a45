"""Run a crawl of chosen sources in a process of its own (a reactor cannot restart); record it."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from crawler.exceptions import CrawlError
from crawler.sources import Source, load_sources, select_sources
from storage import repository
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.queries import get_run
from storage.records import RunRow

DB_ENV = "MARQUEE_DB"  # how the crawl process is told which store to use


@dataclass(frozen=True, slots=True)
class CrawlRequest:
    """What to crawl and how: the arguments of one `marquee crawl`."""

    sources_file: Path
    names: tuple[str, ...]
    db_url: str
    limit: int | None = None
    settings: Mapping[str, str] = field(default_factory=dict)  # Scrapy overrides, NAME -> value


class CrawlChildren:
    """The crawl processes a long-lived caller (the scheduler) has running, so that it can stop
    them on shutdown: each gets SIGTERM, which Scrapy answers by finishing cleanly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self.stopping = False

    def run(self, command: list[str], env: Mapping[str, str] | None = None) -> int:
        """Run a crawl process to its end; its exit status."""
        with self._lock:
            if self.stopping:
                return -signal.SIGTERM
            process = subprocess.Popen(command, env=env)
            self._running.add(process)
        try:
            return process.wait()
        finally:
            with self._lock:
                self._running.discard(process)

    def stop_all(self) -> None:
        """Start no more crawls, and ask the running ones to finish."""
        with self._lock:
            self.stopping = True
            for process in self._running:
                process.terminate()


def run_crawl(request: CrawlRequest, children: CrawlChildren | None = None) -> RunRow:
    """Upgrade the store, record a run, crawl in a child process, and return the finished run.
    With ``children``, the process is started through it (and can be stopped by it)."""
    select_sources(load_sources(request.sources_file), request.names)  # fail fast, in this process
    upgrade(request.db_url)
    sessions = make_sessionmaker(make_engine(request.db_url))
    with sessions() as session, session.begin():
        repository.mark_stale_runs(session)
        _abort_dead_runs(session)
        run_id = repository.start_run(session, host=socket.gethostname(), pid=os.getpid())
    status, error = _run_child(request, run_id, children)
    with sessions() as session:
        with session.begin():
            repository.finish_run(session, run_id, status=status, counts={}, error=error)
        run = get_run(session, run_id)
    assert run is not None
    return run


def _abort_dead_runs(session: Session) -> None:
    """Runs left 'running' by a process of this machine that no longer exists (killed, or the
    machine restarted) are aborted; other machines' runs are left to their age."""
    host = socket.gethostname()
    dead = [
        run_id
        for run_id, run_host, pid in repository.running_runs(session)
        if run_host == host and pid is not None and not _alive(pid)
    ]
    if dead:
        repository.abort_runs(session, dead, "aborted: the crawl process was killed")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def _run_child(
    request: CrawlRequest, run_id: int, children: CrawlChildren | None
) -> tuple[str, str | None]:
    """Start the crawl process and wait; Ctrl-C reaches it too and it shuts down cleanly."""
    command = child_command(request, run_id)
    env = {**os.environ, DB_ENV: request.db_url}
    try:
        returncode = children.run(command, env) if children else subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return "aborted", "interrupted"
    except OSError as exc:
        raise CrawlError(f"cannot start the crawl process: {exc}") from exc
    if children is not None and children.stopping:
        return "aborted", "stopped: the scheduler is shutting down"
    if returncode == 0:
        return "ok", None
    return "failed", f"crawl process exited with status {returncode}"


def child_command(request: CrawlRequest, run_id: int) -> list[str]:
    """The command line of the crawl process (this module's ``main``)."""
    command = [sys.executable, "-m", "crawler.runner", "--run-id", str(run_id)]
    # The store's URL goes through the environment (DB_ENV), not the command line, which every
    # user of the machine can read in the process list: it may hold a password.
    command += ["--sources", str(request.sources_file)]
    if request.limit is not None:
        command += ["--limit", str(request.limit)]
    for name, value in request.settings.items():
        command += ["--set", f"{name}={value}"]
    return [*command, "--", *request.names]


def crawl_in_this_process(
    sources: Sequence[Source],
    db_url: str,
    run_id: int | None,
    limit: int | None,
    overrides: Mapping[str, str],
) -> bool:
    """Crawl the sources with one Scrapy process; True when every spider finished normally."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiders.news import NewsSpider

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("MARQUEE_DB", db_url, priority="cmdline")
    settings.set("MARQUEE_RUN_ID", run_id, priority="cmdline")
    settings.update(dict(overrides), priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = [process.create_crawler(NewsSpider) for _ in sources]
    for crawler, source in zip(crawlers, sources, strict=True):
        process.crawl(crawler, source=source, limit=limit)
    process.start()
    return all(_finished(crawler) for crawler in crawlers)


def _finished(crawler: object) -> bool:
    stats = getattr(crawler, "stats", None)
    reason = stats.get_value("finish_reason") if stats is not None else None
    return reason in ("finished", "closespider_pagecount", "closespider_itemcount")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.runner", description=__doc__)
    parser.add_argument("--run-id", type=int, default=None)
    parser.add_argument("--db", default=os.environ.get(DB_ENV), help=f"default: ${DB_ENV}")
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("names", nargs="*")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the crawl process started by ``run_crawl``."""
    args = _parse_args(argv)
    if not args.db:
        raise SystemExit(f"no store: give --db or set {DB_ENV}")
    sources = select_sources(load_sources(args.sources), args.names)
    overrides = dict(item.split("=", 1) for item in args.set)
    ok = crawl_in_this_process(sources, args.db, args.run_id, args.limit, overrides)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
