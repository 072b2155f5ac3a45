"""A crawl against its store's worst days: killed with SIGKILL mid-crawl, a second crawl on the
same SQLite file at once, and the disk filling up during a write. Nothing half-written, nothing
lost, nothing marked done that was not stored."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from w3lib.url import canonicalize_url

from crawler.cli import cli
from crawler.runner import CrawlChildren, CrawlRequest, run_crawl
from storage.db import upgrade

pytestmark = pytest.mark.crawl

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
SITES = ["kdramabuzz", "syndicator", "zombiewire"]
ARTICLES = 11  # what a whole crawl of the three sites stores (copies included)


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def assert_whole(db_path: Path) -> None:
    """No half-written article: each has its URLs and a revision, nothing points at nothing."""
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        checks = {
            "article without a revision": "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM revisions r WHERE r.article_id = a.id)",
            "article without a URL": "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_urls u WHERE u.article_id = a.id)",
            "URL of no article": "SELECT count(*) FROM article_urls u WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = u.article_id)",
            "revision of no article": "SELECT count(*) FROM revisions r WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = r.article_id)",
        }
        for problem, query in checks.items():
            assert conn.execute(query).fetchone()[0] == 0, problem


def crawl_command(sources: Path, db_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources),
            "--db", db_url, *FAST, *extra]  # fmt: skip


def test_a_crawl_killed_mid_way_leaves_no_half_rows_and_the_next_finishes(
    sites: Any, tmp_path: Path
) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", SITES)
    db_path = tmp_path / "marquee.db"
    db_url = f"sqlite:///{db_path}"
    # One page per transaction and a slow pace, so that the kill lands between stored pages.
    slow = ["-s", "MARQUEE_STORE_BATCH=1", "-s", "DOWNLOAD_DELAY=0.4"]
    process = subprocess.Popen(crawl_command(sources, db_url, *slow), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db_path.exists() and _stored(db_path) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and its crawl process, with no warning
    process.wait()
    stored = _stored(db_path)
    assert 2 <= stored < ARTICLES
    assert_whole(db_path)

    result = CliRunner().invoke(cli, crawl_command(sources, db_url)[3:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert count(db_path, "articles") == ARTICLES
    assert_whole(db_path)
    with sqlite3.connect(db_path) as conn:
        statuses = [row[0] for row in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["aborted", "ok"]  # the killed run, found dead by the next


def _stored(db_path: Path) -> int:
    try:
        return count(db_path, "articles")
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_two_crawls_of_one_sqlite_file_at_once_both_finish(sites: Any, tmp_path: Path) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", SITES)
    db_path = tmp_path / "marquee.db"
    db_url = f"sqlite:///{db_path}"
    upgrade(db_url)
    runs = [
        subprocess.Popen(crawl_command(sources, db_url), stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=180)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert not any("database is locked" in output for output in outputs)
    assert count(db_path, "articles") == ARTICLES  # every article once, none lost
    assert_whole(db_path)
    with sqlite3.connect(db_path) as conn:
        lost = conn.execute("SELECT count(*) FROM failures WHERE stage = 'store'").fetchone()[0]
    assert lost == 0


class _SmallDisk(CrawlChildren):
    """Crawl processes that may not grow any file past ``limit`` bytes: a disk about to fill."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def run(self, command: list[str], env: Mapping[str, str] | None = None) -> int:
        def limit() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.limit, self.limit))

        return subprocess.Popen(command, env=env, preexec_fn=limit).wait()  # a test's fork


def test_a_full_disk_rolls_back_fails_the_run_and_marks_nothing_done(
    sites: Any, tmp_path: Path
) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", ["kdramabuzz"])
    db_path = tmp_path / "marquee.db"
    db_url = f"sqlite:///{db_path}"
    upgrade(db_url)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    room = db_path.stat().st_size + 16 * 1024  # not enough for one page's revision
    request = CrawlRequest(sources, ("kdramabuzz",), db_url, settings=dict(_pairs(FAST)))
    run = run_crawl(request, _SmallDisk(room))
    assert run.status == "failed"
    stored = count(db_path, "articles")
    assert stored < 4  # the disk filled up before the crawl could store everything
    assert_whole(db_path)
    with sqlite3.connect(db_path) as conn:
        checked = {url for (url,) in conn.execute("SELECT url FROM url_checks")}
        urls = {canonicalize_url(url) for (url,) in conn.execute("SELECT url FROM article_urls")}
    # Nothing marked done that was not stored: a later run fetches every page it lost.
    assert checked <= urls

    again = run_crawl(CrawlRequest(sources, ("kdramabuzz",), db_url, settings=dict(_pairs(FAST))))
    assert again.status == "ok"
    assert count(db_path, "articles") == 4


def _pairs(options: list[str]) -> list[tuple[str, str]]:
    values = options[1::2]
    return [(name, value) for name, _eq, value in (item.partition("=") for item in values)]
