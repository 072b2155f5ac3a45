"""What the `marquee` commands share: the --db, --sources and --format options, the error
handling that turns expected failures into exit codes, and opening the store."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.exceptions import MarqueeError
from storage.db import DEFAULT_URL, StoreNotReady, make_sessionmaker, ready_engine

P = ParamSpec("P")
R = TypeVar("R")

db_option = click.option(
    "--db",
    "db_url",
    envvar="MARQUEE_DB",
    default=DEFAULT_URL,
    show_default=True,
    help="SQLAlchemy URL of the store, e.g. sqlite:///marquee.db or "
    "postgresql+psycopg://user@host/dbname. Env: MARQUEE_DB.",
)
sources_option = click.option(
    "--sources",
    "sources_file",
    envvar="MARQUEE_SOURCES",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sources file (TOML). Default: $MARQUEE_SOURCES, else ./sources.toml, "
    "else the packaged default list.",
)

settings_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for the crawls this command runs, e.g. -s LOG_LEVEL=WARNING "
    "(repeatable).",
)


def parse_overrides(overrides: Sequence[str]) -> dict[str, str]:
    """-s NAME=VALUE options as a dict of Scrapy setting overrides."""
    parsed: dict[str, str] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        parsed[name] = value
    return parsed


def format_option(
    choices: Sequence[str], default: str
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A --format option with the given choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


class _ExitError(click.ClickException):
    """A ClickException that keeps the exit code of the MarqueeError it reports."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # Click declares it on the class


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into a one-line message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except MarqueeError as exc:
            raise _ExitError(str(exc), exc.exit_code) from exc
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {exc}") from exc

    return wrapper


@contextmanager
def open_session(db_url: str, *, writes: bool = False) -> Iterator[Session]:
    """A session on an existing, up-to-date store (only crawl and db upgrade create or
    migrate); read-only unless the command ``writes``."""
    try:
        engine = ready_engine(db_url, read_only=not writes)
    except StoreNotReady as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()
