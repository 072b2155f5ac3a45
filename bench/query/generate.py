"""Generate a migrated store of articles over shows for the query benchmark, fast: bulk Core
inserts, ``--chunk`` articles per transaction (the SQLite FTS triggers and PostgreSQL's
generated search vector do their work on insert, as they do for a crawl).

    python -m bench.query.generate --db sqlite:////tmp/marquee-bench.db --articles 100000 \
        --shows 500 --seed 1 --out bench/results/query.json

The store must be new or empty. Articles carry no MinHash signature, band keys or revision rows
(none is needed to search or export); see bench.query.corpus for what the content looks like.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from bench.query.corpus import ArticleMaker, ArticleSpec, ShowSpec, Vocabulary, make_shows, sources
from pipeline.dedup import normalise_text
from pipeline.shows import alias_key
from storage.db import display_url, make_engine, upgrade
from storage.models import Article, ArticleShow, ArticleUrl, Show, ShowAlias, Source

CHUNK = 1000
SEQUENCED = (Source, Show, ShowAlias, Article, ArticleUrl, ArticleShow)


class StoreNotEmpty(RuntimeError):
    """The store already has articles: generated ids would clash with them."""


@dataclass(frozen=True, slots=True)
class Generated:
    """What a generation wrote, and how long it took."""

    dialect: str
    url: str
    seed: int
    sources: int
    shows: int
    aliases: int
    articles: int
    copies: int
    undated: int
    show_links: int
    words: int
    seconds: float  # inserting everything, indexes included
    vacuum_seconds: float  # PostgreSQL's VACUUM (ANALYZE) afterwards (0 on SQLite)


def generate(url: str, articles: int, shows: int, seed: int = 1, chunk: int = CHUNK) -> Generated:
    """Fill a new store at ``url`` with ``articles`` articles over ``shows`` shows."""
    upgrade(url)
    engine = make_engine(url)
    try:
        _refuse_filled(engine)
        return _fill(engine, url, articles, shows, seed, chunk)
    finally:
        engine.dispose()


def _refuse_filled(engine: Engine) -> None:
    with engine.connect() as connection:
        if connection.scalar(select(func.count()).select_from(Article)):
            raise StoreNotEmpty(f"{display_url(str(engine.url))} already has articles")


def _fill(engine: Engine, url: str, articles: int, shows: int, seed: int, chunk: int) -> Generated:
    start = time.perf_counter()
    vocabulary = Vocabulary()
    catalogue = make_shows(shows, vocabulary, seed)
    with engine.begin() as connection:
        source_ids = _insert_registry(connection, catalogue)
    maker = ArticleMaker(vocabulary, catalogue, articles, seed)
    tally = {"articles": 0, "copies": 0, "undated": 0, "show_links": 0, "words": 0}
    stream = maker.articles()
    while batch := list(itertools.islice(stream, chunk)):
        with engine.begin() as connection:
            _insert_articles(connection, batch, source_ids, tally)
        if tally["articles"] % 10_000 < chunk:
            print(
                f"{tally['articles']:>8} articles  {time.perf_counter() - start:7.1f} s", flush=True
            )
    _reset_sequences(engine)
    seconds = time.perf_counter() - start
    vacuum_seconds = _vacuum(engine)
    return Generated(
        dialect=engine.dialect.name,
        url=display_url(url),
        seed=seed,
        sources=len(source_ids),
        shows=len(catalogue),
        aliases=sum(len(show.aliases) for show in catalogue),
        seconds=round(seconds, 1),
        vacuum_seconds=round(vacuum_seconds, 1),
        **tally,
    )


def _insert_registry(connection: Connection, catalogue: Sequence[ShowSpec]) -> dict[str, int]:
    """Sources, shows and their spellings (a show's own name is its first alias, as
    storage.shows.add_show registers it); the source ids by name."""
    source_ids = {name: number for number, name in enumerate(sources(), start=1)}
    connection.execute(
        insert(Source), [{"id": number, "name": name} for name, number in source_ids.items()]
    )
    connection.execute(insert(Show), [{"id": show.id, "name": show.name} for show in catalogue])
    spellings = [
        {"show_id": show.id, "alias": alias, "key": alias_key(alias), "origin": origin}
        for show in catalogue
        for alias, origin in [(show.name, "name"), *((alias, "operator") for alias in show.aliases)]
    ]
    for number, row in enumerate(spellings, start=1):
        row["id"] = number
    connection.execute(insert(ShowAlias), spellings)
    return source_ids


def _insert_articles(
    connection: Connection,
    batch: Sequence[ArticleSpec],
    source_ids: dict[str, int],
    tally: dict[str, int],
) -> None:
    connection.execute(insert(Article), [_article_row(article, source_ids) for article in batch])
    connection.execute(
        insert(ArticleUrl),
        [{"id": item.id, "article_id": item.id, "url": item.url} for item in batch],
    )
    links = list(_link_rows(batch, first_id=tally["show_links"] + 1))
    if links:
        connection.execute(insert(ArticleShow), links)
    tally["articles"] += len(batch)
    tally["copies"] += sum(item.duplicate_of is not None for item in batch)
    tally["undated"] += sum(item.published is None for item in batch)
    tally["show_links"] += len(links)
    tally["words"] += sum(len(item.text.split()) for item in batch)


def _article_row(article: ArticleSpec, source_ids: dict[str, int]) -> dict[str, Any]:
    digest = hashlib.sha256(normalise_text(article.text).encode("utf-8")).hexdigest()
    return {
        "id": article.id,
        "source_id": source_ids[article.source],
        "canonical_url": article.url,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "modified": None,
        "tags": [],
        "language": "en",
        "text": article.text,
        "text_hash": digest,
        "image": article.image,
        "duplicate_of_id": article.duplicate_of,
        "similarity": article.similarity,
        "revision": 1,
        "first_seen": article.first_seen,
        "last_changed": article.first_seen,
    }


def _link_rows(batch: Iterable[ArticleSpec], first_id: int) -> Iterable[dict[str, Any]]:
    rows = (
        {"article_id": item.id, "show_id": show_id, "season": season, "confidence": 1.0}
        for item in batch
        for show_id, season in item.links
    )
    for number, row in enumerate(rows, start=first_id):
        yield {"id": number, **row}


def _reset_sequences(engine: Engine) -> None:
    """PostgreSQL: move each id sequence past the explicit ids written, so that later inserts
    (a crawl into the generated store) get fresh ids. SQLite needs nothing."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for model in SEQUENCED:
            table = model.__table__.name  # type: ignore[attr-defined]
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def _vacuum(engine: Engine) -> float:
    """PostgreSQL: VACUUM (ANALYZE) now, as autovacuum would do after so many inserts (it sets
    the visibility map that index-only scans need, and gathers planner statistics), so the
    store is measured in its steady state even on a server with autovacuum off. SQLite is left
    as a crawled store is: Marquee never runs ANALYZE there."""
    if engine.dialect.name != "postgresql":
        return 0.0
    start = time.perf_counter()
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("VACUUM (ANALYZE)")
    return time.perf_counter() - start


def record(generated: Generated, path: Path) -> None:
    """Keep the generation's figures under "generation" in the results file, by dialect
    (bench.query.run keeps that part when it writes its own)."""
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results.setdefault("generation", {})[generated.dialect] = asdict(generated)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Generate a store and print (and optionally record) what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLAlchemy URL (SQLite or PostgreSQL)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--shows", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="articles per transaction")
    parser.add_argument("--out", type=Path, help="results file to record the figures in")
    args = parser.parse_args(argv)
    try:
        generated = generate(args.db, args.articles, args.shows, args.seed, args.chunk)
    except StoreNotEmpty as error:
        parser.exit(2, f"error: {error}; generate into a new database\n")
    print(json.dumps(asdict(generated), indent=2))
    if args.out:
        record(generated, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
