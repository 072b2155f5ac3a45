"""`marquee health`: each source's figures in its latest crawl run next to its usual ones, with
the drops that suggest a layout change; exits 1 when any source is flagged, for cron to alert."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler import output
from crawler.cliutil import db_option, format_option, handle_errors, open_session
from crawler.exceptions import MarqueeError
from crawler.health import (
    ARTICLES_COLLAPSE,
    ARTICLES_USUAL_MIN,
    BOILERPLATE_JUMP,
    MIN_HISTORY,
    SHARE_DROP,
    SHARES,
    Health,
    assess,
)
from pipeline.health import (
    BOILERPLATE_MIN_ARTICLES,
    BOILERPLATE_MIN_WORDS,
    BOILERPLATE_SHARE,
    LONG_TEXT_WORDS,
)
from storage import queries

FIGURES = ("articles", *SHARES, "boilerplate")
TABLE_COLUMNS = ("source", "run", *FIGURES, "history", "flags")
RECORD_COLUMNS = (
    "source", "run_id", "started_at", "history",
    *(column for figure in FIGURES for column in (figure, f"{figure}_median")),
    "boilerplate_examples", "flags",
)  # fmt: skip
# Earlier runs compared by default: about a day of a source crawled every two hours, so that a
# change stays flagged for a few runs, then becomes the source's new normal.
DEFAULT_RUNS = 10

# Built from the thresholds themselves, so that the help cannot drift from what is flagged.
HELP = f"""Show each source's latest crawl run next to its usual figures, and flag drops.

Every crawl records, per source, what extraction made of its pages. A layout change (the date
or byline moved, the text in a new container, a promo box in every article) shows as these
figures dropping against the source's own earlier runs. A cell gives the latest run's figure,
then in brackets the median of up to --runs earlier runs:

\b
  articles     articles stored (each once, whatever its URLs; a 304 is not one)
  title        % of them with a title
  date         % with a publication date
  author       % with an author
  long_text    % with at least {LONG_TEXT_WORDS} words of text
  failed       % of pages lost (fetch, extract or store), of those and the articles
  boilerplate  lines ({BOILERPLATE_MIN_WORDS}+ words, list items aside) kept in at least \
{BOILERPLATE_MIN_ARTICLES} and {BOILERPLATE_SHARE:.0%}
               of the run's articles: site furniture that got into the text
  history      the earlier runs compared

\b
A source is flagged, the reasons in the flags column ("date 95% → 10%"), when:
  a % falls more than {SHARE_DROP:g} points below its median (failed: rises above it),
    even counting one more article the good way;
  boilerplate is {BOILERPLATE_JUMP} or more lines above its median;
  articles fall below {ARTICLES_COLLAPSE:.0%} of their median, when that is \
{ARTICLES_USUAL_MIN} or more.
A source with fewer than {MIN_HISTORY} earlier runs is shown but never flagged.

Exit status 1 when any source is flagged (each is also named on stderr with its reasons, so
that `marquee health >/dev/null` in cron mails just those) or the store cannot be read; else 0.
JSON, JSON Lines and CSV give each figure and its median as numbers (percent for the shares),
the boilerplate examples and the flags.
"""


@click.command(help=HELP)
@click.option("--source", help="Only this source.")
@click.option(
    "--runs",
    type=click.IntRange(min=MIN_HISTORY),
    default=DEFAULT_RUNS,
    show_default=True,
    help="Compare with the median of up to N earlier runs.",
)
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def health(source: str | None, runs: int, fmt: str, db_url: str) -> None:
    """Show each source's latest crawl run next to its usual figures, and flag drops."""
    with open_session(db_url) as session:
        histories = queries.recent_health(session, runs=runs + 1, source=source)
    if source is not None and not histories:
        raise MarqueeError(f"no health recorded for source {source!r}: crawl it first")
    assessed = [assess(history) for _, history in sorted(histories.items())]
    if fmt == "table":
        records, columns = [_table_record(h) for h in assessed], TABLE_COLUMNS
    else:
        records, columns = [_record(h) for h in assessed], RECORD_COLUMNS
    title = "Source health: latest run (median of earlier runs)"
    output.write_records(records, fmt, sys.stdout, columns=columns, title=title)
    flagged = [h for h in assessed if h.flags]
    for h in flagged:
        click.echo(f"{h.source} flagged: {', '.join(h.flags)}", err=True)
    if flagged:
        sys.exit(1)


def _table_record(health: Health) -> dict[str, Any]:
    cells = {figure: _cell(figure, health) for figure in FIGURES}
    return {
        "source": health.source,
        "run": health.run_id,
        **cells,
        "history": health.earlier_runs,
        "flags": list(health.flags),
    }


def _cell(figure: str, health: Health) -> str:
    """'10% (95%)': the latest figure, and the usual one when known."""
    latest, usual = health.latest[figure], health.usual[figure]
    spec = ".0f" if figure in SHARES else "g"  # shares in whole percent, counts as they are
    unit = "%" if figure in SHARES else ""
    text = "–" if latest is None else f"{latest:{spec}}{unit}"
    return text if usual is None else f"{text} ({usual:{spec}}{unit})"


def _record(health: Health) -> dict[str, Any]:
    figures = {
        column: _rounded(values[figure])
        for figure in FIGURES
        for column, values in ((figure, health.latest), (f"{figure}_median", health.usual))
    }
    return {
        "source": health.source,
        "run_id": health.run_id,
        "started_at": health.started_at,
        "history": health.earlier_runs,
        **figures,
        "boilerplate_examples": list(health.examples),
        "flags": list(health.flags),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
