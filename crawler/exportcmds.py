"""`marquee export`: stream the chosen articles into a CSV, JSON Lines or Parquet file, or one
file per show, with a progress bar; memory stays flat however large the store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from sqlalchemy.orm import Session

from crawler.cliutil import db_option, handle_errors, open_session
from crawler.exports import FORMATS, export_file, file_name, write_articles
from crawler.filters import FilterRequest, filter_options
from storage import queries
from storage.records import ArticleFilter


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced only once the export is complete).",
)
@click.option(
    "--per-show",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Instead of --out: one file per show in DIR, named after the show.",
)
@filter_options
@db_option
@handle_errors
def export(
    fmt: str,
    out: Path | None,
    per_show: Path | None,
    wanted: FilterRequest,
    db_url: str,
) -> None:
    """Export articles, oldest stored first, with every field of `marquee articles`.

    \b
    Fields: id, url, urls, source, title, author, published, modified, tags, language, text,
    shows (name and season), duplicate_of, revision, first_seen, image, similarity.
    CSV keeps the lists as JSON text; Parquet has typed columns (UTC timestamps, lists,
    show structs) and needs the analysis extra: pip install 'marquee[analysis]'.
    With --per-show, an article filed under several shows is in each of their files, and
    shows with no article passing the filters get no file. Copies of other articles are
    left out unless --include-duplicates. A progress bar runs on stderr.
    """
    if (out is None) == (per_show is None):
        raise click.UsageError("give exactly one of --out FILE and --per-show DIR")
    with open_session(db_url) as session:
        filters = wanted.resolve(session)
        if out is not None:
            written = _export_one(session, filters, out, fmt)
            click.echo(f"exported {written} articles to {out}")
        else:
            assert per_show is not None
            files, written = _export_per_show(session, filters, per_show, fmt)
            click.echo(f"exported {written} articles of {files} shows to {per_show}/")


def _export_one(session: Session, filters: ArticleFilter, out: Path, fmt: str) -> int:
    with session.begin():
        total = queries.count_matching(session, filters)
    with _progress() as bar:
        task = bar.add_task("exporting", total=total)
        with export_file(out, fmt) as writer:
            written = 0
            for row in queries.iter_articles(session, filters):
                writer.write(row)
                written += 1
                bar.advance(task)
    return written


def _export_per_show(
    session: Session, filters: ArticleFilter, directory: Path, fmt: str
) -> tuple[int, int]:
    """One file per show with articles passing ``filters`` (a --show filter keeps just that
    show); how many files and article rows were written."""
    names = [row.name for row in queries.list_shows(session)]
    if filters.show is not None:
        names = [filters.show]
    taken: set[str] = set()
    files = written = 0
    with _progress() as bar:
        task = bar.add_task("exporting shows", total=len(names))
        for name in names:
            of_show = replace(filters, show=name)
            if queries.count_matching(session, of_show):
                path = directory / file_name(name, fmt, taken)
                written += write_articles(path, fmt, queries.iter_articles(session, of_show))
                files += 1
            bar.advance(task)
    return files, written


def _progress() -> Progress:
    return Progress(console=Console(stderr=True), transient=False)
