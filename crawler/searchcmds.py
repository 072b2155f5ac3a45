"""`marquee search`: ranked full-text search over the stored articles, with the matched words
highlighted in a passage of each."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler import output
from crawler.cliutil import db_option, format_option, handle_errors, open_session
from crawler.exceptions import QueryError
from crawler.filters import FilterRequest, filter_options
from storage.records import SearchHit
from storage.search import MARK_END, MARK_START, SearchError
from storage.search import search as run_search

COLUMNS = ("rank", "id", "score", "source", "published", "title", "shows", "url", "snippet")


@click.command()
@click.argument("query")
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N hits."
)
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def search(
    query: str,
    wanted: FilterRequest,
    limit: int,
    fmt: str,
    db_url: str,
) -> None:
    """Find articles whose title or text matches QUERY, best match first.

    \b
    QUERY is written as for a web search:
      zombie school          both words (in any order; "zombies" matches "zombie")
      "all of us are dead"   the exact phrase
      netflix OR disney      either word
      zombie -trailer        without the word
    A word in the title counts more than one in the text. Each hit shows a passage with
    the matched words highlighted (between <mark> and </mark> in json/jsonl/csv).
    Copies of other articles are hidden unless --include-duplicates. SQLite stores search
    with FTS5, PostgreSQL stores with its own full-text search (which also ignores stop
    words such as "the").
    """
    with open_session(db_url) as session:
        filters = wanted.resolve(session)
        try:
            with session.begin():
                hits = run_search(session, query, filters, limit=limit)
        except SearchError as exc:
            raise QueryError(str(exc)) from exc
    records = [{"rank": rank, **output.to_jsonable(hit)} for rank, hit in enumerate(hits, 1)]
    if fmt == "table":
        _print_table(hits, query)
    else:
        output.write_records(records, fmt, sys.stdout, columns=COLUMNS)


def _print_table(hits: list[SearchHit], query: str) -> None:
    table = Table(title=f"Search: {query} ({len(hits)} hits)", show_lines=True)
    for column in ("#", "title / passage", "source", "published", "shows", "id"):
        table.add_column(column, overflow="fold")
    for rank, hit in enumerate(hits, 1):
        heading = Text(hit.title or "(no title)", style="bold")
        table.add_row(
            str(rank),
            Text("\n").join([heading, highlighted(hit.snippet)]),
            hit.source,
            hit.published.date().isoformat() if hit.published else "",
            "; ".join(show.name for show in hit.shows),
            str(hit.id),
        )
    out = sys.stdout
    Console(file=out, width=None if out.isatty() else 160, soft_wrap=False).print(table)


def highlighted(snippet: str) -> Text:
    """A snippet as rich Text, the words between the marks highlighted (markup-safe: the
    text is never parsed as rich markup)."""
    text = Text()
    for n, part in enumerate(snippet.replace(MARK_END, MARK_START).split(MARK_START)):
        text.append(part, style="bold yellow" if n % 2 else "")
    return text
