"""`marquee sources`: list the configured sites, add a new one after a checked preview, and turn
sources on, off, or out of the file."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from crawler import output
from crawler.cliutil import format_option, handle_errors, sources_option
from crawler.discovery import (
    Discovery,
    Fetcher,
    article_links,
    discover,
    robots_rules,
    source_article_urls,
)
from crawler.exceptions import FetchError, SourceError
from crawler.golden import save_golden
from crawler.sourcefile import add_source, remove_source, set_enabled
from crawler.sources import (
    LOCAL_SOURCES_FILE,
    NAME_PATTERN,
    default_sources_path,
    load_sources,
    packaged_sources_path,
    select_sources,
)
from pipeline.errors import PipelineError
from pipeline.extract import DEFAULT_OPTIONS, decode_html
from pipeline.process import process_page
from pipeline.types import ExtractOptions, Processed

SOURCE_COLUMNS = ("name", "enabled", "start_urls", "feeds", "sitemaps", "max_pages")
PREVIEW_COLUMNS = ("url", "title", "published", "author", "words", "shows", "warnings")
SAMPLE_PAGES = 5
SHORT_TEXT_WORDS = 150  # fewer words than this is "short text"
# A line (paragraph) in at least this many sampled articles is likely boilerplate.
REPEATED_LINE_PAGES = 2
REPEATED_LINE_MIN_WORDS = 4
LISTING_LINKS = 5  # article-like links on a page with short text: a listing page


@dataclass(frozen=True, slots=True)
class Sample:
    """One sampled article: what the pipeline makes of it, or why it could not."""

    url: str
    html: str | None = None
    processed: Processed | None = None
    error: str | None = None


@click.group()
def sources() -> None:
    """The source sites: list them, add one, turn them on and off.

    \b
    The sources file is --sources, else $MARQUEE_SOURCES, else ./sources.toml, else the
    packaged list (which cannot be edited: copy it to ./sources.toml first).
    """


@sources.command("list")
@sources_option
@format_option(output.FORMATS, "table")
@handle_errors
def sources_list(sources_file: Path | None, fmt: str) -> None:
    """List the sources in the sources file (validating it)."""
    path = sources_file or default_sources_path()
    records = [source.model_dump(mode="json") for source in load_sources(path)]
    output.write_records(records, fmt, sys.stdout, columns=SOURCE_COLUMNS, title=str(path))


@sources.command("add")
@click.argument("url")
@click.option("--name", help="The source's name (default: from the site's host name).")
@click.option("--yes", is_flag=True, help="Write the entry without asking.")
@click.option("--pages", type=click.IntRange(min=1), default=SAMPLE_PAGES, show_default=True,
              help="Articles to sample for the preview.")  # fmt: skip
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between requests to the site.")  # fmt: skip
@click.option(
    "--save-fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also save the sampled pages as golden fixtures (gzipped HTML + expected JSON) in "
    "this directory, e.g. tests/golden/NAME.",
)
@sources_option
@handle_errors
def sources_add(
    url: str,
    name: str | None,
    yes: bool,
    pages: int,
    delay: float,
    save_fixtures: Path | None,
    sources_file: Path | None,
) -> None:
    """Add the site whose home page is URL: find its feeds, sitemaps and article URLs, preview
    a few of its articles, and (once you confirm) write its entry into the sources file.

    \b
    Found: feeds (<link rel="alternate"> and common paths), sitemaps (robots.txt Sitemap
    lines, else common paths; indexes and Google News sitemaps are followed), and a URL
    pattern most article URLs share (`allow`). A site whose robots.txt disallows Marquee is
    refused (exit status 3). The preview shows, per sampled article, its title, date, author,
    length and shows, with warnings: no title, no date, short text, boilerplate suspected
    (a line repeated across the samples), looks like a listing page. The entry is appended to
    the file, keeping its comments and layout.
    """
    path = _editable(sources_file)
    name = name or name_from(url)
    if not re.fullmatch(NAME_PATTERN, name):
        raise SourceError(f"invalid name {name!r}: use lowercase letters, digits, '_' and '-'")
    if path.exists() and name in {source.name for source in load_sources(path)}:
        raise SourceError(f'{path}: a source named "{name}" exists already (give --name)')
    fetcher = Fetcher(delay)
    found = discover(url, fetcher)
    samples = sample(found, fetcher, pages)
    entry = source_entry(name, found)
    _print_preview(name, found, samples)
    click.echo(_entry_text(entry))
    if not any(s.processed is not None for s in samples):
        click.echo("warning: no sampled page gave an article; check the entry by hand", err=True)
    if not yes and not click.confirm(f"Add {name!r} to {path}?", default=True):
        click.echo("not added")
        return
    add_source(path, entry)
    click.echo(f"added {name!r} to {path}")
    if save_fixtures is not None:
        saved = _save_fixtures(save_fixtures, samples)
        click.echo(f"saved {saved} golden fixtures in {save_fixtures}")


@sources.command("test")
@click.argument("name")
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="Test this page instead of the source's latest articles (repeatable).",
)
@click.option(
    "--pages",
    type=click.IntRange(min=1),
    default=SAMPLE_PAGES,
    show_default=True,
    help="Articles to test, from the source's feeds, sitemaps and listing pages.",
)
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between requests to the site.")  # fmt: skip
@format_option(output.FORMATS, "table")
@sources_option
@handle_errors
def sources_test(
    name: str,
    urls: tuple[str, ...],
    pages: int,
    delay: float,
    fmt: str,
    sources_file: Path | None,
) -> None:
    """Dry run of source NAME: fetch a few of its articles and show what the pipeline would
    store for each, without storing anything.

    
    Per page: title, date, author, words, shows, the boilerplate rules that removed
    something ("comments", "social-cta", "share-bar", "template" ...), and warnings (no
    title, no date, short text, boilerplate suspected, looks like a listing page). The
    source's extraction rules apply; its learned template does not (it lives in the store).
    """
    source = select_sources(load_sources(sources_file or default_sources_path()), [name])[0]
    fetcher = Fetcher(delay)
    if not urls:
        entry_points = (source.feeds, source.sitemaps, source.start_urls)
        urls = tuple(source_article_urls(entry_points, source.is_article_url, fetcher)[:pages])
    if not urls:
        raise SourceError(f'source "{name}": its feeds, sitemaps and listing pages gave no article')
    robots = Discovery(urls[0], robots=robots_rules(urls[0], fetcher))
    urls = tuple(url for url in urls if robots.allowed(url))
    samples = sample_pages(urls, fetcher, source.extract_options())
    repeated = repeated_lines(samples)
    rows = [_preview_row(sample_, repeated) for sample_ in samples]
    columns = (*PREVIEW_COLUMNS[:-1], "rules_fired", "warnings")
    output.write_records(rows, fmt, sys.stdout, columns=columns, title=f"{name}: a dry run")


@sources.command("enable")
@click.argument("name")
@sources_option
@handle_errors
def sources_enable(name: str, sources_file: Path | None) -> None:
    """Crawl source NAME again (`enabled = true`)."""
    _toggle(name, sources_file, enabled=True)


@sources.command("disable")
@click.argument("name")
@sources_option
@handle_errors
def sources_disable(name: str, sources_file: Path | None) -> None:
    """Stop crawling source NAME (`enabled = false`); it stays in the file and its articles in
    the store."""
    _toggle(name, sources_file, enabled=False)


@sources.command("remove")
@click.argument("name")
@sources_option
@handle_errors
def sources_remove(name: str, sources_file: Path | None) -> None:
    """Take source NAME out of the sources file; its stored articles stay in the store."""
    path = _editable(sources_file)
    remove_source(path, name)
    click.echo(f"removed {name!r} from {path}")


def name_from(url: str) -> str:
    """A source name from a URL's host: "https://www.tv-line.example/" → "tv-line"."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    label = host.split(".")[0] if "." in host else host
    return re.sub(r"[^a-z0-9_-]", "-", label.lower()) or "site"


