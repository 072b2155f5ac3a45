"""The analyst commands end to end: a real crawl of the local sites, then `marquee search`,
`marquee export` (read back with pyarrow, csv and json) and the Python API against it."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from storage.corpus import Corpus, StoreNotReady
from storage.db import upgrade
from storage.search import MARK_END, MARK_START

pytestmark = pytest.mark.crawl

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


@dataclass
class Crawled:
    """A store crawled from the local sites, and what `marquee articles` says it holds."""

    db_url: str
    articles: list[dict[str, Any]]  # with copies

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, [*args, "--db", self.db_url], catch_exceptions=False)

    def originals(self) -> list[dict[str, Any]]:
        return [a for a in self.articles if a["duplicate_of"] is None]


@pytest.fixture(scope="module")
def crawled(sites: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """One crawl of every local site into a new SQLite store, shared by this module."""
    tmp = tmp_path_factory.mktemp("analysis")
    sources = sites.write_sources(tmp / "sources.toml")
    store = Crawled(f"sqlite:///{tmp / 'marquee.db'}", [])
    result = store.run("crawl", "--sources", str(sources), *FAST)
    assert result.exit_code == 0, result.output
    listed = store.run("articles", "--include-duplicates", "--format", "jsonl")
    store.articles = [json.loads(line) for line in listed.output.splitlines()]
    assert len(store.originals()) < len(store.articles)  # the sites hold a syndicated copy
    yield store


def _words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"[A-Za-z]{8,}", text)}


def _distinctive(articles: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """An article and a long word of its text that no other article has anywhere."""
    counts = Counter(w for a in articles for w in _words(a["text"]) | _words(a["title"] or ""))
    for article in articles:
        unique = sorted(w for w in _words(article["text"]) if counts[w] == 1)
        if unique:
            return article, unique[0]
    raise AssertionError("no article has a word of its own")


def _filed_under_the_zombie_show(
    crawled: Crawled, articles: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The articles filed under the show the sites spell "All of Us Are Dead" and "All Us Are
    Dead" (its registered name is whichever spelling the crawl met first)."""
    shows = _jsonl(crawled.run("shows", "--format", "jsonl"))
    [name] = [
        show["name"]
        for show in shows
        if {"all of us are dead", "all us are dead"} & {a.casefold() for a in show["aliases"]}
    ]
    return [a for a in articles if any(s["name"] == name for s in a["shows"])]


