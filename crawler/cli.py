"""The `marquee` command; the only place that turns exceptions into messages and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from crawler import output
from crawler.chartcmds import chart
from crawler.cliutil import (
    db_option,
    format_option,
    handle_errors,
    open_session,
    parse_overrides,
    settings_option,
    sources_option,
)
from crawler.exceptions import MarqueeError
from crawler.exportcmds import export
from crawler.extraction import PagePool
from crawler.fetch import read_input
from crawler.filters import FilterRequest, filter_options
from crawler.healthcmds import health
from crawler.reprocess import reprocess as run_reprocess
from crawler.runcmds import runs
from crawler.runner import CrawlRequest, run_crawl
from crawler.schedcmds import schedule
from crawler.searchcmds import search
from crawler.serve import serve
from crawler.showcmds import resolve_show, shows
from crawler.sourcecmds import sources
from crawler.sources import default_sources_path, load_sources
from pipeline.errors import PipelineError
from pipeline.extract import decode_html
from pipeline.process import process_page
from storage import queries
from storage.db import display_url, upgrade
from storage.records import RunRow

ARTICLE_COLUMNS = (
    "id", "url", "urls", "source", "title", "author", "published", "modified", "tags",
    "language", "text", "shows", "duplicate_of", "similarity", "revision",
)  # fmt: skip
ARTICLE_TABLE_COLUMNS = ("id", "source", "title", "shows", "published", "revision", "duplicate_of")
STORY_COLUMNS = ("story", "id", "role", "source", "published", "similarity", "url")
COUNT_COLUMNS = ("pages", "new", "updated", "duplicate", "unchanged", "failed")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="marquee")
def cli() -> None:
    """Marquee: crawl entertainment-news sites, keep each article's clean text, file it per show.

    \b
    Typical use:
      marquee crawl                    crawl every enabled source into ./marquee.db
      marquee articles --show "All of Us Are Dead"
      marquee extract page.html        see what the pipeline makes of one page
    """


@cli.command()
@click.argument("names", nargs=-1)
@sources_option
@db_option
@click.option("--limit", type=click.IntRange(min=1), help="At most N pages per source this run.")
@settings_option
@handle_errors
def crawl(
    names: tuple[str, ...],
    sources_file: Path | None,
    db_url: str,
    limit: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the named sources (default: all enabled ones) and store their articles.

    Each crawl runs Scrapy in its own process, upgrades the store's schema first, obeys
    robots.txt and waits politely between requests. At the end it prints, per source, the
    pages fetched and the articles new / updated / duplicate / unchanged / failed.
    """
    request = CrawlRequest(
        sources_file=sources_file or default_sources_path(),
        names=names,
        db_url=db_url,
        limit=limit,
        settings=parse_overrides(overrides),
    )
    run = run_crawl(request)
    _print_run(run)
    if run.status != "ok":
        raise click.ClickException(f"crawl {run.status}: {run.error or 'see the log above'}")


def _print_run(run: RunRow) -> None:
    rows = [
        {"source": name, **output.to_jsonable(counts)}
        for name, counts in sorted(run.counts.items())
    ]
    title = f"Crawl run {run.id}: {run.status}"
    output.write_records(rows, "table", sys.stdout, columns=("source", *COUNT_COLUMNS), title=title)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--url", help="Where the page came from (only with a single local file).")
@format_option(("text", "json", "jsonl"), "text")
def extract(inputs: tuple[str, ...], url: str | None, fmt: str) -> None:
    """Run the pipeline on pages and print their clean text or metadata.

    Inputs are local .html / .html.gz files or http(s) URLs. With --format json (one input)
    or jsonl, each page gives one JSON object with file, url, canonical_url, title, author,
    published, modified, tags, language, text and shows (named before a season or show
    marker; no store is read, so known shows and aliases do not count here). A page that
    cannot be read or extracted gives an object with an "error" key, and the exit status is 1
    at the end.
    """
    if url and len(inputs) > 1:
        raise click.UsageError("--url applies to a single input")
    failed = 0
    for given in inputs:
        record = _extract_one(given, url)
        failed += "error" in record
        _print_extracted(record, fmt, several=len(inputs) > 1)
    if failed:
        sys.exit(1)


def _extract_one(given: str, url: str | None) -> dict[str, Any]:
    try:
        raw = read_input(given)
        html, _encoding = decode_html(raw.data, raw.declared_encoding)
        page_url = url or raw.url or Path(given).resolve().as_uri()
        processed = process_page(html, page_url)
    except (MarqueeError, PipelineError) as exc:
        return {"file": given, "error": str(exc)}
    meta = processed.extracted
    return {
        "file": given,
        "url": page_url,
        "canonical_url": processed.identity.canonical_url,
        "title": meta.title,
        "author": meta.author,
        "published": meta.published,
        "modified": meta.modified,
        "tags": list(meta.tags),
        "language": meta.language,
        "text": meta.text,
        "shows": [{"name": s.name, "season": s.season} for s in processed.shows],
    }


