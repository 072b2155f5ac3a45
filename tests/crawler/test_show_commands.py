"""`marquee shows` subcommands through the CLI runner on a real SQLite store: alias add, merge,
rename and add each change the registry and re-link the stored articles."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from crawler.records import article_record
from crawler.shows import ShowLinker
from pipeline.dedup import copy_similarity
from pipeline.process import process_page
from storage import saving
from storage.db import make_engine, make_sessionmaker, upgrade

TITLES = (
    "All of Us Are Dead Season 2 Wraps Filming in Seoul",
    "Jigeum Uri Hakgyoneun Season 2 Teaser Drops",
    "Why Jigeum Uri Hakgyoneun Still Matters to Its Fans",
    "Hyosan High Students Reunite for a Charity Stream",
    "Ten Zombie Films to Watch Before Halloween",
)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def page(title: str, n: int) -> str:
    """A small article page whose text resembles no other page's."""
    chance = random.Random(n)
    words = ["".join(chance.choices(LETTERS, k=chance.randint(3, 9))) for _ in range(160)]
    paragraphs = [" ".join(words[i : i + 40]).capitalize() + "." for i in range(0, 160, 40)]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


def store_articles(db_url: str) -> None:
    """Store the titled pages as a crawl would: processed, linked against the registry, saved."""
    upgrade(db_url)
    engine = make_engine(db_url)
    linker = ShowLinker()
    with make_sessionmaker(engine)() as session, session.begin():
        saving.ensure_source(session, "example")
        linker.refresh(session)
        for n, title in enumerate(TITLES):
            url = f"https://news.example/{n}"
            processed = process_page(page(title, n), url)
            extracted = processed.extracted
            processed = replace(processed, shows=linker.link(extracted.title, extracted.text))
            record = article_record(
                processed,
                source="example",
                fetched_url=url,
                raw_html=page(title, n).encode(),
                encoding="utf-8",
                fetched_at=datetime(2024, 6, 1, tzinfo=UTC),
                run_id=None,
            )
            saving.save_articles(session, [record], copy_similarity)
    engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'marquee.db'}"
    store_articles(url)
    return url


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=False)


def shows(db_url: str) -> dict[str, dict[str, Any]]:
    result = run(db_url, "shows", "--format", "json")
    assert result.exit_code == 0, result.output
    return {show["name"]: show for show in json.loads(result.output)}


def titles(db_url: str, show: str) -> list[str]:
    result = run(db_url, "articles", "--show", show, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["title"] for line in result.output.splitlines())


def test_the_store_starts_with_two_shows_for_one(db_url: str) -> None:
    registry = shows(db_url)
    assert set(registry) == {"All of Us Are Dead", "Jigeum Uri Hakgyoneun"}
    assert registry["Jigeum Uri Hakgyoneun"]["articles"] == 2


def test_alias_add_refuses_a_spelling_of_another_show(db_url: str) -> None:
    result = run(db_url, "shows", "alias", "add", "All of Us Are Dead", "Jigeum Uri Hakgyoneun")
    assert result.exit_code == 1
    assert "already spells the show 'Jigeum Uri Hakgyoneun'" in result.output
    assert "marquee shows merge" in result.output
    assert set(shows(db_url)) == {"All of Us Are Dead", "Jigeum Uri Hakgyoneun"}


def test_merge_files_every_article_and_spelling_under_the_target(db_url: str) -> None:
    result = run(db_url, "shows", "merge", "jigeum uri hakgyoneun", "ALL OF US ARE DEAD")
    assert result.exit_code == 0, result.output
    assert "Jigeum Uri Hakgyoneun merged into All of Us Are Dead: 2 articles moved" in result.output
    registry = shows(db_url)
    assert set(registry) == {"All of Us Are Dead"}
    merged = registry["All of Us Are Dead"]
    assert merged["articles"] == 3
    assert merged["aliases"] == ["All of Us Are Dead", "Jigeum Uri Hakgyoneun"]
    assert titles(db_url, "Jigeum Uri Hakgyoneun") == sorted(TITLES[:3])


def test_alias_add_links_articles_that_name_the_show_by_it(db_url: str) -> None:
    assert run(db_url, "articles", "--show", "Hyosan High").exit_code == 1  # no such show yet
    result = run(db_url, "shows", "alias", "add", "all of us are dead", "Hyosan High")
    assert result.exit_code == 0, result.output
    assert "All of Us Are Dead: 'Hyosan High' added" in result.output
    assert "re-linked 5 articles: 1 changed" in result.output
    assert titles(db_url, "Hyosan High") == sorted([TITLES[0], TITLES[3]])


def test_rename_keeps_the_old_name_as_an_alias(db_url: str) -> None:
    result = run(db_url, "shows", "rename", "Jigeum Uri Hakgyoneun", "Now at Our School")
    assert result.exit_code == 0, result.output
    renamed = shows(db_url)["Now at Our School"]
    assert renamed["aliases"] == ["Jigeum Uri Hakgyoneun", "Now at Our School"]
    assert titles(db_url, "now at our school") == titles(db_url, "Jigeum Uri Hakgyoneun")
    assert len(titles(db_url, "Now at Our School")) == 2


def test_add_registers_a_show_with_ids_and_aliases_before_any_article(db_url: str) -> None:
    result = run(
        db_url, "shows", "add", "Squid Game", "--alias", "Ojingeo Geim",
        "--external-id", "tmdb=93405",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run(db_url, "shows", "--format", "json")
    [squid] = [show for show in json.loads(result.output) if show["name"] == "Squid Game"]
    assert squid["aliases"] == ["Ojingeo Geim", "Squid Game"]
    assert squid["external_ids"] == {"tmdb": "93405"}
    assert squid["articles"] == 0
    bad = run(db_url, "shows", "add", "Squid Game", "--external-id", "tmdb")
    assert bad.exit_code == 1 and "CATALOGUE=ID" in bad.output
