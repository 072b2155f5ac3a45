"""`marquee chart`: a show's articles over time, per week or month and per source, drawn to an
image file (matplotlib, from the analysis extra)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from crawler.cliutil import db_option, handle_errors, open_session
from crawler.exceptions import ChartError
from crawler.filters import article_filter
from storage import queries
from storage.records import ArticleFilter, PeriodCount

MISSING_MATPLOTLIB = "marquee chart needs matplotlib: pip install 'marquee[analysis]'"
DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command()
@click.option("--show", required=True, help="The show to chart: its name or any alias, any case.")
@click.option(
    "--by",
    type=click.Choice(["week", "month"]),
    default="week",
    show_default=True,
    help="One bar per week (from Monday) or per calendar month.",
)
@click.option("--source", help="Only articles from this source.")
@click.option(
    "--since",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Only articles published on or after this day (UTC).",
)
@click.option(
    "--until",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Only articles published on or before this day (UTC).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The image to write; its suffix picks the format (.png, .svg, .pdf ...).",
)
@db_option
@handle_errors
def chart(
    show: str,
    by: str,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    out: Path,
    db_url: str,
) -> None:
    """Draw a show's articles over time: one stacked bar per week or month, one colour per source.

    \b
    Each bar counts the articles filed under the show that were published in that week
    (Monday to Sunday, UTC) or month; an article with no publication date counts when it was
    first seen. Copies of other articles (syndicated or reposted texts) are not counted, so a
    story counts once, under the source of its original. Sources are stacked largest first;
    when there are many, the smallest are drawn together as "other". Weeks or months without
    articles are drawn empty, so that the time axis has no holes.
    """
    try:
        from crawler import charts
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("matplotlib"):
            raise
        raise ChartError(MISSING_MATPLOTLIB) from exc
    charts.image_format(out)  # an unusable suffix fails before the store is read
    with open_session(db_url) as session:
        filters = article_filter(session, show=show, source=source, since=since, until=until)
        name = filters.show or show
        counts = queries.articles_per_period(session, filters, by=by)
    if not counts:
        raise ChartError(f"nothing to chart: no articles of {name}{_scope(filters)}")
    title = f"{name}: articles per {by}" + (f" from {source}" if source else "")
    charts.save_chart(charts.plot_articles(counts, title=title, by=by), out)
    periods = charts.period_range(min(c.period for c in counts), max(c.period for c in counts), by)
    click.echo(f"{click.format_filename(out)}: {_summary(counts, len(periods), by)}")


def _scope(filters: ArticleFilter) -> str:
    """An empty chart's window, as in ' from source 'x' published on or after D and on or
    before E'."""
    parts = [f" from source {filters.source!r}" if filters.source else ""]
    if filters.since is not None:
        parts.append(f" published on or after {filters.since:%Y-%m-%d}")
    if filters.until is not None:
        last = filters.until - timedelta(days=1)
        parts.append(f"{' and' if filters.since else ' published'} on or before {last:%Y-%m-%d}")
    return "".join(parts)


def _summary(counts: list[PeriodCount], periods: int, by: str) -> str:
    """'12 articles over 9 weeks from 3 sources'."""
    articles = sum(c.articles for c in counts)
    sources = len({c.source for c in counts})
    return (
        f"{_plural(articles, 'article')} over {_plural(periods, by)} "
        f"from {_plural(sources, 'source')}"
    )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
