"""saving.save_article: new, unchanged, updated and duplicate articles, URLs and raw HTML."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl, Base, Revision
from storage.records import ArticleRecord, Outcome, SaveResult
from storage.repository import known_urls, raw_html
from storage.saving import ensure_source, save_article

RecordFactory = Callable[..., ArticleRecord]

CANONICAL = "https://news.example/story"
AMP = "https://news.example/amp/story"
TRACKED = "https://news.example/story?utm_source=feed"


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def _urls(session: Session, article_id: int) -> list[str]:
    query = select(ArticleUrl.url).where(ArticleUrl.article_id == article_id)
    return list(session.scalars(query.order_by(ArticleUrl.id)))


def _revisions(session: Session, article_id: int) -> list[tuple[int, str]]:
    query = select(Revision.number, Revision.text).where(Revision.article_id == article_id)
    return [(number, text) for number, text in session.execute(query.order_by(Revision.number))]


def test_a_new_article_is_stored_with_its_urls_and_first_revision(
    db_session: Session, make_record: RecordFactory
) -> None:
    result = save_article(db_session, make_record(CANONICAL, urls=(CANONICAL, AMP)))

    assert result == SaveResult(Outcome.NEW, result.article_id, None, 1)
    article = db_session.get_one(Article, result.article_id)
    assert (article.canonical_url, article.revision, article.tags) == (CANONICAL, 1, ["drama"])
    assert article.first_seen == article.last_changed
    assert _urls(db_session, result.article_id) == [CANONICAL, AMP]
    assert _revisions(db_session, result.article_id) == [(1, "Body.")]


def test_seeing_the_same_text_again_writes_nothing(
    db_session: Session, make_record: RecordFactory
) -> None:
    record = make_record(CANONICAL)
    first = save_article(db_session, record)
    before = _row_counts(db_session)
    last_changed = db_session.get_one(Article, first.article_id).last_changed

    later = record.fetched_at + timedelta(days=1)
    again = save_article(db_session, make_record(CANONICAL, fetched_at=later))

    assert again == SaveResult(Outcome.UNCHANGED, first.article_id, None, 1)
    assert _row_counts(db_session) == before
    db_session.expire_all()
    assert db_session.get_one(Article, first.article_id).last_changed == last_changed


def test_saving_twice_is_idempotent(db_session: Session, make_record: RecordFactory) -> None:
    record = make_record(CANONICAL, urls=(CANONICAL, AMP, TRACKED))
    first = save_article(db_session, record)
    counts = _row_counts(db_session)

    assert save_article(db_session, record).outcome is Outcome.UNCHANGED
    assert save_article(db_session, record).article_id == first.article_id
    assert _row_counts(db_session) == counts


def test_a_changed_text_becomes_a_new_revision(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = save_article(db_session, make_record(CANONICAL, text="First version."))
    later = make_record(CANONICAL, text="Second version.", title="New title")

    result = save_article(db_session, later)

    assert result == SaveResult(Outcome.UPDATED, first.article_id, None, 2)
    article = db_session.get_one(Article, first.article_id)
    assert (article.text, article.title, article.revision) == ("Second version.", "New title", 2)
    assert _revisions(db_session, first.article_id) == [
        (1, "First version."),
        (2, "Second version."),
    ]
    assert save_article(db_session, later).outcome is Outcome.UNCHANGED


def test_a_known_article_changing_into_a_copy_is_updated_not_duplicate(
    db_session: Session, make_record: RecordFactory
) -> None:
    save_article(db_session, make_record("https://other.example/a", text="Shared text."))
    mine = save_article(db_session, make_record(CANONICAL, text="My own text."))

    result = save_article(db_session, make_record(CANONICAL, text="Shared text."))

    assert result == SaveResult(Outcome.UPDATED, mine.article_id, None, 2)


def test_a_copy_of_a_stored_text_points_at_the_original(
    db_session: Session, make_record: RecordFactory
) -> None:
    original = save_article(db_session, make_record("https://a.example/x", text="Wire story."))
    copy = save_article(db_session, make_record("https://b.example/y", text="Wire story."))
    third = save_article(db_session, make_record("https://c.example/z", text="Wire story."))

    assert copy == SaveResult(Outcome.DUPLICATE, copy.article_id, original.article_id, 1)
    # Copies point at the original, never at another copy.
    assert third.duplicate_of == original.article_id
    assert save_article(db_session, make_record("https://b.example/y", text="Wire story.")) == (
        SaveResult(Outcome.UNCHANGED, copy.article_id, original.article_id, 1)
    )


def test_url_variants_are_merged_canonical_first(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = save_article(db_session, make_record(CANONICAL, urls=(CANONICAL, AMP)))

    # Found through the AMP URL alone, although the page now names another canonical URL.
    moved = "https://news.example/2024/story"
    result = save_article(db_session, make_record(moved, urls=(moved, AMP, TRACKED)))

    assert (result.outcome, result.article_id) == (Outcome.UNCHANGED, first.article_id)
    assert _urls(db_session, first.article_id) == [CANONICAL, AMP, moved, TRACKED]
    assert db_session.get_one(Article, first.article_id).canonical_url == CANONICAL


def test_a_url_of_another_article_is_not_taken_over(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = save_article(db_session, make_record(CANONICAL, text="One."))
    other = save_article(db_session, make_record(AMP, text="Two."))

    result = save_article(db_session, make_record(CANONICAL, urls=(CANONICAL, AMP), text="One."))

    assert result.article_id == first.article_id
    assert _urls(db_session, first.article_id) == [CANONICAL]
    assert _urls(db_session, other.article_id) == [AMP]


def _stored_bytes(session: Session) -> bytes:
    # Plain SQL, past the column type that decompresses.
    query = "SELECT raw_html FROM revisions ORDER BY id DESC"
    return bytes(session.connection().exec_driver_sql(query).scalar_one())


def test_raw_html_is_stored_zlib_compressed(
    db_session: Session, make_record: RecordFactory
) -> None:
    page = b"<html><body>" + "Caf\u00e9 ".encode() * 2000 + b"</body></html>"
    result = save_article(db_session, make_record(CANONICAL, raw_html=page))

    stored = _stored_bytes(db_session)
    assert len(stored) < len(page) / 10
    assert zlib.decompress(stored) == page
    assert raw_html(db_session, result.article_id) == page


def test_raw_html_comes_from_the_latest_revision(
    db_session: Session, make_record: RecordFactory
) -> None:
    result = save_article(db_session, make_record(CANONICAL, raw_html=b"<p>First.</p>"))
    save_article(db_session, make_record(CANONICAL, text="Edited.", raw_html=b"<p>Edited.</p>"))
    assert raw_html(db_session, result.article_id) == b"<p>Edited.</p>"


def test_raw_html_of_an_unknown_article_is_a_lookup_error(db_session: Session) -> None:
    with pytest.raises(LookupError):
        raw_html(db_session, 12345)


def test_each_revision_remembers_the_url_it_was_fetched_from(
    db_session: Session, make_record: RecordFactory
) -> None:
    save_article(db_session, make_record(CANONICAL, urls=(CANONICAL, AMP), fetched_url=AMP))
    save_article(db_session, make_record(CANONICAL, text="Edited."))
    fetched = db_session.scalars(select(Revision.url).order_by(Revision.number))
    assert list(fetched) == [AMP, CANONICAL]


def test_ensure_source_and_known_urls(db_session: Session, make_record: RecordFactory) -> None:
    source_id = ensure_source(db_session, "example")
    assert ensure_source(db_session, "example") == source_id
    save_article(db_session, make_record(CANONICAL, urls=(CANONICAL, AMP)))
    assert known_urls(db_session, [AMP, TRACKED, AMP]) == {AMP}


def test_a_copy_published_earlier_becomes_the_original_of_the_stored_one(
    db_session: Session, make_record: RecordFactory
) -> None:
    # Crawl order is arbitrary: a syndicated copy may be stored before the article it copies.
    copy = make_record("https://copier.example/a", text="Same story.")
    first_copy = save_article(db_session, copy)
    later_copy = save_article(
        db_session, make_record("https://third.example/a", text="Same story.")
    )
    earlier = copy.published - timedelta(days=2)  # type: ignore[operator]
    original = save_article(
        db_session, make_record("https://origin.example/a", text="Same story.", published=earlier)
    )

    assert (original.outcome, original.duplicate_of) == (Outcome.NEW, None)
    db_session.expire_all()
    for stored in (first_copy, later_copy):
        assert db_session.get_one(Article, stored.article_id).duplicate_of_id == original.article_id


def test_a_copy_published_later_or_undated_stays_a_copy(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = save_article(db_session, make_record("https://origin.example/a", text="Same story."))
    undated = make_record("https://copier.example/a", text="Same story.", published=None)
    later = make_record(
        "https://third.example/a",
        text="Same story.",
        published=first_published(db_session, first.article_id) + timedelta(hours=1),
    )

    for record in (undated, later):
        result = save_article(db_session, record)
        assert (result.outcome, result.duplicate_of) == (Outcome.DUPLICATE, first.article_id)


def first_published(session: Session, article_id: int) -> datetime:
    published = session.get_one(Article, article_id).published
    assert published is not None
    return published
