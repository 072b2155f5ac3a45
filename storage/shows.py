"""The show registry: shows, the spellings registered for them, and articles' links to them.

Alias keys (normalised spellings) are computed by the caller (pipeline.shows.alias_key): two
spellings with one key are one show, and a key belongs to one show only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleShow, Show, ShowAlias
from storage.records import RegisteredShow, ShowRef

NAME, SEEN, DISCOVERED, OPERATOR = "name", "seen", "discovered", "operator"  # alias origins
LINK_BATCH = 500  # articles read per query when re-linking


class RegistryError(ValueError):
    """An operator's change to the registry that cannot be made as asked; says why."""


def registered_shows(session: Session) -> list[RegisteredShow]:
    """Every show with all its spellings: what the linker's catalogue is built from."""
    shows = session.scalars(select(Show).options(selectinload(Show.aliases)).order_by(Show.id))
    return [
        RegisteredShow(show.id, show.name, tuple(alias.alias for alias in show.aliases))
        for show in shows
    ]


def registry_version(session: Session) -> tuple[int, int, int]:
    """Changes whenever a show or an alias is added or merged (by any process): the number of
    shows and of aliases, and the newest alias id."""
    aliases, newest = session.execute(select(func.count(), func.max(ShowAlias.id))).one()
    shows = session.scalar(select(func.count()).select_from(Show))
    return shows or 0, aliases or 0, newest or 0


def find_show(session: Session, name: str, key: str) -> Show | None:
    """The show ``name`` spells: its name or an alias, ignoring case, or the same alias key."""
    wanted = func.lower(name)
    by_alias = select(ShowAlias.show_id).where(
        (func.lower(ShowAlias.alias) == wanted) | (ShowAlias.key == key)
    )
    return session.scalars(
        select(Show).where((func.lower(Show.name) == wanted) | Show.id.in_(by_alias)).limit(1)
    ).first()


def add_show(
    session: Session, name: str, key: str, external_ids: Mapping[str, str] | None = None
) -> Show:
    """Register a show under its name; its name is its first alias."""
    if find_show(session, name, key) is not None:
        raise RegistryError(f"{name!r} is already a show or an alias of one")
    show = Show(name=name, external_ids=dict(external_ids) if external_ids else None)
    session.add(show)
    session.flush()
    session.add(ShowAlias(show_id=show.id, alias=name, key=key, origin=NAME))
    session.flush()
    return show


def set_external_ids(session: Session, show: Show, external_ids: Mapping[str, str]) -> None:
    """Add or replace ids of the show in outside catalogues (TMDB, IMDb, ...)."""
    show.external_ids = {**(show.external_ids or {}), **external_ids}
    session.flush()


def add_alias(session: Session, show: Show, alias: str, key: str, origin: str = OPERATOR) -> bool:
    """Register a spelling for a show; False if the show already has it. A spelling that is
    another show's is refused: merging the two shows is what that means."""
    owner = session.scalar(select(ShowAlias.show_id).where(ShowAlias.key == key))
    if owner == show.id:
        return False
    if owner is not None:
        other = session.get_one(Show, owner)
        raise RegistryError(
            f"{alias!r} already spells the show {other.name!r}; "
            f"to make them one show: marquee shows merge {other.name!r} {show.name!r}"
        )
    session.add(ShowAlias(show_id=show.id, alias=alias, key=key, origin=origin))
    session.flush()
    return True


def rename_show(session: Session, show: Show, new_name: str, key: str) -> None:
    """Give a show a new canonical name; the old name stays an alias, so links keep working."""
    clash = find_show(session, new_name, key)
    if clash is not None and clash.id != show.id:
        raise RegistryError(f"{new_name!r} already names the show {clash.name!r}; merge instead")
    session.execute(
        update(ShowAlias).where(ShowAlias.show_id == show.id, ShowAlias.origin == NAME)
        .values(origin=SEEN)
    )  # fmt: skip
    own = session.scalar(select(ShowAlias).where(ShowAlias.key == key))
    if own is None:
        session.add(ShowAlias(show_id=show.id, alias=new_name, key=key, origin=NAME))
    else:
        own.alias, own.origin = new_name, NAME
    show.name = new_name
    session.flush()


