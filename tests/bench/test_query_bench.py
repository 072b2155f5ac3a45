"""The query benchmark on a tiny generated store: the generator's invariants, and the search
part of bench.query.run producing its figures."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, aliased

from bench.query import commands, corpus, generate, run
from bench.query.queries import KINDS
from storage.db import make_engine
from storage.models import Article, ArticleShow, ArticleUrl, Show, ShowAlias, Source

ARTICLES, SHOWS = 300, 10


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, generate.Generated]:
    """A generated store of 300 articles over 10 shows, and what the generator reported."""
    url = f"sqlite:///{tmp_path_factory.mktemp('query') / 'store.db'}"
    return url, generate.generate(url, ARTICLES, SHOWS, seed=3, chunk=64)


@pytest.fixture
def engine(store: tuple[str, generate.Generated]) -> Iterator[Engine]:
    """An engine on the generated store."""
    engine = make_engine(store[0])
    yield engine
    engine.dispose()


def test_counts_match_the_request_and_the_report(
    store: tuple[str, generate.Generated], engine: Engine
) -> None:
    _, generated = store
    with engine.connect() as connection:
        articles = connection.execute(select(Article.id, Article.source_id)).all()
        sources = set(connection.scalars(select(Source.id)))
        urls = dict(connection.execute(select(ArticleUrl.article_id, ArticleUrl.url)).all())
        canonical = dict(connection.execute(select(Article.id, Article.canonical_url)).all())
        shows = connection.scalars(select(Show.id)).all()
        spellings = connection.execute(select(ShowAlias.show_id, ShowAlias.origin)).all()
    assert len(articles) == generated.articles == ARTICLES
    assert len(shows) == generated.shows == SHOWS
    assert all(source_id in sources for _, source_id in articles)
    assert urls == canonical
    named = [show_id for show_id, origin in spellings if origin == "name"]
    assert sorted(named) == sorted(shows)
    assert len(spellings) == SHOWS + generated.aliases


def test_copies_point_at_earlier_originals_of_other_sources(
    store: tuple[str, generate.Generated], engine: Engine
) -> None:
    original = aliased(Article)
    query = select(
        Article.id, Article.source_id, original.id, original.source_id, original.duplicate_of_id
    ).join(original, original.id == Article.duplicate_of_id)
    with engine.connect() as connection:
        copies = connection.execute(query).all()
    assert len(copies) == store[1].copies >= 1
    for copy_id, copy_source, original_id, original_source, original_of in copies:
        assert original_id < copy_id
        assert original_source != copy_source
        assert original_of is None


def test_full_text_search_finds_every_title_naming_a_linked_show(engine: Engine) -> None:
    with engine.connect() as connection:
        links = connection.execute(
            select(Show.name, Article.id, Article.title)
            .join(ArticleShow, ArticleShow.show_id == Show.id)
            .join(Article, Article.id == ArticleShow.article_id)
        ).all()
        name = next(name for name, _, title in links if name in (title or ""))
        titled = {i for show, i, title in links if show == name and name in (title or "")}
        found = set(
            connection.scalars(
                text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match"),
                {"match": f'"{name}"'},
            )
        )
    assert titled and titled <= found


def test_articles_repeat_for_a_seed() -> None:
    vocabulary = corpus.Vocabulary()
    shows = corpus.make_shows(5, vocabulary, seed=2)

    def titles(seed: int) -> list[str | None]:
        maker = corpus.ArticleMaker(vocabulary, shows, 40, seed)
        return [article.title for article in maker.articles()]

    assert titles(2) == titles(2)
    assert titles(2) != titles(3)


def test_run_measures_every_kind_and_keeps_the_generation_figures(
    store: tuple[str, generate.Generated], tmp_path: Path
) -> None:
    url, generated = store
    out = tmp_path / "query.json"
    generate.record(generated, out)
    assert run.main(["--db", url, "--parts", "search", "--per-kind", "2", "--out", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["generation"]["sqlite"]["articles"] == ARTICLES
    assert {"run_at", "python", "sqlite", "cores"} <= set(results["environment"])
    (measured,) = results["stores"]
    assert measured["dialect"] == "sqlite"
    assert measured["articles"] == ARTICLES
    kinds = measured["search"]["kinds"]
    assert set(kinds) == set(KINDS) == set(measured["plans"])
    assert measured["search"]["overall"]["queries"] == 2 * len(KINDS)
    for figures in kinds.values():
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert sum(figures["mean_hits"] for figures in kinds.values()) > 0
    assert all(plan["plan"] for plan in measured["plans"].values())


def test_a_child_reports_its_own_peak_memory_not_ours() -> None:
    child = commands.run_child([sys.executable, "-c", "bytearray(64 * 2**20)"])
    assert child.exit_code == 0
    assert 64 <= child.peak_rss_mib < 64 + 100


def test_a_parquet_export_holds_every_article_the_filter_admits(
    store: tuple[str, generate.Generated], engine: Engine, tmp_path: Path
) -> None:
    url, _ = store
    with Session(engine) as session:
        (since, until), _ = commands.date_windows(session, [100, 200])
        case = commands.ExportCase("parquet window", "parquet", since, until)
        result = commands.measure_export(session, url, case, tmp_path)
    assert result["rows"] == result["expected_rows"] > 0
    assert result["peak_rss_mib"] > 0 and result["seconds"] > 0
    assert not list(tmp_path.iterdir())
