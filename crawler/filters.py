"""The article filter options --show, --source, --since, --until and --include-duplicates that
the analyst commands share, and the ArticleFilter they make."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from crawler.showcmds import resolve_show
from storage import corpus
from storage.records import ArticleFilter

R = TypeVar("R")

DATE = click.DateTime(formats=["%Y-%m-%d"])


@dataclass(frozen=True, slots=True)
class FilterRequest:
    """The filter options as given on the command line, before the show is looked up."""

    show: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_duplicates: bool = False

    def resolve(self, session: Session) -> ArticleFilter:
        """The ArticleFilter asked for (see ``article_filter``)."""
        return article_filter(
            session,
            show=self.show,
            source=self.source,
            since=self.since,
            until=self.until,
            include_duplicates=self.include_duplicates,
        )


def filter_options(command: Callable[..., R]) -> Callable[..., R]:
    """Add --show, --source, --since, --until and --include-duplicates to a command, which
    gets them as one FilterRequest argument named ``wanted``."""

    @functools.wraps(command)
    def with_request(**kwargs: Any) -> R:
        fields = ("show", "source", "since", "until", "include_duplicates")
        wanted = FilterRequest(**{name: kwargs.pop(name) for name in fields})
        return command(wanted=wanted, **kwargs)

    for option in reversed(_OPTIONS):
        with_request = option(with_request)
    return with_request


_OPTIONS = (
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
    click.option("--include-duplicates", is_flag=True, help="Also copies of other articles."),
)


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
