"""Filing articles under shows: alias keys decide identity, seasons optional, links idempotent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ArticleShow, Show, ShowAlias
from storage.records import ArticleRecord, ShowRef
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]


def _links(session: Session) -> list[tuple[str, int | None]]:
    query = select(Show.name, ArticleShow.season).join(ArticleShow.show)
    links = [(name, season) for name, season in session.execute(query)]
    return sorted(links, key=lambda link: (link[0], link[1] or 0))


def _count(session: Session, model: type[Show] | type[ShowAlias] | type[ArticleShow]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_two_spellings_with_one_key_are_one_show(
    db_session: Session, make_record: RecordFactory
) -> None:
    greys = ShowRef("Grey's Anatomy", "greys anatomy")
    save_article(db_session, make_record("https://a.example/1", text="One.", shows=(greys,)))
    spelled = ShowRef("Greys Anatomy", "greys anatomy", season=21)
    save_article(db_session, make_record("https://a.example/2", text="Two.", shows=(spelled,)))

    assert list(db_session.scalars(select(Show.name))) == ["Grey's Anatomy"]
    assert _links(db_session) == [("Grey's Anatomy", None), ("Grey's Anatomy", 21)]


def test_a_new_key_for_a_known_name_becomes_an_alias(
    db_session: Session, make_record: RecordFactory
) -> None:
    refs = (ShowRef("The Bear", "bear"), ShowRef("The Bear", "the bear"))
    save_article(db_session, make_record(shows=refs))

    assert _count(db_session, Show) == 1
    assert sorted(db_session.scalars(select(ShowAlias.key))) == ["bear", "the bear"]
    assert _count(db_session, ArticleShow) == 1


def test_an_article_can_be_filed_under_several_shows_and_seasons(
    db_session: Session, make_record: RecordFactory
) -> None:
    refs = (
        ShowRef("Severance", "severance", season=2),
        ShowRef("Severance", "severance"),
        ShowRef("The Last of Us", "last of us", season=2),
        ShowRef("Severance", "severance", season=2),
    )
    save_article(db_session, make_record(shows=refs))

    assert _links(db_session) == [
        ("Severance", None),
        ("Severance", 2),
        ("The Last of Us", 2),
    ]


def test_links_are_not_repeated_when_an_article_is_saved_again(
    db_session: Session, make_record: RecordFactory
) -> None:
    refs = (ShowRef("Severance", "severance"), ShowRef("Severance", "severance", season=1))
    save_article(db_session, make_record(text="First.", shows=refs))
    save_article(db_session, make_record(text="First.", shows=refs))
    save_article(db_session, make_record(text="Edited.", shows=refs))

    assert (_count(db_session, Show), _count(db_session, ShowAlias)) == (1, 1)
    assert _links(db_session) == [("Severance", None), ("Severance", 1)]


@pytest.mark.parametrize("season", [None, 3])
def test_the_schema_rejects_a_repeated_link_with_or_without_season(
    db_session: Session, make_record: RecordFactory, season: int | None
) -> None:
    ref = ShowRef("Severance", "severance", season=season)
    article_id = save_article(db_session, make_record(shows=(ref,))).article_id
    show_id = db_session.scalars(select(Show.id)).one()

    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(ArticleShow(article_id=article_id, show_id=show_id, season=season))
        db_session.flush()
