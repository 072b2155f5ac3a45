"""`marquee shows`: list the show registry and let operators correct it (aliases, merges,
renames); every change re-links the stored articles so the corpus follows at once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

import click
from rich.console import Console
from rich.progress import Progress
from sqlalchemy.orm import Session

from crawler import output
from crawler.cliutil import db_option, format_option, handle_errors, open_session
from crawler.exceptions import MarqueeError
from crawler.shows import ShowLinker, relink
from pipeline.shows import alias_key
from storage import queries
from storage import shows as registry
from storage.models import Show

SHOW_COLUMNS = ("id", "name", "aliases", "articles", "seasons", "external_ids")
SHOW_TABLE_COLUMNS = ("id", "name", "aliases", "articles", "seasons")

T = TypeVar("T")


class ShowError(MarqueeError):
    """A show named on the command line is unknown, or a registry change cannot be made."""


def resolve_show(session: Session, name: str) -> str:
    """The canonical name of the show ``name`` spells (its name or any alias, any case);
    an unknown name is an error that suggests the closest known show."""
    with session.begin():
        show = registry.find_show(session, name, alias_key(name))
        if show is not None:
            return show.name
        linker = ShowLinker()
        linker.refresh(session)
    found = linker.catalogue.lookup(name)
    hint = f"; did you mean {found.show.name!r}?" if found is not None else ""
    raise ShowError(f"no show named {name!r}{hint} (see `marquee shows`)")


@click.group(invoke_without_command=True)
@format_option(output.FORMATS, "table")
@db_option
@click.pass_context
@handle_errors
def shows(context: click.Context, fmt: str, db_url: str) -> None:
    """List shows: their aliases, how many articles are filed under each, and which seasons.

    \b
    The registry grows by itself: a show named in a title that matches no known show becomes
    a new show, and a misspelling of a known one ("All Us Are Dead") becomes its alias.
    The subcommands correct it; each re-links every stored article afterwards.
    """
    if context.invoked_subcommand is not None:
        return
    with open_session(db_url) as session:
        rows = queries.list_shows(session)
    records = [output.to_jsonable(row) for row in rows]
    columns = SHOW_TABLE_COLUMNS if fmt == "table" else SHOW_COLUMNS
    output.write_records(records, fmt, sys.stdout, columns=columns, title="Shows")


@shows.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another spelling (repeatable).")
@click.option(
    "--external-id",
    "external_ids",
    multiple=True,
    metavar="CATALOGUE=ID",
    help="The show's id in an outside catalogue, e.g. tmdb=99966 (repeatable).",
)
@db_option
@handle_errors
def shows_add(
    name: str, aliases: tuple[str, ...], external_ids: tuple[str, ...], db_url: str
) -> None:
    """Register a show before any article names it, or add aliases and ids to a known one."""
    ids = _parse_ids(external_ids)
    with open_session(db_url, writes=True) as session, session.begin():
        show = registry.find_show(session, name, alias_key(name))
        if show is None:
            show = _change(lambda: registry.add_show(session, name, alias_key(name), ids))
        elif ids:
            registry.set_external_ids(session, show, ids)
        for alias in aliases:
            _add_alias(session, show, alias)
        click.echo(f"{show.name}: registered")
    _relink(db_url)


@shows.group("alias")
def shows_alias() -> None:
    """Spellings of a show's name."""


@shows_alias.command("add")
@click.argument("show_name", metavar="SHOW")
@click.argument("alias")
@db_option
@handle_errors
def shows_alias_add(show_name: str, alias: str, db_url: str) -> None:
    """Register ALIAS as another spelling of SHOW, then re-link the stored articles.

    A spelling that already names another show is refused: merge the two shows instead.
    """
    with open_session(db_url, writes=True) as session:
        canonical = resolve_show(session, show_name)
        with session.begin():
            show = _show(session, canonical)
            added = _add_alias(session, show, alias)
        click.echo(f"{canonical}: {alias!r} {'added' if added else 'was already an alias'}")
    _relink(db_url)


@shows.command("merge")
@click.argument("from_name", metavar="FROM")
@click.argument("into_name", metavar="INTO")
@db_option
@handle_errors
def shows_merge(from_name: str, into_name: str, db_url: str) -> None:
    """File everything of show FROM under show INTO: its articles, seasons and spellings
    (FROM's name becomes an alias of INTO); then re-link the stored articles."""
    with open_session(db_url, writes=True) as session:
        source, target = resolve_show(session, from_name), resolve_show(session, into_name)
        with session.begin():
            moved = _change(
                lambda: registry.merge_shows(
                    session, _show(session, source), _show(session, target)
                )
            )
        click.echo(f"{source} merged into {target}: {len(moved)} articles moved")
    _relink(db_url)


@shows.command("rename")
@click.argument("show_name", metavar="SHOW")
@click.argument("new_name")
@db_option
@handle_errors
def shows_rename(show_name: str, new_name: str, db_url: str) -> None:
    """Give SHOW the canonical name NEW_NAME; the old name stays an alias."""
    with open_session(db_url, writes=True) as session:
        canonical = resolve_show(session, show_name)
        with session.begin():
            show = _show(session, canonical)
            _change(lambda: registry.rename_show(session, show, new_name, alias_key(new_name)))
        click.echo(f"{canonical} renamed to {new_name}")
    _relink(db_url)


def _show(session: Session, name: str) -> Show:
    show = registry.find_show(session, name, alias_key(name))
    assert show is not None, name
    return show


def _add_alias(session: Session, show: Show, alias: str) -> bool:
    return _change(lambda: registry.add_alias(session, show, alias, alias_key(alias)))


def _change(change: Callable[[], T]) -> T:
    try:
        return change()
    except registry.RegistryError as exc:
        raise ShowError(str(exc)) from exc


def _parse_ids(pairs: Sequence[str]) -> dict[str, str]:
    ids = {}
    for pair in pairs:
        catalogue, equals, value = pair.partition("=")
        if not equals or not catalogue.strip() or not value.strip():
            raise ShowError(f"--external-id wants CATALOGUE=ID, got {pair!r}")
        ids[catalogue.strip()] = value.strip()
    return ids


def _relink(db_url: str) -> None:
    """Link every stored article again against the registry as it is now."""
    with open_session(db_url, writes=True) as session:
        with session.begin():
            total = queries.count_articles(session)
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("re-linking articles", total=total)
            summary = relink(session, lambda done: bar.advance(task, done))
    click.echo(f"re-linked {summary.articles} articles: {summary.changed} changed")
