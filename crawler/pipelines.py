"""Thin glue from spider items to the store: process the page, link its shows against the
registry, save it (in batches), count the outcome.

Each source's pages are extracted with its own options: the rules of its sources entry and the
template learned from its earlier articles, which every new article adds its text blocks to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NoReturn, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.base import DelayedCall
from twisted.internet.defer import Deferred
from w3lib.url import canonicalize_url

from crawler.extraction import PagePool
from crawler.items import FetchedPage, FetchFailed, NotModified
from crawler.records import article_record, health_figures
from crawler.shows import ShowLinker, show_refs
from crawler.sources import Source
from pipeline.dedup import copy_similarity
from pipeline.errors import PipelineError
from pipeline.health import HealthTally
from pipeline.types import ExtractOptions, Processed
from storage import checks, repository, saving
from storage.db import make_engine, make_sessionmaker
from storage.records import ArticleRecord, CheckRow, Outcome, SaveResult, SourceCounts

logger = logging.getLogger(__name__)

STATS_PREFIX = "marquee"
# Reload the source's template after this many new articles (MARQUEE_TEMPLATE_REFRESH_PAGES),
# so that a first crawl of a site already uses what its first pages taught.
TEMPLATE_REFRESH_PAGES = 20
# Seconds one page may take to extract (MARQUEE_EXTRACT_TIMEOUT) before it is recorded as failed.
EXTRACT_TIMEOUT = 30.0
# Pages stored per transaction (MARQUEE_STORE_BATCH), and the most seconds a page waits for its
# batch to fill (MARQUEE_STORE_WAIT). A batch shares its look-ups (storage.saving.save_articles).
STORE_BATCH = 100
STORE_WAIT = 2.0
# The finish reason of a crawl stopped because the database failed; the run is recorded failed.
STORE_DOWN_REASON = "store-unavailable"


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A processed page waiting for its batch to be stored; ``stored`` fires with the outcome."""

    item: FetchedPage
    processed: Processed
    record: ArticleRecord
    stored: Deferred[dict[str, Any]]


def _checks(batch: list[_Waiting]) -> list[CheckRow]:
    """When each stored page was fetched, under the URLs a later crawl will meet it by."""
    return [
        CheckRow(canonicalize_url(url), item.fetched_at, item.etag, item.last_modified)
        for item in (waiting.item for waiting in batch)
        for url in dict.fromkeys((item.request_url, item.url))
    ]


def _call_later(seconds: float, function: Callable[[], None]) -> DelayedCall:
    from twisted.internet import reactor

    clock: Any = reactor  # twisted's interface stubs give callLater a wrong signature for mypy
    call: DelayedCall = clock.callLater(seconds, function)
    return call


