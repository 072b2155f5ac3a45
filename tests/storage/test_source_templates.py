"""Learned source templates (add_template_blocks, load_template) and the articles' lead image."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage.db import make_sessionmaker, upgrade
from storage.models import Source, SourceBlock
from storage.queries import list_articles
from storage.records import ArticleRecord
from storage.repository import (
    TEMPLATE_MIN_PAGES,
    add_template_blocks,
    load_template,
)
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]

MAY_1 = datetime(2024, 5, 1, tzinfo=UTC)
MAY_2 = datetime(2024, 5, 2, tzinfo=UTC)


def _counts(session: Session, source: str) -> tuple[int, dict[str, int]]:
    """The source's counted pages, and on how many of them each fingerprint was seen."""
    pages = session.scalar(select(Source.template_pages).where(Source.name == source))
    rows = session.execute(
        select(SourceBlock.fingerprint, SourceBlock.pages)
        .join(Source, Source.id == SourceBlock.source_id)
        .where(Source.name == source)
    )
    return pages or 0, {fingerprint: count for fingerprint, count in rows}


def test_each_call_counts_one_page_and_each_of_its_blocks(db_session: Session) -> None:
    add_template_blocks(db_session, "blog", {"aaaa", "bbbb"}, seen_at=MAY_1)
    add_template_blocks(db_session, "blog", ["bbbb", "cccc", "cccc"], seen_at=MAY_2)
    add_template_blocks(db_session, "blog", [], seen_at=MAY_2)
    assert _counts(db_session, "blog") == (3, {"aaaa": 1, "bbbb": 2, "cccc": 1})
    last_seen = db_session.scalars(
        select(SourceBlock.last_seen).where(SourceBlock.fingerprint.in_(["aaaa", "bbbb"]))
    )
    assert sorted(last_seen) == [MAY_1, MAY_2]


def test_sources_keep_separate_counts(db_session: Session) -> None:
    add_template_blocks(db_session, "one", {"aaaa"})
    add_template_blocks(db_session, "two", {"aaaa"})
    add_template_blocks(db_session, "two", {"aaaa"})
    assert _counts(db_session, "one") == (1, {"aaaa": 1})
    assert _counts(db_session, "two") == (2, {"aaaa": 2})


def test_the_template_is_what_min_pages_articles_share(db_session: Session) -> None:
    assert TEMPLATE_MIN_PAGES == 3
    add_template_blocks(db_session, "blog", {"footer", "sidebar", "story-1"})
    add_template_blocks(db_session, "blog", {"footer", "sidebar", "story-2"})
    assert load_template(db_session, "blog") == frozenset()
    add_template_blocks(db_session, "blog", {"footer", "story-3"})
    assert load_template(db_session, "blog") == {"footer"}
    add_template_blocks(db_session, "blog", {"sidebar", "story-4"})
    assert load_template(db_session, "blog") == {"footer", "sidebar"}


def test_on_a_large_source_the_template_is_what_a_share_of_articles_carry(
    db_session: Session,
) -> None:
    for page in range(20):  # threshold: max(3, 0.3 × 20) = 6 pages
        blocks = {f"story-{page}", "everywhere"}
        if page < 6:
            blocks.add("six-pages")
        if page < 5:
            blocks.add("five-pages")  # a redesign dropped it, say
        add_template_blocks(db_session, "big", blocks)
    assert load_template(db_session, "big") == {"everywhere", "six-pages"}
    _pages, blocks = _counts(db_session, "big")
    assert load_template(db_session, "big", min_pages=1, share=0.0) == blocks.keys()


def test_an_unknown_source_has_no_template(db_session: Session) -> None:
    assert load_template(db_session, "never-crawled") == frozenset()


def test_concurrent_writers_lose_no_count(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    sessions = make_sessionmaker(empty_engine)
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(10):
                with sessions() as session, session.begin():
                    add_template_blocks(session, "blog", {"footer", "sidebar"})
        except BaseException as exc:  # reported by the test thread below
            failures.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sessions() as session:
        assert _counts(session, "blog") == (30, {"footer": 30, "sidebar": 30})


def test_the_lead_image_is_stored_and_queried(
    db_session: Session, make_record: RecordFactory
) -> None:
    image = "https://news.example/lead.jpg"
    save_article(db_session, make_record("https://news.example/a", image=image))
    save_article(db_session, make_record("https://news.example/b", text="Other."))
    images = {row.url: row.image for row in list_articles(db_session)}
    assert images == {"https://news.example/a": image, "https://news.example/b": None}

    save_article(db_session, make_record("https://news.example/b", text="Changed.", image=image))
    assert {row.image for row in list_articles(db_session)} == {image}