def merge_shows(session: Session, source: Show, target: Show) -> list[int]:
    """File everything of ``source`` under ``target``: its links (one per article and season)
    and its spellings; ``source`` is removed. Returns the ids of the articles moved."""
    if source.id == target.id:
        raise RegistryError(f"{source.name!r} and {target.name!r} are already one show")
    links = session.scalars(select(ArticleShow).where(ArticleShow.show_id == source.id)).all()
    for link in links:
        _link_show(session, link.article_id, target.id, link.season, link.confidence)
    session.execute(delete(ArticleShow).where(ArticleShow.show_id == source.id))
    session.execute(
        update(ShowAlias).where(ShowAlias.show_id == source.id, ShowAlias.origin == NAME)
        .values(origin=OPERATOR)
    )  # fmt: skip
    session.execute(
        update(ShowAlias).where(ShowAlias.show_id == source.id).values(show_id=target.id)
    )
    if source.external_ids:
        target.external_ids = {**source.external_ids, **(target.external_ids or {})}
    session.execute(delete(Show).where(Show.id == source.id))
    session.flush()
    return sorted({link.article_id for link in links})


def link_shows(session: Session, article_id: int, refs: Iterable[ShowRef]) -> None:
    """Link the article to each show (by alias key), with the season when one is given; a
    spelling the registry lacks becomes a discovered alias of the show."""
    for ref in refs:
        show_id = _show_id(session, ref)
        if ref.spelling is not None and ref.spelling_key is not None:
            _register(session, show_id, ref.spelling, ref.spelling_key, DISCOVERED)
        _link_show(session, article_id, show_id, ref.season, ref.confidence)


def replace_links(session: Session, article_id: int, refs: Sequence[ShowRef]) -> bool:
    """Make the article's links exactly ``refs``; whether the shows or seasons changed."""
    before = show_links(session, article_id)
    session.execute(delete(ArticleShow).where(ArticleShow.article_id == article_id))
    link_shows(session, article_id, refs)
    return before != show_links(session, article_id)


def show_links(session: Session, article_id: int) -> set[tuple[int, int | None]]:
    """The (show id, season) pairs an article is filed under."""
    rows = session.execute(
        select(ArticleShow.show_id, ArticleShow.season).where(ArticleShow.article_id == article_id)
    )
    return {(show_id, season) for show_id, season in rows}


def articles_after(
    session: Session, after_id: int, limit: int = LINK_BATCH
) -> list[tuple[int, str | None, str]]:
    """(id, title, text) of the next ``limit`` articles after ``after_id``, in id order."""
    rows = session.execute(
        select(Article.id, Article.title, Article.text)
        .where(Article.id > after_id)
        .order_by(Article.id)
        .limit(limit)
    )
    return [(article_id, title, text) for article_id, title, text in rows]


def _show_id(session: Session, ref: ShowRef) -> int:
    """The show an alias key stands for; an unknown key becomes an alias of the show it names."""
    show_id = session.scalar(select(ShowAlias.show_id).where(ShowAlias.key == ref.key))
    if show_id is not None:
        return show_id
    show_id = session.scalar(select(Show.id).where(Show.name == ref.name))
    if show_id is None:
        show = Show(name=ref.name)
        session.add(show)
        session.flush()
        show_id = show.id
        origin = NAME
    else:
        origin = SEEN
    session.add(ShowAlias(show_id=show_id, alias=ref.name, key=ref.key, origin=origin))
    session.flush()
    return show_id


def _register(session: Session, show_id: int, alias: str, key: str, origin: str) -> None:
    if session.scalar(select(ShowAlias.id).where(ShowAlias.key == key)) is None:
        session.add(ShowAlias(show_id=show_id, alias=alias, key=key, origin=origin))
        session.flush()


def _link_show(
    session: Session, article_id: int, show_id: int, season: int | None, confidence: float
) -> None:
    same_season = ArticleShow.season.is_(None) if season is None else ArticleShow.season == season
    linked = session.scalar(
        select(ArticleShow).where(
            ArticleShow.article_id == article_id, ArticleShow.show_id == show_id, same_season
        )
    )
    if linked is None:
        session.add(
            ArticleShow(
                article_id=article_id, show_id=show_id, season=season, confidence=confidence
            )
        )
        session.flush()
    elif confidence > linked.confidence:
        linked.confidence = confidence