class StorePipeline:
    """Runs the pure pipeline on each fetched page and stores the results in batches, one
    transaction each: a killed crawl leaves no half-written rows, and the pages of a batch it
    never wrote are not known URLs, so the next run fetches them again.

    Built from the MARQUEE_DB, MARQUEE_RUN_ID, MARQUEE_TEMPLATE_REFRESH_PAGES,
    MARQUEE_EXTRACT_TIMEOUT, MARQUEE_STORE_BATCH and MARQUEE_STORE_WAIT settings; without
    MARQUEE_DB it is switched off.
    """

    def __init__(
        self,
        crawler: Crawler,
        db_url: str,
        run_id: int | None,
        template_refresh: int = TEMPLATE_REFRESH_PAGES,
        extract_timeout: float = EXTRACT_TIMEOUT,
        store_batch: int = STORE_BATCH,
        store_wait: float = STORE_WAIT,
    ) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.run_id = run_id
        self.template_refresh = template_refresh
        self.pages = PagePool(extract_timeout)
        self.options = ExtractOptions()  # the source's own, from open_spider on
        self.linker = ShowLinker()
        self.store_batch = store_batch
        self.store_wait = store_wait
        self._new_articles = 0
        self.health = HealthTally()  # what extraction made of this run's articles
        self._waiting: list[_Waiting] = []
        self._timer: DelayedCall | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._session: Session | None = None
        self._store_down: str | None = None  # why the store failed, once it has

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        db_url = crawler.settings.get("MARQUEE_DB")
        if not db_url:
            raise NotConfigured("MARQUEE_DB is not set")
        run_id = crawler.settings.getint("MARQUEE_RUN_ID") or None
        refresh = crawler.settings.getint("MARQUEE_TEMPLATE_REFRESH_PAGES", TEMPLATE_REFRESH_PAGES)
        timeout = crawler.settings.getfloat("MARQUEE_EXTRACT_TIMEOUT", EXTRACT_TIMEOUT)
        batch = crawler.settings.getint("MARQUEE_STORE_BATCH", STORE_BATCH)
        wait = crawler.settings.getfloat("MARQUEE_STORE_WAIT", STORE_WAIT)
        return cls(crawler, db_url, run_id, max(refresh, 1), timeout, max(batch, 1), wait)

    @property
    def spider_source(self) -> Source:
        source = self.crawler.spider.source  # type: ignore[union-attr]
        assert isinstance(source, Source)
        return source

    @property
    def source(self) -> str:
        return self.spider_source.name

    @property
    def session(self) -> Session:
        assert self._session is not None, "open_spider() has not run"
        return self._session

    def open_spider(self) -> None:
        self._sessions = make_sessionmaker(make_engine(self.db_url))
        self._session = self._sessions()
        with self.session.begin():
            saving.ensure_source(self.session, self.source)
            self.linker.refresh(self.session)
        self._load_template()

    def close_spider(self) -> None:
        self._write()
        self.pages.close()
        if self.run_id is not None and self._store_down is None:
            counts = self.counts()
            health = health_figures(self.health.figures(), counts)
            with self.session.begin():
                repository.add_run_counts(self.session, self.run_id, self.source, counts)
                repository.add_source_health(self.session, self.run_id, self.source, health)
        bind = self.session.get_bind()
        self.session.close()
        bind.dispose()  # type: ignore[union-attr]

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchFailed):
            self._fail(item.url, item.reason, item.detail, "fetch")
        if isinstance(item, NotModified):
            return self._not_modified(item)
        if not isinstance(item, FetchedPage):
            return item
        try:
            processed = self.pages.process(item.html, item.url, self.options, (item.request_url,))
        except PipelineError as exc:
            self._fail(item.url, exc.reason, exc.message, "extract")
        waiting = _Waiting(item, processed, self._record(item, processed), Deferred())
        self._waiting.append(waiting)
        if len(self._waiting) >= self.store_batch:
            self._write()
        elif self._timer is None:
            self._timer = _call_later(self.store_wait, self._write)
        return waiting.stored  # fires once the page's batch is written

    def _write(self) -> None:
        """Store the waiting pages in one transaction; if it fails, each page in one of its
        own, so that one bad page costs only itself."""
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            results = self._save(batch)
        except SQLAlchemyError as exc:
            logger.warning(
                "a batch of %d pages failed (%s); storing them one by one", len(batch), exc
            )
            for waiting in batch:
                self._write_alone(waiting)
            return
        except Exception:
            # A bug, not a bad page: fail the batch's items (Scrapy logs each) rather than
            # leave them waiting for ever, which would hang the crawl.
            for waiting in batch:
                waiting.stored.errback()
            return
        for waiting, result in zip(batch, results, strict=True):
            self._stored(waiting, result)

    def _write_alone(self, waiting: _Waiting) -> None:
        if self._store_down is not None:
            waiting.stored.errback(DropItem(f"store unavailable: {waiting.item.url}"))
            return
        try:
            [result] = self._save([waiting])
        except OperationalError as exc:
            # The database itself failed (disk full, I/O error, locked for too long): no page can
            # be stored, and none is marked done; stop the crawl so the run is recorded failed.
            self._stop_on_store_failure(exc)
            waiting.stored.errback(DropItem(f"store unavailable: {waiting.item.url}"))
            return
        except SQLAlchemyError as exc:
            # The page's transaction rolled back whole; record why and let the crawl go on.
            logger.error("cannot store %s: %s", waiting.item.url, exc)
            try:
                self._fail(waiting.item.url, "store-error", type(exc).__name__, "store")
            except DropItem as dropped:
                waiting.stored.errback(dropped)
            return
        self._stored(waiting, result)

    def _stop_on_store_failure(self, exc: OperationalError) -> None:
        if self._store_down is None:
            self._store_down = str(exc.orig)
            logger.error("the store is unavailable (%s): stopping the crawl", exc.orig)
            engine: Any = self.crawler.engine
            if hasattr(engine, "close_spider_async"):  # Scrapy 2.14+ (close_spider is deprecated)
                deferred_from_coro(engine.close_spider_async(reason=STORE_DOWN_REASON))
            else:
                engine.close_spider(self.crawler.spider, STORE_DOWN_REASON)

    def _save(self, batch: list[_Waiting]) -> list[SaveResult]:
        try:
            with self.session.begin():
                # Shows are linked here, holding the store's write lock, against the registry as
                # it is now: two crawls that meet one new show file it under one name.
                saving.take_write_lock(self.session)
                self.linker.refresh(self.session)
                records = [self._linked(waiting) for waiting in batch]
                results = saving.save_articles(self.session, records, copy_similarity)
                checks.record_checks(self.session, self.source, _checks(batch))
                for waiting, result in zip(batch, results, strict=True):
                    if result.outcome is Outcome.NEW:
                        # In the article's transaction: each distinct article is counted once.
                        self._count_blocks(waiting.processed, waiting.item)
        except BaseException:
            self.linker.forget()  # what it learnt from this batch was rolled back
            raise
        return results

    def _not_modified(self, item: NotModified) -> dict[str, Any]:
        """A revisited article its server says is unchanged: note the check, count it."""
        check = CheckRow(canonicalize_url(item.url), item.fetched_at)
        with self.session.begin():
            checks.record_checks(self.session, self.source, [check])
        self._inc(Outcome.UNCHANGED.value)
        return {"url": item.url, "outcome": Outcome.UNCHANGED.value, "not_modified": True}

    def _linked(self, waiting: _Waiting) -> ArticleRecord:
        extracted = waiting.processed.extracted
        shows = self.linker.link(extracted.title, extracted.text)
        return replace(waiting.record, shows=show_refs(shows))

    def _stored(self, waiting: _Waiting, result: SaveResult) -> None:
        if result.outcome is Outcome.NEW:
            self._new_article()
        self._inc(result.outcome.value)
        # Every outcome: a revisit whose text is unchanged still shows a date the layout lost.
        self.health.add(result.article_id, waiting.processed.extracted)
        logger.debug(
            "%s %s (article %d)", result.outcome.value, waiting.item.url, result.article_id
        )
        waiting.stored.callback(
            {
                "url": waiting.item.url,
                "outcome": result.outcome.value,
                "article_id": result.article_id,
            }
        )

    def counts(self) -> SourceCounts:
        """This spider's tallies, read back from the crawl stats."""
        stats = self.crawler.stats
        assert stats is not None

        def get(key: str) -> int:
            return int(stats.get_value(f"{STATS_PREFIX}/{key}", 0))

        return SourceCounts(
            pages=int(stats.get_value("response_received_count", 0)),
            new=get("new"),
            updated=get("updated"),
            duplicate=get("duplicate"),
            unchanged=get("unchanged"),
            failed=get("failed"),
        )

    def _load_template(self) -> None:
        """Extract with the source's rules and the template as the store has it now."""
        with self.session.begin():
            template = repository.load_template(self.session, self.source)
        # Blocks are fingerprinted too: each new article adds them to the source's template.
        options = self.spider_source.extract_options(template)
        self.options = replace(options, collect_blocks=True)

    def _count_blocks(self, processed: Processed, item: FetchedPage) -> None:
        blocks = processed.extracted.blocks
        repository.add_template_blocks(self.session, self.source, blocks, seen_at=item.fetched_at)

    def _new_article(self) -> None:
        self._new_articles += 1
        if self._new_articles % self.template_refresh == 0:
            self._load_template()

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{STATS_PREFIX}/{key}")

    def _fail(self, url: str, reason: str, detail: str, stage: str) -> NoReturn:
        """Record a page that did not become an article (lost at the fetch, extract or store
        stage), then drop it with that reason."""
        with self.session.begin():
            repository.record_failure(
                self.session,
                source=self.source,
                url=url,
                reason=reason,
                detail=detail,
                run_id=self.run_id,
                stage=stage,
            )
        self._inc("failed")
        self._inc(f"failed/{reason}")
        raise DropItem(f"{reason}: {url} {detail}".strip())

    def _record(self, item: FetchedPage, processed: Processed) -> ArticleRecord:
        return article_record(
            processed,
            source=item.source,
            fetched_url=item.url,
            raw_html=item.body,
            encoding=item.encoding,
            fetched_at=item.fetched_at,
            run_id=self.run_id,
        )
