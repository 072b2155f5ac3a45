"""The store's show registry as the linker's catalogue: loaded from the store, kept current
with the shows and spellings a crawl discovers, and re-run over stored articles (relink)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pipeline.catalogue import Catalogue, KnownShow
from pipeline.linking import EMPTY, link_shows
from pipeline.shows import alias_key
from pipeline.types import ShowMatch
from storage import shows
from storage.records import ShowRef

Progress = Callable[[int], None]  # told how many articles were done since the last call


class ShowLinker:
    """Links titles against the registry; a show or spelling it discovers is known to the next
    title at once, before the store has it. ``refresh`` picks up what other processes and
    operators registered."""

    def __init__(self) -> None:
        self._known: dict[str, KnownShow] = {}
        self._catalogue = EMPTY
        self._version: tuple[int, int, int] | None = None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def refresh(self, session: Session) -> None:
        """Reload the registry if any process changed it since the last load."""
        version = shows.registry_version(session)
        if version == self._version:
            return
        self._known = {
            row.name: KnownShow(row.name, row.aliases) for row in shows.registered_shows(session)
        }
        self._catalogue = Catalogue.of(self._known.values())
        self._version = version

    def forget(self) -> None:
        """Drop what was learnt since the last load: the next refresh reloads the registry."""
        self._version = None

    def link(self, title: str | None, text: str | None = None) -> tuple[ShowMatch, ...]:
        """The shows an article is about (see pipeline.linking), learnt for the next one."""
        matches = link_shows(title, self._catalogue, text)
        for match in matches:
            self._learn(match)
        return matches

    def _learn(self, match: ShowMatch) -> None:
        known = self._known.get(match.name)
        if known is None:
            show = KnownShow(match.name)
        elif match.spelling is not None and match.spelling not in known.aliases:
            show = KnownShow(known.name, (*known.aliases, match.spelling))
        else:
            return
        self._known[match.name] = show
        self._catalogue = self._catalogue.with_show(show, replacing=known)


def show_refs(matches: tuple[ShowMatch, ...]) -> tuple[ShowRef, ...]:
    """The linker's matches as the store takes them, with keys for discovered spellings."""
    return tuple(
        ShowRef(
            match.name,
            match.key,
            match.season,
            match.confidence,
            match.spelling,
            alias_key(match.spelling) if match.spelling is not None else None,
        )
        for match in matches
    )


@dataclass(frozen=True, slots=True)
class RelinkSummary:
    """What re-linking the stored articles did."""

    articles: int
    changed: int


def relink(session: Session, progress: Progress = lambda done: None) -> RelinkSummary:
    """Link every stored article again against the registry as it is now (after an alias was
    added or shows merged), a chunk of articles per transaction."""
    linker = ShowLinker()
    articles = changed = 0
    last = 0
    while True:
        with session.begin():
            linker.refresh(session)
            chunk = shows.articles_after(session, last)
            for article_id, title, text in chunk:
                refs = show_refs(linker.link(title, text))
                changed += shows.replace_links(session, article_id, refs)
        if not chunk:
            return RelinkSummary(articles, changed)
        articles += len(chunk)
        last = chunk[-1][0]
        progress(len(chunk))
