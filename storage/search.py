"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector (migration 0008), one
query language on both, ranked hits with highlighted snippets.

The language is the web-search one PostgreSQL's ``websearch_to_tsquery`` reads: words (all
must match), "quoted phrases", ``OR`` between two terms, and ``-word`` to exclude. Words are
stemmed (English) on both backends; PostgreSQL also drops stop words such as "the".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnClause

from storage.models import SEARCH_COLUMN, SEARCH_TABLE, Article, ArticleShow, Show, Source
from storage.queries import EVERY_ARTICLE, filter_articles, sorted_links
from storage.records import ArticleFilter, SearchHit, ShowLink

MARK_START, MARK_END = "<mark>", "</mark>"
SNIPPET_WORDS = 24

# A quoted phrase (closed or running to the end), or a run of anything but space and quote;
# a leading "-" excludes either.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_FTS = table(SEARCH_TABLE, column("rowid"))
ALL_ARTICLES = ArticleFilter(include_duplicates=True)


class SearchError(ValueError):
    """The query cannot be searched for (it has no word to look for)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase of a query, and whether it must be absent."""

    words: str
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: groups that must all match, each matching when any of its terms does,
    and terms that must not match."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]


def parse_query(query: str) -> Query:
    """The terms of a web-search style query; SearchError if nothing is left to look for."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(query):
        minus = match.group(1) or match.group(3)
        words = (match.group(2) if match.group(2) is not None else match.group(4)).strip()
        if words == "OR" and not minus:
            join_next = bool(groups)
            continue
        if not re.search(r"\w", words):
            continue
        term = Term(words, excluded=bool(minus))
        if term.excluded:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        raise SearchError(f"nothing to search for in {query!r}: give at least one word")
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def to_fts5(query: Query) -> str:
    """The query as an FTS5 MATCH expression, every term quoted so no word is an operator."""
    groups = " AND ".join(
        "(" + " OR ".join(_fts5_string(term) for term in group) + ")" for group in query.groups
    )
    return "".join([groups, *(f" NOT {_fts5_string(term)}" for term in query.excluded)])


def _fts5_string(term: Term) -> str:
    return '"' + term.words.replace('"', '""') + '"'


def search(
    session: Session, query: str, filters: ArticleFilter = EVERY_ARTICLE, *, limit: int = 20
) -> list[SearchHit]:
    """The ``limit`` articles ``filters`` admit that best match ``query``, best first."""
    parsed = parse_query(query)
    if session.get_bind().dialect.name == "postgresql":
        ranked = _postgres_ranked(session, query, filters, limit)
    else:
        ranked = _sqlite_ranked(session, to_fts5(parsed), filters, limit)
    return _hits(session, ranked)


def _sqlite_ranked(
    session: Session, match: str, filters: ArticleFilter, limit: int
) -> list[tuple[int, float, str]]:
    # bm25 is lower for better matches; a title word weighs four text words. The snippets are
    # made in a second query for the chosen rows only: made in the first, SQLite would make
    # one for every match before sorting.
    score = -func.bm25(literal_column(SEARCH_TABLE), 4.0, 1.0)
    ranked = select(_FTS.c.rowid, score.label("score")).where(
        literal_column(SEARCH_TABLE).op("MATCH")(match), *_sqlite_admitted(filters)
    )
    rows = session.execute(ranked.order_by(text("score DESC"), _FTS.c.rowid).limit(limit)).all()
    snippets = _sqlite_snippets(session, match, [row.rowid for row in rows])
    return [(row.rowid, row.score, snippets.get(row.rowid, "")) for row in rows]


def _sqlite_admitted(filters: ArticleFilter) -> list[ColumnElement[bool]]:
    """The filters as conditions on the index's rowid, answered from articles' indexes.

    Joining articles instead would read each matching row up to duplicate_of_id, which lies
    past the text's overflow pages: three times the cost of ranking (bench/query). The unary
    plus keeps SQLite from running the MATCH once per listed id (seconds for a big source):
    the lists are built once and probed for each match.
    """
    rowid: ColumnClause[int] = literal_column(f"+{SEARCH_TABLE}.rowid")
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_duplicates:
        copies = select(Article.id).where(Article.duplicate_of_id.is_not(None))
        conditions.append(rowid.not_in(copies))
    narrowing = replace(filters, include_duplicates=True)
    if narrowing != ALL_ARTICLES:
        conditions.append(rowid.in_(filter_articles(select(Article.id), narrowing)))
    return conditions


def _sqlite_snippets(session: Session, match: str, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    # Column 1 is the text: the passage shows the matches there (the title is shown anyway).
    snippet = func.snippet(
        literal_column(SEARCH_TABLE), 1, MARK_START, MARK_END, "…", SNIPPET_WORDS
    )
    rows = session.execute(
        select(_FTS.c.rowid, snippet).where(
            literal_column(SEARCH_TABLE).op("MATCH")(match), _FTS.c.rowid.in_(ids)
        )
    )
    return {rowid: passage for rowid, passage in rows}


def _postgres_ranked(
    session: Session, query: str, filters: ArticleFilter, limit: int
) -> list[tuple[int, float, str]]:
    tsquery = func.websearch_to_tsquery("english", bindparam("query", query))
    vector: ColumnClause[Any] = column(SEARCH_COLUMN)
    score = func.ts_rank(vector, tsquery, type_=Float)
    best = (
        filter_articles(
            select(Article.id, Article.text, score.label("score"))
            .select_from(Article)
            .where(vector.op("@@")(tsquery)),
            filters,
        )
        .order_by(text("score DESC"), Article.id)
        .limit(limit)
        .subquery()
    )
    # ts_headline reads the whole text again: the outer query runs it on the chosen rows only.
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
        "MaxFragments=1, FragmentDelimiter=…"
    )
    passage = func.ts_headline("english", best.c.text, tsquery, options)
    rows = session.execute(
        select(best.c.id, best.c.score, passage).order_by(best.c.score.desc(), best.c.id)
    )
    return [(article_id, float(score), snippet) for article_id, score, snippet in rows]


def _hits(session: Session, ranked: list[tuple[int, float, str]]) -> list[SearchHit]:
    if not ranked:
        return []
    ids = [article_id for article_id, _, _ in ranked]
    # Plain rows, not ORM objects: a search answers in milliseconds and loading twenty
    # entities with their relationships would be a fifth of that.
    fields = {
        row.id: row
        for row in session.execute(
            select(
                Article.id,
                Article.canonical_url,
                Article.title,
                Article.published,
                Article.duplicate_of_id,
                Source.name.label("source"),
            )
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(ids))
        )
    }
    links: dict[int, set[ShowLink]] = {}
    for article_id, name, season in session.execute(
        select(ArticleShow.article_id, Show.name, ArticleShow.season)
        .join(Show, Show.id == ArticleShow.show_id)
        .where(ArticleShow.article_id.in_(ids))
    ):
        links.setdefault(article_id, set()).add(ShowLink(name, season))
    return [
        SearchHit(
            id=article_id,
            url=fields[article_id].canonical_url,
            source=fields[article_id].source,
            title=fields[article_id].title,
            published=fields[article_id].published,
            shows=sorted_links(links.get(article_id, set())),
            duplicate_of=fields[article_id].duplicate_of_id,
            score=score,
            snippet=snippet,
        )
        for article_id, score, snippet in ranked
    ]
