"""The show registry end to end: a real crawl files three spellings of one show under one show,
and operators correct the registry through the CLI (alias add, merge, rename), which re-links
the stored articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli

pytestmark = pytest.mark.crawl

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
SPELLINGS = {"All Of Us Are Dead", "All Us Are Dead", "All of Us Are Daed"}


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=False)


def shows(db_url: str) -> dict[str, dict[str, Any]]:
    result = run(db_url, "shows", "--format", "json")
    assert result.exit_code == 0, result.output
    return {show["name"]: show for show in json.loads(result.output)}


def articles(db_url: str, *args: str) -> list[dict[str, Any]]:
    result = run(db_url, "articles", "--format", "jsonl", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.fixture(scope="module")
def db_url(sites: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One crawl of every local site: kdramabuzz and syndicator spell the show right,
    zombiewire three ways."""
    tmp = tmp_path_factory.mktemp("registry")
    sources = sites.write_sources(tmp / "sources.toml")
    url = f"sqlite:///{tmp / 'marquee.db'}"
    result = run(url, "crawl", "--sources", str(sources), *FAST)
    assert result.exit_code == 0, result.output
    yield url


def test_three_spellings_end_as_one_show_holding_all_its_articles(db_url: str) -> None:
    registry = shows(db_url)
    holding = [show for show in registry.values() if SPELLINGS & set(show["aliases"])]
    assert len(holding) == 1, registry
    [show] = holding
    assert set(show["aliases"]) >= SPELLINGS
    # kdramabuzz's two, syndicator's own cast article (its copy is not counted), zombiewire's three.
    assert show["articles"] == 6
    assert show["seasons"] == [2]
    filed = articles(db_url, "--show", "all us are dead")  # any spelling, any case
    assert (
        sorted(a["source"] for a in filed)
        == ["kdramabuzz"] * 2 + ["syndicator"] + ["zombiewire"] * 3
    )


def test_sidebar_headlines_and_showless_articles_file_nothing(db_url: str) -> None:
    registry = shows(db_url)
    # zombiewire's related links name Sweet Home Season 3; no article of Sweet Home was stored.
    assert "Sweet Home" not in registry
    [films] = [a for a in articles(db_url, "--source", "zombiewire") if "Films" in a["title"]]
    assert films["shows"] == []


def test_an_unknown_show_is_an_error_that_suggests_the_closest(db_url: str) -> None:
    result = run(db_url, "articles", "--show", "Stranger Thigns")
    assert result.exit_code == 1
    assert "no show named 'Stranger Thigns'; did you mean 'Stranger Things'?" in result.output


def test_rename_keeps_every_spelling_and_article(db_url: str, tmp_path: Path) -> None:
    [current] = [name for name, show in shows(db_url).items() if SPELLINGS & set(show["aliases"])]
    result = run(db_url, "shows", "rename", current, "All of Us Are Dead (TV series)")
    assert result.exit_code == 0, result.output
    assert "re-linked" in result.output
    renamed = shows(db_url)["All of Us Are Dead (TV series)"]
    assert set(renamed["aliases"]) >= SPELLINGS and renamed["articles"] == 6
    assert len(articles(db_url, "--show", "ALL OF US ARE DAED")) == 6
    run(db_url, "shows", "rename", "All of Us Are Dead (TV series)", "All of Us Are Dead")
