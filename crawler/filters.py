"""The article filter options --show, --source, --since, --until and --include-duplicates that
the analyst commands share, and the ArticleFilter they make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ParamSpec, TypeVar

import click
from sqlalchemy.orm import Session

from crawler.showcmds import resolve_show
from storage import corpus
from storage.records import ArticleFilter

P = ParamSpec("P")
R = TypeVar("R")

DATE = click.DateTime(formats=["%Y-%m-%d"])


def filter_options(*, duplicates: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Add the filter options to a command (without --include-duplicates if not wanted)."""
    options = [
        click.option("--show", help="Only articles filed under this show (any alias, any case)."),
        click.option("--source", help="Only articles from this source."),
        click.option(
            "--since",
            type=DATE,
            metavar="DATE",
            help="Only articles published on or after this day (YYYY-MM-DD, UTC; an undated "
            "article counts as published when first seen).",
        ),
        click.option(
            "--until",
            type=DATE,
            metavar="DATE",
            help="Only articles published on or before this day (YYYY-MM-DD, UTC).",
        ),
    ]
    if duplicates:
        options.append(
            click.option(
                "--include-duplicates", is_flag=True, help="Also copies of other articles."
            )
        )

    def decorate(command: Callable[P, R]) -> Callable[P, R]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def article_filter(
    session: Session,
    *,
    show: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_duplicates: bool = False,
) -> ArticleFilter:
    """The filter the options ask for: the show resolved to its name (an unknown one is an
    error with a suggestion), the days taken as whole UTC days, ``until`` included."""
    if since is not None and until is not None and until < since:
        raise click.BadParameter("--until is before --since", param_hint="--until")
    return corpus.article_filter(
        show=resolve_show(session, show) if show else None,
        source=source,
        since=since.date() if since else None,
        until=until.date() if until else None,
        include_duplicates=include_duplicates,
    )