def _print_extracted(record: dict[str, Any], fmt: str, *, several: bool) -> None:
    if fmt == "jsonl" or (fmt == "json" and several):
        click.echo(output.dumps(record))
    elif fmt == "json":
        click.echo(output.dumps(record, indent=2))
    elif "error" in record:
        click.echo(f"{record['file']}: {record['error']}", err=True)
    elif several:
        click.echo(output.text_block(record["file"], record["text"]))
    else:
        click.echo(record["text"])


@cli.command()
@filter_options
@click.option("--limit", type=click.IntRange(min=1), help="At most N articles.")
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def articles(
    wanted: FilterRequest,
    limit: int | None,
    fmt: str,
    db_url: str,
) -> None:
    """List stored articles, newest first; duplicates are hidden unless asked for.

    JSON, JSON Lines and CSV carry every field: id, url, urls (canonical first), source,
    title, author, published, modified, tags, language, text, shows, duplicate_of, similarity
    (to the article it copies), revision. For large exports see `marquee export`.
    """
    with open_session(db_url) as session:
        filters = wanted.resolve(session)
        rows = queries.list_articles(session, filters, limit=limit)
    records = [output.to_jsonable(row) for row in rows]
    for record in records:
        record.pop("first_seen", None)
        if fmt == "table":
            record["shows"] = [_show_label(show) for show in record["shows"]]
    columns = ARTICLE_TABLE_COLUMNS if fmt == "table" else ARTICLE_COLUMNS
    output.write_records(records, fmt, sys.stdout, columns=columns, title="Articles")


def _show_label(show: dict[str, Any]) -> str:
    """'All of Us Are Dead S2' for a table cell."""
    return show["name"] if show["season"] is None else f"{show['name']} S{show['season']}"


@cli.command()
@click.option(
    "--show", help="Only stories with an article filed under this show (any alias, any case)."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most N stories.")
@format_option(output.FORMATS, "table")
@db_option
@handle_errors
def stories(show: str | None, limit: int | None, fmt: str, db_url: str) -> None:
    """List story clusters: an original article and the copies of it stored from other pages.

    A copy is a syndicated or reposted text: the same, or the same with small edits (found by
    MinHash signatures). The original is the earliest published member, else the first seen.
    One row per article: story (the original's id), id, role (original or copy), source,
    published, similarity (to the member it was matched with), url, title.
    """
    with open_session(db_url) as session:
        show = resolve_show(session, show) if show else None
        rows = queries.list_stories(session, show=show, limit=limit)
    records = [
        {"story": story.original.id, "role": role, **output.to_jsonable(member)}
        for story in rows
        for role, member in (
            ("original", story.original),
            *(("copy", copy) for copy in story.copies),
        )
    ]
    columns = STORY_COLUMNS if fmt == "table" else (*STORY_COLUMNS, "title")
    output.write_records(records, fmt, sys.stdout, columns=columns, title="Stories")


@cli.command()
@click.option("--source", help="Only articles from this source.")
@click.option("--show", help="Only articles filed under this show (any alias, any case).")
@sources_option
@db_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds one page may take to extract; a slower page keeps its stored fields.",
)
@handle_errors
def reprocess(
    source: str | None, show: str | None, sources_file: Path | None, db_url: str, timeout: float
) -> None:
    """Extract stored articles again from their stored HTML, so improvements reach them.

    Runs the whole pipeline (extraction with each source's rules and learned template, URL
    identity, shows) over the latest fetched version of every chosen article, updates the
    article in place (its revision history stays), and sets duplicate links again. A progress
    bar runs on stderr; a page the pipeline now rejects keeps what was stored.
    """
    path = sources_file or default_sources_path()
    known = {entry.name: entry for entry in load_sources(path)}
    with open_session(db_url, writes=True) as session, PagePool(timeout) as pool:
        show = resolve_show(session, show) if show else None
        with session.begin():
            total = len(queries.article_ids(session, show=show, source=source))
        with Progress(console=Console(stderr=True), transient=False) as bar:
            task = bar.add_task("reprocessing", total=total)
            summary = run_reprocess(
                session,
                known,
                pool,
                source=source,
                show=show,
                progress=lambda done: bar.advance(task, done),
            )
    click.echo(
        f"reprocessed {summary.articles} articles: {summary.changed} changed, "
        f"{summary.failed} could not be extracted (kept as stored)"
    )


@cli.group()
def db() -> None:
    """Manage the store's schema (Alembic migrations)."""


@db.command("upgrade")
@db_option
@handle_errors
def db_upgrade(db_url: str) -> None:
    """Create the store or bring its schema up to date (crawl does this by itself)."""
    upgrade(db_url)
    click.echo(f"{display_url(db_url)}: schema up to date")


cli.add_command(search)
cli.add_command(export)
cli.add_command(chart)
cli.add_command(serve)
cli.add_command(shows)
cli.add_command(runs)
cli.add_command(health)
cli.add_command(schedule)
cli.add_command(sources)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="marquee")


if __name__ == "__main__":
    main()
