"""saving.save_articles: a batch stores exactly what saving its articles one by one stores,
on SQLite and PostgreSQL, however its articles relate to each other and to the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from pipeline.dedup import copy_similarity, fingerprint
from storage.db import upgrade
from storage.models import Article, ArticleBand, ArticleUrl, Revision
from storage.records import ArticleRecord, Outcome, SaveResult
from storage.saving import save_article, save_articles
from tests.pipeline.test_near_duplicate_signatures import ARTICLE, CAST_LIST, COPIES, OTHER_ARTICLE
from tests.storage.conftest import BACKENDS, scratch_database

RecordFactory = Callable[..., ArticleRecord]

MAY_18, MAY_20, MAY_21 = (datetime(2024, 5, day, 9, 0, tzinfo=UTC) for day in (18, 20, 21))
ORIGINAL = "https://kdramabuzz.example/2024/05/aouad-season-2/"


def signed(make_record: RecordFactory, url: str, text: str, **changes: object) -> ArticleRecord:
    found = fingerprint(text)
    return make_record(
        url, text, text_hash=found.text_hash, minhash=found.minhash,
        shingles=found.shingles, bands=found.bands, **changes,
    )  # fmt: skip


def all_new(make: RecordFactory) -> list[ArticleRecord]:
    """New articles only: copies of each other, one published before the story's original."""
    return [
        signed(make, ORIGINAL, ARTICLE, published=MAY_20),
        signed(
            make, "https://syndicator.example/a", COPIES["new first sentence"], published=MAY_20
        ),
        signed(make, "https://other.example/cast", OTHER_ARTICLE + "\n\n" + CAST_LIST),
        signed(make, "https://early.example/x", COPIES["truncated"], published=MAY_18),
        signed(make, "https://mirror.example/cast", OTHER_ARTICLE + "\n\n" + CAST_LIST),
        signed(make, "https://late.example/y", COPIES["paragraph dropped"], published=MAY_21),
    ]


def with_refetches(make: RecordFactory) -> list[ArticleRecord]:
    """New articles mixed with a re-fetch at a tracking URL and an in-place update."""
    first, copy, other, early, mirror, late = all_new(make)
    tracked = replace(first, urls=(ORIGINAL + "?utm_source=x",))
    updated = signed(make, ORIGINAL, COPIES["typos"], published=MAY_20)
    return [first, copy, tracked, other, updated, early, mirror, late]


def one_by_one(session: Session, records: list[ArticleRecord]) -> list[SaveResult]:
    results = []
    for record in records:
        with session.begin():
            results.append(save_article(session, record, copy_similarity))
    return results


def in_one_batch(session: Session, records: list[ArticleRecord]) -> list[SaveResult]:
    with session.begin():
        return save_articles(session, records, copy_similarity)


def store_state(session: Session) -> dict[str, object]:
    """What the store holds, by URL rather than by id, so two stores can be compared."""
    original = aliased(Article)
    rows = session.execute(
        select(
            Article.canonical_url, original.canonical_url, Article.similarity,
            Article.revision, Article.text_hash,
        ).outerjoin(original, original.id == Article.duplicate_of_id)
    )  # fmt: skip
    articles = {
        url: (of, None if sim is None else round(sim, 9), rev, h) for url, of, sim, rev, h in rows
    }
    counts = {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (ArticleUrl, ArticleBand, Revision)
    }
    return {"articles": articles, "rows": counts}


def described(results: list[SaveResult], session: Session) -> list[tuple[Outcome, str | None, int]]:
    """Each result with its duplicate_of given as a URL."""
    urls = {
        row.id: row.canonical_url
        for row in session.execute(select(Article.id, Article.canonical_url))
    }
    return [
        (r.outcome, urls.get(r.duplicate_of) if r.duplicate_of else None, r.revision)
        for r in results
    ]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", [all_new, with_refetches])
def test_a_batch_stores_what_saving_one_by_one_stores(
    backend: str,
    scenario: Callable[[RecordFactory], list[ArticleRecord]],
    make_record: RecordFactory,
    tmp_path: Path,
) -> None:
    outcomes = {}
    for name, save in (("one by one", one_by_one), ("batch", in_one_batch)):
        directory = tmp_path / name.replace(" ", "-")
        directory.mkdir()
        with scratch_database(backend, directory) as engine:
            state, results = _run(engine, save, scenario(make_record))
        outcomes[name] = (state, results)
    assert outcomes["batch"] == outcomes["one by one"]


def _run(
    engine: Engine,
    save: Callable[[Session, list[ArticleRecord]], list[SaveResult]],
    records: list[ArticleRecord],
) -> tuple[dict[str, object], list[tuple[Outcome, str | None, int]]]:
    upgrade(engine)
    with Session(engine) as session:
        results = save(session, records)
        with session.begin():
            return store_state(session), described(results, session)


def test_an_earlier_published_copy_later_in_the_batch_takes_the_story_over(
    db_session: Session, make_record: RecordFactory
) -> None:
    first, copy, _other, early, _mirror, late = all_new(make_record)
    results = save_articles(db_session, [first, copy, early, late], copy_similarity)
    assert [r.outcome for r in results] == [
        Outcome.NEW,
        Outcome.DUPLICATE,
        Outcome.NEW,
        Outcome.DUPLICATE,
    ]
    early_id = results[2].article_id
    assert results[3].duplicate_of == early_id
    for result in (results[0], results[1]):
        article = db_session.get_one(Article, result.article_id)
        assert article.duplicate_of_id == early_id
        assert article.similarity is not None and article.similarity >= 0.7


def test_the_same_url_twice_in_a_batch_is_one_article(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = signed(make_record, ORIGINAL, ARTICLE)
    again = replace(first, urls=(ORIGINAL + "?amp=1",))
    results = save_articles(db_session, [first, again], copy_similarity)
    assert [r.outcome for r in results] == [Outcome.NEW, Outcome.UNCHANGED]
    assert results[0].article_id == results[1].article_id
    urls = db_session.scalars(
        select(ArticleUrl.url).where(ArticleUrl.article_id == results[0].article_id)
    )
    assert set(urls) == {ORIGINAL, ORIGINAL + "?amp=1"}
