"""StorePipeline with a source's rules and learned template: new articles teach the template,
later pages are extracted without it. Items are fed by hand (no Scrapy engine involved)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy.exc import IntegrityError
from twisted.python.failure import Failure

from crawler.items import FetchedPage
from crawler.pipelines import StorePipeline
from crawler.sources import Source
from crawler.spiders.news import NewsSpider
from pipeline.template import block_fingerprint
from storage import saving
from storage.db import upgrade

BASE = "https://fake.example"
SOURCE = Source(name="fakesite", feeds=(f"{BASE}/feed/",), drop_selectors=(".ad-slot",))

# On every page of the site: a line inside the post (extraction keeps it unless the template
# knows it), a sidebar paragraph and a footer line.
STOCK = "Follow Fake Site on every platform for daily drama news and episode recaps."
SIDEBAR = "Fake Site is an independent blog about television dramas, run by two fans since 2019."
FOOTER = "Copyright 2024 Fake Site Media. Reproduction without permission is prohibited."
SHARED = (STOCK, SIDEBAR, FOOTER)


WORDS = [
    "actor",
    "director",
    "premiere",
    "season",
    "finale",
    "rating",
    "viewers",
    "streaming",
    "episode",
    "script",
    "cast",
    "producer",
    "studio",
    "sequel",
    "trailer",
    "release",
    "interview",
    "critic",
    "award",
    "ceremony",
    "broadcast",
    "channel",
    "drama",
    "comedy",
    "thriller",
    "romance",
    "villain",
    "hero",
    "mystery",
    "plot",
    "twist",
    "scene",
    "camera",
    "budget",
]


def paragraphs(n: int) -> list[str]:
    """Story n's own paragraphs: long enough to be an article, shared with no other story
    (words drawn at random per story, so that no two stories are near-duplicates either)."""
    rng = random.Random(n)
    return [" ".join(rng.choices(WORDS, k=40)) + "." for _part in range(3)]


def article_page(n: int) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs(n))
    return f"""<html><head><title>Story {n} of the drama</title>
<link rel="canonical" href="{BASE}/story-{n}/"></head><body>
<div class="post"><h1>Story {n} of the drama</h1>{body}<p>{STOCK}</p>
<div class="ad-slot"><p>Advertisement placeholder text that is long enough to count.</p></div></div>
<div class="side"><p>{SIDEBAR}</p></div>
<div class="foot">{FOOTER}</div>
</body></html>"""


def fetched(n: int, url: str | None = None) -> FetchedPage:
    html = article_page(n)
    url = url or f"{BASE}/story-{n}/"
    return FetchedPage(
        source=SOURCE.name,
        url=url,
        request_url=url,
        status=200,
        body=html.encode(),
        html=html,
        encoding="utf-8",
        fetched_at=datetime(2024, 5, n, tzinfo=UTC),
    )


class Store:
    """The pipeline of one source's spider, on a SQLite file."""

    def __init__(self, path: Path, refresh: int, batch: int = 1) -> None:
        self.path = path
        db_url = f"sqlite:///{path}"
        upgrade(db_url)
        settings = {
            "MARQUEE_DB": db_url,
            "MARQUEE_TEMPLATE_REFRESH_PAGES": refresh,
            "MARQUEE_STORE_BATCH": batch,
        }
        crawler = get_crawler(NewsSpider, settings)
        crawler.spider = NewsSpider(source=SOURCE)
        self.pipeline = StorePipeline.from_crawler(crawler)

    def add(self, item: FetchedPage) -> str:
        """Store a page (a batch of one) and say what became of it."""
        [outcome] = self.send(item)
        assert outcome is not None, "a batch of one is written at once"
        return outcome

    def send(self, *items: FetchedPage) -> list[str | None]:
        """Hand pages to the pipeline; the outcome of each one written so far, else None."""
        outcomes: list[str | None] = []
        for item in items:
            index = len(outcomes)
            outcomes.append(None)
            stored = self.pipeline.process_item(item)
            stored.addCallback(lambda result, i=index: outcomes.__setitem__(i, result["outcome"]))
        return outcomes

    def articles(self) -> int:
        return int(self.query("SELECT count(*) FROM articles"))

    def text(self, n: int) -> str:
        return str(
            self.query("SELECT text FROM articles WHERE canonical_url = ?", f"{BASE}/story-{n}/")
        )

    def template_pages(self) -> int:
        return int(self.query("SELECT template_pages FROM sources WHERE name = ?", SOURCE.name))

    def query(self, sql: str, *args: object) -> object:
        with sqlite3.connect(self.path) as connection:
            return connection.execute(sql, args).fetchone()[0]


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[Any]:
    stores: list[Store] = []

    def open_(refresh: int = 1, batch: int = 1) -> Store:
        store = Store(tmp_path / f"marquee-{len(stores)}.db", refresh, batch)
        store.pipeline.open_spider()
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.pipeline.close_spider()


