"""storage.search: the full-text index follows the articles, the query language means the
same on SQLite (FTS5) and PostgreSQL (tsvector), filters narrow, snippets mark the matches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage.records import ArticleFilter, ArticleRecord, ShowRef
from storage.saving import save_article
from storage.search import MARK_END, MARK_START, SearchError, parse_query, search, to_fts5

RecordFactory = Callable[..., ArticleRecord]

ZOMBIES = ShowRef("All of Us Are Dead", "all of us are dead")


def _save(session: Session, make_record: RecordFactory, url: str, **changes: Any) -> int:
    return save_article(session, make_record(url, **changes)).article_id


def _ids(session: Session, query: str, **filters: Any) -> list[int]:
    return [hit.id for hit in search(session, query, ArticleFilter(**filters))]


@pytest.fixture
def corpus(db_session: Session, make_record: RecordFactory) -> dict[str, int]:
    """Four articles with known words: ids by a short name."""
    save = _save
    return {
        "school": save(
            db_session,
            make_record,
            "https://a.example/school",
            title="Zombies return to Hyosan High",
            text="The students of Hyosan High fight the zombies again in the second season.",
            shows=(ZOMBIES,),
            source="soompi",
            published=datetime(2024, 3, 1, tzinfo=UTC),
        ),
        "casting": save(
            db_session,
            make_record,
            "https://b.example/casting",
            title="Casting news for the sequel",
            text="A zombie thriller adds two actors; the director praised the cast.",
            source="dramabeans",
            published=datetime(2024, 5, 10, tzinfo=UTC),
        ),
        "finale": save(
            db_session,
            make_record,
            "https://b.example/finale",
            title="Squid Game finale recap",
            text="The final game ends the series. Netflix confirmed no more seasons.",
            source="dramabeans",
            published=datetime(2024, 6, 2, tzinfo=UTC),
        ),
        "cooking": save(
            db_session,
            make_record,
            "https://c.example/cooking",
            title="A cooking show returns",
            text="Chefs return to the kitchen on Disney for a new season of recipes.",
            source="variety",
            published=None,
        ),
    }


def test_words_match_stemmed_and_title_words_rank_first(
    db_session: Session, corpus: dict[str, int]
) -> None:
    # "zombies" is in the first article's title and text, "zombie" in the second's text only.
    assert _ids(db_session, "zombies") == [corpus["school"], corpus["casting"]]
    assert _ids(db_session, "ZOMBIE") == [corpus["school"], corpus["casting"]]
    assert _ids(db_session, "vampire") == []


def test_every_word_must_match_unless_joined_by_or(
    db_session: Session, corpus: dict[str, int]
) -> None:
    assert _ids(db_session, "zombie director") == [corpus["casting"]]
    assert set(_ids(db_session, "netflix OR disney")) == {corpus["finale"], corpus["cooking"]}
    assert set(_ids(db_session, "zombie students OR actors")) == {
        corpus["school"],
        corpus["casting"],
    }


def test_phrases_keep_their_word_order(db_session: Session, corpus: dict[str, int]) -> None:
    assert _ids(db_session, '"final game"') == [corpus["finale"]]
    assert _ids(db_session, '"game ends"') == [corpus["finale"]]
    assert _ids(db_session, '"ends game"') == []


def test_a_minus_excludes_a_word(db_session: Session, corpus: dict[str, int]) -> None:
    assert _ids(db_session, "zombies -director") == [corpus["school"]]
    assert set(_ids(db_session, 'season -"hyosan high"')) == {corpus["finale"], corpus["cooking"]}


def test_snippets_mark_the_matched_words_in_the_text(
    db_session: Session, corpus: dict[str, int]
) -> None:
    [hit] = search(db_session, "director")
    assert f"{MARK_START}director{MARK_END}" in hit.snippet
    assert hit.snippet.replace(MARK_START, "").replace(MARK_END, "") in (
        "A zombie thriller adds two actors; the director praised the cast."
    )
    assert (hit.title, hit.source, hit.url) == (
        "Casting news for the sequel",
        "dramabeans",
        "https://b.example/casting",
    )


def test_hits_carry_their_shows(db_session: Session, corpus: dict[str, int]) -> None:
    [hit] = search(db_session, "hyosan")
    assert [show.name for show in hit.shows] == ["All of Us Are Dead"]


def test_filters_narrow_the_hits(db_session: Session, corpus: dict[str, int]) -> None:
    assert _ids(db_session, "zombie", show="all of us are dead") == [corpus["school"]]
    assert _ids(db_session, "zombie", source="dramabeans") == [corpus["casting"]]
    may = datetime(2024, 5, 1, tzinfo=UTC)
    assert _ids(db_session, "zombie", since=may) == [corpus["casting"]]
    assert _ids(db_session, "zombie", until=may) == [corpus["school"]]


def test_an_undated_article_is_dated_by_when_it_was_first_seen(
    db_session: Session, corpus: dict[str, int]
) -> None:
    # The fixture's pages were first seen on 2024-05-01 12:00 UTC.
    assert _ids(db_session, "kitchen", since=datetime(2024, 5, 1, tzinfo=UTC)) == [
        corpus["cooking"]
    ]
    assert _ids(db_session, "kitchen", until=datetime(2024, 5, 1, tzinfo=UTC)) == []


def test_copies_are_hidden_unless_asked_for(
    db_session: Session, make_record: RecordFactory, corpus: dict[str, int]
) -> None:
    text = "The final game ends the series. Netflix confirmed no more seasons."
    later = datetime(2024, 7, 1, tzinfo=UTC)  # after the original: the copy is this one
    copy = _save(
        db_session, make_record, "https://d.example/copy", text=text, source="wire", published=later
    )

    assert _ids(db_session, "netflix") == [corpus["finale"]]
    assert set(_ids(db_session, "netflix", include_duplicates=True)) == {corpus["finale"], copy}


def test_the_index_follows_a_changed_text(
    db_session: Session, make_record: RecordFactory, corpus: dict[str, int]
) -> None:
    url = "https://a.example/school"
    _save(db_session, make_record, url, title="Hyosan High closes", text="Snow closed it.")

    assert _ids(db_session, "snow") == [corpus["school"]]
    assert _ids(db_session, "students") == []
    assert _ids(db_session, "closes") == [corpus["school"]]


def test_the_limit_keeps_the_best(db_session: Session, corpus: dict[str, int]) -> None:
    best = search(db_session, "zombies", limit=1)
    assert [hit.id for hit in best] == [corpus["school"]]
    assert best[0].score >= search(db_session, "zombies")[1].score


@pytest.mark.parametrize(
    "query", ["NEAR(a b)", "title:zombie", '"unclosed', "zomb*", "a AND OR NOT b", "^zombie", "(x"]
)
def test_operator_characters_are_searched_as_words_not_errors(
    db_session: Session, corpus: dict[str, int], query: str
) -> None:
    assert isinstance(search(db_session, query), list)


@pytest.mark.parametrize("query", ["", "   ", "-zombie", "OR", '""', "- --"])
def test_a_query_with_nothing_to_find_is_refused(query: str) -> None:
    with pytest.raises(SearchError):
        parse_query(query)


def test_parsed_queries_become_quoted_fts5_expressions() -> None:
    query = parse_query('zombie "all of us" OR school -trailer')
    assert to_fts5(query) == '("zombie") AND ("all of us" OR "school") NOT "trailer"'
    assert to_fts5(parse_query('say "hi""')) == '("say") AND ("hi")'