def _jsonl(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


# -- marquee search ---------------------------------------------------------------------------


def test_search_finds_the_one_article_with_a_word(crawled: Crawled) -> None:
    article, word = _distinctive(crawled.originals())

    [hit] = _jsonl(crawled.run("search", word, "--format", "jsonl"))

    assert (hit["id"], hit["title"], hit["url"]) == (
        article["id"],
        article["title"],
        article["url"],
    )
    assert hit["rank"] == 1
    assert re.search(f"{MARK_START}[^<]*{MARK_END}", hit["snippet"])
    marked = re.findall(f"{MARK_START}(.*?){MARK_END}", hit["snippet"])
    assert {m.casefold() for m in marked} == {word}


def test_search_table_shows_the_title_and_passage(crawled: Crawled) -> None:
    article, word = _distinctive(crawled.originals())
    result = crawled.run("search", word)
    assert result.exit_code == 0, result.output
    assert "1 hits" in result.output
    assert f" {article['source']} " in result.output
    assert re.search(rf"│ {article['id']}\s+│", result.output)


def test_search_by_show_keeps_only_that_shows_articles(crawled: Crawled) -> None:
    filed = {a["id"] for a in _filed_under_the_zombie_show(crawled, crawled.originals())}
    assert filed
    hits = _jsonl(crawled.run("search", "dead", "--show", "ALL US ARE DEAD", "--format", "jsonl"))
    assert hits and {hit["id"] for hit in hits} <= filed


def test_search_hides_copies_unless_asked(crawled: Crawled) -> None:
    copy = next(a for a in crawled.articles if a["duplicate_of"] is not None)
    _, word = _distinctive([copy])
    hidden = {h["id"] for h in _jsonl(crawled.run("search", word, "--format", "jsonl"))}
    shown = {
        h["id"]
        for h in _jsonl(
            crawled.run(
                "search", word, "--include-duplicates", "--format", "jsonl", "--limit", "50"
            )
        )
    }
    assert copy["id"] not in hidden
    assert copy["id"] in shown


def test_search_date_window(crawled: Crawled) -> None:
    dated = [a for a in crawled.originals() if a["published"]]
    article = dated[0]
    day = article["published"][:10]
    _, word = _distinctive([article])
    inside = _jsonl(
        crawled.run("search", word, "--since", day, "--until", day, "--format", "jsonl")
    )
    assert article["id"] in {h["id"] for h in inside}
    before = _jsonl(crawled.run("search", word, "--until", "2000-01-01", "--format", "jsonl"))
    assert before == []


def test_search_refuses_a_query_with_nothing_to_find(crawled: Crawled) -> None:
    args = ["search", "--db", crawled.db_url, "--", "-zombie"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "nothing to search for" in result.output


def test_search_with_an_unknown_show_suggests_one(crawled: Crawled) -> None:
    result = crawled.run("search", "dead", "--show", "All of Us Are Ded")
    assert result.exit_code != 0
    suggested = re.search(r"did you mean '([^']+)'", result.output)
    assert suggested
    [article] = _filed_under_the_zombie_show(crawled, crawled.originals())[:1]
    assert suggested.group(1) in {show["name"] for show in article["shows"]}


# -- marquee export ---------------------------------------------------------------------------


def test_parquet_export_reads_back_as_the_articles(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "articles.parquet"
    result = crawled.run("export", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"exported {len(crawled.originals())} articles" in result.output

    table = pq.read_table(out)
    rows = {row["id"]: row for row in table.to_pylist()}
    assert set(rows) == {a["id"] for a in crawled.originals()}
    assert str(table.schema.field("published").type) == "timestamp[us, tz=UTC]"
    for article in crawled.originals():
        row = rows[article["id"]]
        assert (row["title"], row["text"], row["url"]) == (
            article["title"],
            article["text"],
            article["url"],
        )
        assert row["urls"] == article["urls"]
        assert row["shows"] == article["shows"]
        published = row["published"].isoformat() if row["published"] else None
        assert published == article["published"]
    assert not list(tmp_path.glob("*.part"))


def test_csv_and_jsonl_exports_carry_every_field(crawled: Crawled, tmp_path: Path) -> None:
    everything = {a["id"]: a for a in crawled.articles}
    jsonl, table = tmp_path / "a.jsonl", tmp_path / "a.csv"
    crawled.run("export", "--format", "jsonl", "--out", str(jsonl), "--include-duplicates")
    crawled.run("export", "--format", "csv", "--out", str(table), "--include-duplicates")

    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    with table.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [line["id"] for line in lines] == sorted(everything)
    assert [int(row["id"]) for row in rows] == sorted(everything)
    for line, row in zip(lines, rows, strict=True):
        listed = everything[line["id"]]
        assert {k: line[k] for k in listed} == listed
        assert json.loads(row["shows"]) == listed["shows"]
        assert row["text"] == listed["text"]
        assert row["duplicate_of"] == str(listed["duplicate_of"] or "")


def test_per_show_export_writes_one_file_per_show(crawled: Crawled, tmp_path: Path) -> None:
    shows = _jsonl(crawled.run("shows", "--format", "jsonl"))
    result = crawled.run("export", "--format", "jsonl", "--per-show", str(tmp_path / "by-show"))
    assert result.exit_code == 0, result.output

    files = sorted((tmp_path / "by-show").iterdir())
    with_articles = [show for show in shows if show["articles"]]
    assert len(files) == len(with_articles)
    for show in with_articles:
        expected = {
            a["id"]
            for a in _jsonl(crawled.run("articles", "--show", show["name"], "--format", "jsonl"))
        }
        name = re.sub(r"[^\w]+", "-", show["name"].casefold()).strip("-_")
        lines = (tmp_path / "by-show" / f"{name}.jsonl").read_text().splitlines()
        assert {json.loads(line)["id"] for line in lines} == expected


def test_a_failed_export_leaves_the_old_file_alone(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "keep.csv"
    out.write_text("earlier export\n")
    result = crawled.run("export", "--format", "csv", "--out", str(out), "--show", "No Such Show")
    assert result.exit_code != 0
    assert out.read_text() == "earlier export\n"
    assert list(tmp_path.iterdir()) == [out]


def test_export_needs_exactly_one_destination(crawled: Crawled, tmp_path: Path) -> None:
    neither = crawled.run("export", "--format", "csv")
    both = crawled.run(
        "export", "--format", "csv", "--out", str(tmp_path / "a"), "--per-show", str(tmp_path)
    )
    assert neither.exit_code == both.exit_code == 2
    assert "exactly one of --out FILE and --per-show DIR" in neither.output


# -- the Python API ---------------------------------------------------------------------------


def test_the_corpus_reads_what_the_cli_lists(crawled: Crawled) -> None:
    with Corpus(crawled.db_url) as corpus:
        articles = corpus.articles(include_duplicates=True)
        frame = corpus.articles().to_pandas()
        shows = corpus.shows()
        stories = corpus.stories()
        weekly = corpus.articles_per_period(show="all us are dead")

    assert [a.id for a in articles] == [a["id"] for a in crawled.articles]
    assert list(frame["id"]) == [a["id"] for a in crawled.originals()]
    assert list(frame["title"]) == [a["title"] for a in crawled.originals()]
    assert {"id", "url", "text", "shows", "published"} <= set(frame.columns)
    assert [s.name for s in shows] == [
        s["name"] for s in _jsonl(crawled.run("shows", "--format", "jsonl"))
    ]
    copies = [a for a in crawled.articles if a["duplicate_of"] is not None]
    assert sorted(c.id for story in stories for c in story.copies) == sorted(
        c["id"] for c in copies
    )
    filed = _filed_under_the_zombie_show(crawled, crawled.originals())
    assert filed
    assert sum(count.articles for count in weekly) == len(filed)


def test_the_corpus_searches_and_filters_by_day(crawled: Crawled) -> None:
    article, word = _distinctive(crawled.originals())
    with Corpus(crawled.db_url) as corpus:
        [hit] = corpus.search(word)
        day = (article["published"] or article["first_seen"])[:10]
        on_the_day = corpus.articles(since=day, until=day)
        streamed = list(corpus.iter_articles())
    assert hit.id == article["id"]
    assert article["id"] in {a.id for a in on_the_day}
    assert [a.id for a in streamed] == sorted(a["id"] for a in crawled.originals())


def test_the_corpus_refuses_a_missing_or_old_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotReady, match="no store"):
        Corpus(f"sqlite:///{tmp_path / 'missing.db'}")
    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(old, "0007")
    with pytest.raises(StoreNotReady, match="marquee db upgrade"):
        Corpus(old)


@pytest.mark.postgres
def test_search_and_export_on_postgresql(sites: Any, tmp_path: Path, postgres_db_url: str) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", ["zombiewire"])
    store = Crawled(postgres_db_url, [])
    assert store.run("crawl", "--sources", str(sources), *FAST).exit_code == 0
    store.articles = _jsonl(store.run("articles", "--include-duplicates", "--format", "jsonl"))
    article, word = _distinctive(store.originals())

    [hit] = _jsonl(store.run("search", word, "--format", "jsonl"))
    assert hit["id"] == article["id"]
    assert f"{MARK_START}" in hit["snippet"]

    out = tmp_path / "zombiewire.parquet"
    assert store.run("export", "--format", "parquet", "--out", str(out)).exit_code == 0
    assert sorted(pq.read_table(out).column("id").to_pylist()) == sorted(
        a["id"] for a in store.originals()
    )
