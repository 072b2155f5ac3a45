"""saving.save_article with a copy judge: near-duplicate copies join the story of their
original through the SQL band-key index, on SQLite and PostgreSQL, across processes."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.dedup import copy_similarity, fingerprint
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Article, ArticleBand
from storage.records import ArticleRecord, Outcome
from storage.saving import save_article
from storage.stories import relink_near_duplicates
from tests.pipeline.test_near_duplicate_signatures import ARTICLE, CAST_LIST, COPIES, OTHER_ARTICLE
from tests.storage.conftest import BACKENDS, postgres_url

RecordFactory = Callable[..., ArticleRecord]

ORIGINAL_URL = "https://kdramabuzz.example/2024/05/aouad-season-2/"
COPY_URL = "https://syndicator.example/news/aouad-season-2.html"
MAY = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)


def record(make_record: RecordFactory, url: str, text: str, **changes: object) -> ArticleRecord:
    """An article record whose text carries its real fingerprint and signature."""
    found = fingerprint(text)
    return make_record(
        url,
        text,
        text_hash=found.text_hash,
        minhash=found.minhash,
        shingles=found.shingles,
        bands=found.bands,
        **changes,
    )


def test_a_copy_with_small_edits_points_at_the_original(
    db_session: Session, make_record: RecordFactory
) -> None:
    original = save_article(db_session, record(make_record, ORIGINAL_URL, ARTICLE), copy_similarity)
    copy = save_article(
        db_session,
        record(make_record, COPY_URL, COPIES["new first sentence"], source="syndicator"),
        copy_similarity,
    )
    assert (original.outcome, copy.outcome) == (Outcome.NEW, Outcome.DUPLICATE)
    assert copy.duplicate_of == original.article_id
    similarity = db_session.get_one(Article, copy.article_id).similarity
    assert similarity is not None and 0.7 <= similarity <= 1.0


def test_every_copy_points_at_the_original_never_at_another_copy(
    db_session: Session, make_record: RecordFactory
) -> None:
    original = save_article(db_session, record(make_record, ORIGINAL_URL, ARTICLE), copy_similarity)
    first = COPIES["paragraph dropped"]
    save_article(db_session, record(make_record, COPY_URL, first), copy_similarity)
    # This one is closest to the first copy, but joins the story's original.
    second = first.replace("Netflix", "Netflx")
    result = save_article(
        db_session, record(make_record, COPY_URL + "?v=2", second), copy_similarity
    )
    assert (result.outcome, result.duplicate_of) == (Outcome.DUPLICATE, original.article_id)


def test_different_articles_about_the_same_show_stay_apart(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = record(make_record, ORIGINAL_URL, ARTICLE + "\n\n" + CAST_LIST)
    second = record(make_record, COPY_URL, OTHER_ARTICLE + "\n\n" + CAST_LIST)
    outcomes = [save_article(db_session, r, copy_similarity).outcome for r in (first, second)]
    assert outcomes == [Outcome.NEW, Outcome.NEW]


def test_without_a_judge_only_the_exact_text_makes_a_copy(
    db_session: Session, make_record: RecordFactory
) -> None:
    save_article(db_session, record(make_record, ORIGINAL_URL, ARTICLE))
    near = save_article(db_session, record(make_record, COPY_URL, COPIES["typos"]))
    exact = save_article(db_session, record(make_record, COPY_URL + "?same", ARTICLE))
    assert (near.outcome, exact.outcome) == (Outcome.NEW, Outcome.DUPLICATE)


def test_an_earlier_published_copy_becomes_the_original_of_the_story(
    db_session: Session, make_record: RecordFactory
) -> None:
    later = save_article(
        db_session, record(make_record, COPY_URL, ARTICLE, published=MAY), copy_similarity
    )
    third = save_article(
        db_session,
        record(make_record, COPY_URL + "?3", COPIES["typos"], published=MAY),
        copy_similarity,
    )
    earlier = save_article(
        db_session,
        record(
            make_record,
            ORIGINAL_URL,
            COPIES["truncated"],
            published=MAY.replace(day=18),
        ),
        copy_similarity,
    )
    assert earlier.outcome is Outcome.NEW and earlier.duplicate_of is None
    for article_id in (later.article_id, third.article_id):
        article = db_session.get_one(Article, article_id)
        assert article.duplicate_of_id == earlier.article_id
        assert article.similarity is not None


def test_a_changed_text_is_a_revision_with_new_band_keys_never_a_copy(
    db_session: Session, make_record: RecordFactory
) -> None:
    save_article(db_session, record(make_record, COPY_URL, OTHER_ARTICLE), copy_similarity)
    first = save_article(db_session, record(make_record, ORIGINAL_URL, ARTICLE), copy_similarity)
    edited = COPIES["also read inserted"]
    second = save_article(db_session, record(make_record, ORIGINAL_URL, edited), copy_similarity)
    assert (second.outcome, second.article_id, second.revision) == (
        Outcome.UPDATED,
        first.article_id,
        2,
    )
    assert second.duplicate_of is None
    keys = set(
        db_session.scalars(
            select(ArticleBand.key).where(ArticleBand.article_id == first.article_id)
        )
    )
    assert keys == set(fingerprint(edited).bands)


def test_relinking_after_a_reprocess_unlinks_a_copy_that_no_longer_matches(
    db_session: Session, make_record: RecordFactory
) -> None:
    save_article(db_session, record(make_record, ORIGINAL_URL, ARTICLE), copy_similarity)
    copy = save_article(db_session, record(make_record, COPY_URL, COPIES["typos"]), copy_similarity)
    # What a reprocess does when the copy's page turns out to hold another article.
    article = db_session.get_one(Article, copy.article_id)
    other = fingerprint(OTHER_ARTICLE)
    article.text, article.minhash, article.shingles = OTHER_ARTICLE, other.minhash, other.shingles
    article.text_hash = other.text_hash
    relink_near_duplicates(db_session, [copy.article_id], copy_similarity)
    assert (article.duplicate_of_id, article.similarity) == (None, None)


def _save_in_process(db_url: str, text: str, url: str, start: object) -> str:
    """Save one article from a process of its own, once every process is ready."""
    start.wait()  # type: ignore[attr-defined]
    engine = make_engine(db_url)
    try:
        session = make_sessionmaker(engine)()
        with session.begin():
            found = fingerprint(text)
            result = save_article(
                session,
                ArticleRecord(
                    source="example",
                    canonical_url=url,
                    urls=(url,),
                    title=None,
                    author=None,
                    published=None,
                    modified=None,
                    tags=(),
                    language=None,
                    text=text,
                    text_hash=found.text_hash,
                    minhash=found.minhash,
                    shingles=found.shingles,
                    bands=found.bands,
                    raw_html=b"<html></html>",
                    encoding="utf-8",
                    fetched_at=MAY,
                ),
                copy_similarity,
            )
        return result.outcome.value
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def shared_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database that other processes can open by URL: a SQLite file, or a
    PostgreSQL schema of its own (named in the URL's search path)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'marquee.db'}"
        upgrade(url)
        yield url
        return
    server = postgres_url()
    schema = f"marquee_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{server}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_copies_saved_at_once_by_several_processes_make_one_story(shared_db_url: str) -> None:
    db_url = shared_db_url
    texts = [ARTICLE, COPIES["typos"], COPIES["paragraph dropped"], COPIES["truncated"]]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(len(texts))
        with context.Pool(len(texts)) as pool:
            outcomes = pool.starmap(
                _save_in_process,
                [
                    (db_url, text, f"https://site{n}.example/story", start)
                    for n, text in enumerate(texts)
                ],
            )
    assert sorted(outcomes) == ["duplicate"] * 3 + ["new"]
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            originals = session.scalar(
                select(func.count()).where(Article.duplicate_of_id.is_(None))
            )
            assert originals == 1
    finally:
        engine.dispose()


def test_records_without_a_signature_are_matched_on_exact_text_only(
    db_session: Session, make_record: RecordFactory
) -> None:
    plain = make_record(ORIGINAL_URL, ARTICLE)
    assert plain.bands == () and plain.minhash == b""
    save_article(db_session, plain, copy_similarity)
    near = save_article(
        db_session, replace(record(make_record, COPY_URL, COPIES["typos"])), copy_similarity
    )
    assert near.outcome is Outcome.NEW
