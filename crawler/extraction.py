"""Run the pure pipeline on a page in a worker process, with a hard time limit per page.

trafilatura has no limits of its own, and a pathological page (a huge table, a DOM thousands of
levels deep) can hold a parse for minutes. Running it in a worker lets the crawl give up on the
page: the worker is killed and replaced, the page is recorded as failed, and the crawl goes on.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.pool import Pool
from typing import Any

from crawler.exceptions import ExtractionTimeout
from pipeline.process import process_page
from pipeline.types import ExtractOptions, Processed

# A worker is replaced after this many pages: lxml and trafilatura hold on to memory over
# months of crawling, and a fresh process gives it all back.
PAGES_PER_WORKER = 500
# forkserver: workers fork from a small clean server process, never from the crawler (whose
# reactor threads a plain fork would copy in a broken state); the server preloads the pipeline.
START_METHOD = "forkserver"
PRELOAD = ["pipeline.process"]

PageFunction = Callable[[str, str, ExtractOptions, Sequence[str]], Processed]


class PagePool:
    """Processes pages in a worker process; a page that takes longer than ``timeout`` seconds
    raises ExtractionTimeout and costs its worker, which is replaced for the next page."""

    def __init__(self, timeout: float, target: PageFunction = process_page) -> None:
        self.timeout = timeout
        self.target = target
        self._pool: Pool | None = None

    def process(
        self, html: str, url: str, options: ExtractOptions, seen_urls: Sequence[str] = ()
    ) -> Processed:
        """The target's result for this page, or its exception re-raised here."""
        pending = self._ensure().apply_async(self.target, (html, url, options, tuple(seen_urls)))
        try:
            return pending.get(self.timeout)
        except multiprocessing.TimeoutError:
            self.close()  # the only way to stop a worker stuck in C code is to end it
            raise ExtractionTimeout(f"extraction took longer than {self.timeout:g} s") from None

    def close(self) -> None:
        """End the worker (if any); the next page starts a new one."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _ensure(self) -> Pool:
        if self._pool is None:
            context = multiprocessing.get_context(START_METHOD)
            context.set_forkserver_preload(PRELOAD)
            self._pool = context.Pool(processes=1, maxtasksperchild=PAGES_PER_WORKER)
        return self._pool

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