def test_the_sources_rules_are_the_pipelines_options(open_store: Any) -> None:
    store = open_store()
    assert store.pipeline.options == replace(SOURCE.extract_options(), collect_blocks=True)
    assert store.pipeline.options.drop_selectors == (".ad-slot",)


def test_new_articles_teach_the_template_and_later_ones_lose_its_blocks(open_store: Any) -> None:
    store = open_store()
    assert [store.add(fetched(n)) for n in (1, 2, 3)] == ["new", "new", "new"]
    template = store.pipeline.options.template
    assert {block_fingerprint(text) for text in SHARED} <= template
    assert not {block_fingerprint(text) for n in (1, 2, 3) for text in paragraphs(n)} & template
    assert STOCK in store.text(3)  # the template was learned from the third article on

    assert store.add(fetched(4)) == "new"
    text = store.text(4)
    assert STOCK not in text
    assert all(paragraph in text for paragraph in paragraphs(4))
    assert "Advertisement placeholder" not in text  # the source's drop selector

    # Refetched with the template known, an early article comes out cleaner: a new revision.
    assert store.add(fetched(1)) == "updated"
    assert STOCK not in store.text(1)


def test_only_new_articles_count_not_refetches_or_other_urls(open_store: Any) -> None:
    store = open_store()
    assert store.add(fetched(1)) == "new"
    assert store.add(fetched(1)) == "unchanged"
    assert store.add(fetched(1, url=f"{BASE}/story-1/?utm_source=feed")) == "unchanged"
    assert store.template_pages() == 1
    assert store.add(fetched(2)) == "new"
    assert store.template_pages() == 2


def test_the_template_is_reloaded_every_n_new_articles(open_store: Any) -> None:
    store = open_store(refresh=2)
    for n in (1, 2, 3):
        store.add(fetched(n))
    assert store.pipeline.options.template == frozenset()  # reloaded after 2: not learned yet
    store.add(fetched(4))
    assert block_fingerprint(FOOTER) in store.pipeline.options.template


def test_a_second_spider_starts_with_the_learned_template(open_store: Any) -> None:
    first = open_store(refresh=100)
    for n in (1, 2, 3):
        first.add(fetched(n))
    assert first.pipeline.options.template == frozenset()
    first.pipeline.close_spider()
    first.pipeline.open_spider()  # as the next crawl's spider would
    assert block_fingerprint(SIDEBAR) in first.pipeline.options.template


def test_pages_are_stored_a_batch_at_a_time(open_store: Any) -> None:
    store = open_store(batch=3)
    outcomes = store.send(fetched(1), fetched(2))
    assert outcomes == [None, None] and store.articles() == 0  # waiting for the batch to fill
    outcomes = store.send(fetched(3))
    assert outcomes == ["new"] and store.articles() == 3


def test_closing_the_spider_writes_the_pages_still_waiting(open_store: Any) -> None:
    store = open_store(batch=10)
    store.send(fetched(1), fetched(1, url=f"{BASE}/story-1/?utm_source=feed"), fetched(2))
    store.pipeline.close_spider()
    assert store.articles() == 2
    assert store.query("SELECT count(*) FROM article_urls") == 3
    store.pipeline.open_spider()  # the fixture closes it again


def test_a_page_the_store_rejects_costs_only_itself(open_store: Any, monkeypatch: Any) -> None:
    real = saving.save_articles

    def reject_story_2(session: Any, records: Any, judge: Any = None) -> Any:
        if any("/story-2/" in record.canonical_url for record in records):
            # A constraint the database enforces (a full disk instead stops the crawl: see
            # tests/test_store_faults.py).
            raise IntegrityError("INSERT", {}, Exception("CHECK constraint failed"))
        return real(session, records, judge)

    monkeypatch.setattr(saving, "save_articles", reject_story_2)
    store = open_store(batch=3)
    dropped: list[Failure] = []
    for n in (1, 2, 3):
        store.pipeline.process_item(fetched(n)).addErrback(dropped.append)
    assert store.articles() == 2
    assert [failure.type for failure in dropped] == [DropItem]
    assert store.query("SELECT reason FROM failures WHERE url LIKE '%/story-2/'") == "store-error"


def test_a_bug_while_storing_fails_the_batch_instead_of_hanging(
    open_store: Any, monkeypatch: Any
) -> None:
    def broken(session: Any, records: Any, judge: Any = None) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(saving, "save_articles", broken)
    store = open_store(batch=2)
    failed: list[Failure] = []
    for n in (1, 2):
        store.pipeline.process_item(fetched(n)).addErrback(failed.append)
    assert [failure.type for failure in failed] == [RuntimeError, RuntimeError]
    assert store.articles() == 0