def sample(found: Discovery, fetcher: Fetcher, pages: int) -> list[Sample]:
    """Up to ``pages`` of the site's article URLs (those robots.txt allows), as a crawl would
    process them."""
    return sample_pages([url for url in found.article_urls if found.allowed(url)][:pages], fetcher)


def sample_pages(
    urls: Sequence[str], fetcher: Fetcher, options: ExtractOptions = DEFAULT_OPTIONS
) -> list[Sample]:
    """Each page fetched and run through the pure pipeline; nothing is stored."""
    samples = []
    for url in urls:
        try:
            raw = fetcher(url)
            html, _encoding = decode_html(raw.data, raw.declared_encoding)
            samples.append(Sample(url, html, process_page(html, raw.url or url, options)))
        except (FetchError, PipelineError) as exc:
            samples.append(Sample(url, error=str(exc)))
    return samples


def source_entry(name: str, found: Discovery) -> dict[str, Any]:
    """The sources-file entry for what was found: feeds and sitemaps, else the home page."""
    entry: dict[str, Any] = {"name": name}
    if not (found.feeds or found.sitemaps):
        entry["start_urls"] = [found.home]
    if found.feeds:
        entry["feeds"] = found.feeds
    if found.sitemaps:
        entry["sitemaps"] = found.sitemaps
    if found.allow:
        entry["allow"] = list(found.allow)
    return entry


