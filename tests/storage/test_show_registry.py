"""storage.shows: the registry's writes (shows, aliases with their origin, renames, merges) and
links that carry a confidence and register discovered spellings; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import shows
from storage.models import ArticleShow, Show, ShowAlias
from storage.records import ArticleRecord, ShowRef
from storage.saving import save_article

RecordFactory = Callable[..., ArticleRecord]
AOUAD = ShowRef("All of Us Are Dead", "all of us are dead", 2)


def aliases(session: Session, name: str) -> dict[str, str]:
    """Alias → origin for the named show."""
    rows = session.execute(
        select(ShowAlias.alias, ShowAlias.origin).join(Show, Show.id == ShowAlias.show_id)
        .where(Show.name == name)
    )  # fmt: skip
    return {alias: origin for alias, origin in rows}


def links(session: Session, article_id: int) -> list[tuple[str, int | None, float]]:
    rows = session.execute(
        select(Show.name, ArticleShow.season, ArticleShow.confidence)
        .join(ArticleShow.show).where(ArticleShow.article_id == article_id)
    )  # fmt: skip
    return sorted(((n, s, c) for n, s, c in rows), key=lambda row: (row[0], row[1] or 0))


def test_a_link_keeps_its_confidence_and_registers_the_discovered_spelling(
    db_session: Session, make_record: RecordFactory
) -> None:
    first = save_article(db_session, make_record("https://a.example/1", "One.", shows=(AOUAD,)))
    typo = ShowRef(AOUAD.name, AOUAD.key, 2, 0.85, "All Us Are Dead", "all us are dead")
    second = save_article(db_session, make_record("https://a.example/2", "Two.", shows=(typo,)))
    assert links(db_session, first.article_id) == [("All of Us Are Dead", 2, 1.0)]
    assert links(db_session, second.article_id) == [("All of Us Are Dead", 2, 0.85)]
    assert aliases(db_session, "All of Us Are Dead") == {
        "All of Us Are Dead": shows.NAME,
        "All Us Are Dead": shows.DISCOVERED,
    }
    found = shows.find_show(db_session, "ALL US ARE DEAD", "all us are dead")
    assert found is not None and found.name == "All of Us Are Dead"


def test_an_alias_of_another_show_is_refused_with_the_merge_to_run(db_session: Session) -> None:
    squid = shows.add_show(db_session, "Squid Game", "squid game")
    shows.add_show(db_session, "Ojingeo Geim", "ojingeo geim")
    with pytest.raises(shows.RegistryError, match="marquee shows merge 'Ojingeo Geim'"):
        shows.add_alias(db_session, squid, "Ojingeo Geim", "ojingeo geim")
    assert shows.add_alias(db_session, squid, "SQUID GAME!", "squid game") is False  # its own
    with pytest.raises(shows.RegistryError, match="already a show"):
        shows.add_show(db_session, "squid game", "squid game")


def test_merge_moves_links_once_per_season_and_every_spelling(
    db_session: Session, make_record: RecordFactory
) -> None:
    typo = ShowRef("All Us Are Dead", "all us are dead", 2, 0.7)
    both = save_article(db_session, make_record("https://a.example/1", "1.", shows=(AOUAD, typo)))
    only = save_article(db_session, make_record("https://a.example/2", "2.", shows=(typo,)))
    source = shows.find_show(db_session, "All Us Are Dead", "all us are dead")
    target = shows.find_show(db_session, "All of Us Are Dead", "all of us are dead")
    assert source is not None and target is not None
    moved = shows.merge_shows(db_session, source, target)
    assert moved == sorted([both.article_id, only.article_id])
    assert links(db_session, both.article_id) == [("All of Us Are Dead", 2, 1.0)]  # one link
    assert links(db_session, only.article_id) == [("All of Us Are Dead", 2, 0.7)]
    assert aliases(db_session, "All of Us Are Dead") == {
        "All of Us Are Dead": shows.NAME,
        "All Us Are Dead": shows.OPERATOR,
    }
    assert db_session.scalars(select(Show.name)).all() == ["All of Us Are Dead"]
    with pytest.raises(shows.RegistryError, match="already one show"):
        shows.merge_shows(db_session, target, target)


def test_rename_keeps_the_old_name_as_an_alias(db_session: Session) -> None:
    show = shows.add_show(
        db_session, "Jigeum Uri Hakgyoneun", "jigeum uri hakgyoneun", {"tmdb": "1"}
    )
    shows.rename_show(db_session, show, "All of Us Are Dead", "all of us are dead")
    assert aliases(db_session, "All of Us Are Dead") == {
        "All of Us Are Dead": shows.NAME,
        "Jigeum Uri Hakgyoneun": shows.SEEN,
    }
    other = shows.add_show(db_session, "Squid Game", "squid game")
    with pytest.raises(shows.RegistryError, match="merge instead"):
        shows.rename_show(db_session, other, "Jigeum Uri Hakgyoneun", "jigeum uri hakgyoneun")
    shows.set_external_ids(db_session, show, {"imdb": "tt14169960"})
    assert show.external_ids == {"tmdb": "1", "imdb": "tt14169960"}


def test_replace_links_says_whether_the_shows_changed(
    db_session: Session, make_record: RecordFactory
) -> None:
    saved = save_article(db_session, make_record(shows=(AOUAD,)))
    assert shows.replace_links(db_session, saved.article_id, (AOUAD,)) is False
    assert shows.replace_links(db_session, saved.article_id, ()) is True
    assert links(db_session, saved.article_id) == []
    version = shows.registry_version(db_session)
    shows.add_show(db_session, "Squid Game", "squid game")
    assert shows.registry_version(db_session) != version