def warnings_for(sample: Sample, repeated: set[str]) -> list[str]:
    """What looks wrong with one sampled article."""
    if sample.processed is None:
        return [f"not extracted: {sample.error}"]
    extracted = sample.processed.extracted
    found = []
    if not extracted.title:
        found.append("no title")
    if extracted.published is None:
        found.append("no date")
    words = len(extracted.text.split())
    if words < SHORT_TEXT_WORDS:
        found.append("short text")
    if any(line in repeated for line in _lines(extracted.text)):
        found.append("boilerplate suspected")
    if words < SHORT_TEXT_WORDS * 2 and _article_links(sample) >= LISTING_LINKS:
        found.append("looks like a listing page")
    return found


def repeated_lines(samples: list[Sample]) -> set[str]:
    """Lines of extracted text that several sampled articles share: boilerplate that survived."""
    counts: Counter[str] = Counter()
    for sample_ in samples:
        if sample_.processed is not None:
            counts.update(set(_lines(sample_.processed.extracted.text)))
    return {line for line, pages in counts.items() if pages >= REPEATED_LINE_PAGES}


def _lines(text: str) -> list[str]:
    lines = (" ".join(line.split()).lower() for line in text.splitlines())
    return [line for line in lines if len(line.split()) >= REPEATED_LINE_MIN_WORDS]


def _article_links(sample: Sample) -> int:
    return len(article_links(sample.url, sample.html)) if sample.html else 0


def _print_preview(name: str, found: Discovery, samples: list[Sample]) -> None:
    click.echo(f"feeds:    {', '.join(found.feeds) or '(none found)'}")
    click.echo(f"sitemaps: {', '.join(found.sitemaps) or '(none found)'}")
    click.echo(f"articles: {len(found.article_urls)} found, allow = {list(found.allow)}")
    repeated = repeated_lines(samples)
    rows = [_preview_row(sample_, repeated) for sample_ in samples]
    output.write_records(
        rows, "table", sys.stdout, columns=PREVIEW_COLUMNS, title=f"{name}: sampled articles"
    )


def _preview_row(sample_: Sample, repeated: set[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "url": sample_.url,
        "warnings": "; ".join(warnings_for(sample_, repeated)),
    }
    if sample_.processed is not None:
        extracted = sample_.processed.extracted
        row |= {
            "rules_fired": ", ".join(extracted.rules_fired),
            "title": extracted.title,
            "published": extracted.published.date().isoformat() if extracted.published else "",
            "author": extracted.author,
            "words": len(extracted.text.split()),
            "shows": ", ".join(show.name for show in sample_.processed.shows),
        }
    return row


def _entry_text(entry: dict[str, Any]) -> str:
    import tomlkit

    return "The entry:\n\n" + tomlkit.dumps({"sources": [entry]})


def _save_fixtures(directory: Path, samples: list[Sample]) -> int:
    saved = 0
    for sample_ in samples:
        if sample_.processed is not None and sample_.html is not None:
            slug = urlsplit(sample_.url).path.strip("/").split("/")[-1] or "home"
            name = re.sub(r"[^a-z0-9_-]+", "-", slug.lower().removesuffix(".html"))[:80]
            save_golden(directory, name, sample_.url, sample_.html, sample_.processed)
            saved += 1
    return saved


def _editable(sources_file: Path | None) -> Path:
    """The sources file to edit; the packaged one is not edited in place."""
    path = sources_file or default_sources_path()
    if path.resolve() == packaged_sources_path().resolve():
        raise SourceError(
            f"{path} is the sources file shipped with Marquee; copy it to ./{LOCAL_SOURCES_FILE} "
            "(or give --sources / $MARQUEE_SOURCES) and edit that"
        )
    return path


def _toggle(name: str, sources_file: Path | None, *, enabled: bool) -> None:
    path = _editable(sources_file)
    changed = set_enabled(path, name, enabled)
    state = "enabled" if enabled else "disabled"
    click.echo(f"{name!r} {state}" if changed else f"{name!r} was already {state}")
