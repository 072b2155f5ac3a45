"""The `marquee` command through Click's runner: extract, sources, errors and help texts."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from crawler.clidoc import walk_commands

PAGES = Path(__file__).parent / "pipeline" / "pages"
ARTICLE = PAGES / "techradar247_aouad_s2.html"
LISTING = PAGES / "listing_kdrama.html"
EXTRACT_KEYS = {
    "file", "url", "canonical_url", "title", "author", "published", "modified", "tags",
    "language", "text", "shows",
}  # fmt: skip


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_extract_prints_clean_text() -> None:
    result = run("extract", str(ARTICLE))
    assert result.exit_code == 0, result.output
    assert "Nam On-jo did not die at the finale." in result.output
    assert "Leave a Reply" not in result.output


def test_extract_json_has_every_key(tmp_path: Path) -> None:
    url = "https://techradar247.example/all-of-us-are-dead-season-2/"
    result = run("extract", str(ARTICLE), "--url", url, "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert set(record) == EXTRACT_KEYS
    assert record["file"] == str(ARTICLE)
    assert record["url"] == url
    assert {"name": "All Of Us Are Dead", "season": 2} in record["shows"]
    assert record["published"] is None or record["published"][:4].isdigit()


def test_extract_reads_gzip_and_gives_one_json_line_per_input(tmp_path: Path) -> None:
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(ARTICLE.read_bytes()))
    result = run("extract", str(gz), str(ARTICLE), "--format", "json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["file"] for r in lines] == [str(gz), str(ARTICLE)]
    assert lines[0]["text"] == lines[1]["text"]


def test_extract_reports_bad_pages_as_error_lines_and_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.html"
    result = run(
        "extract", str(ARTICLE), str(empty), str(missing), str(LISTING), "--format", "jsonl"
    )
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [("error" in r) for r in records] == [False, True, True, True]
    assert records[2]["file"] == str(missing)
    assert "not-an-article" in records[3]["error"]
    assert "Traceback" not in result.output


def test_extract_fetches_urls(sites: Any) -> None:
    url = f"{sites.base('kdramabuzz')}/2024/05/squid-game-season-3-release-date-cast/"
    result = run("extract", url, "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["canonical_url"] == url
    assert record["shows"] == [{"name": "Squid Game", "season": 3}]


def test_extract_rejects_url_option_with_several_inputs() -> None:
    result = run("extract", str(ARTICLE), str(LISTING), "--url", "https://x.example/")
    assert result.exit_code == 2
    assert "--url applies to a single input" in result.output


def test_sources_list_shows_the_file(sites: Any, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml")
    result = run("sources", "list", "--sources", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert [s["name"] for s in json.loads(result.output)] == sites.names


def test_sources_list_uses_the_env_var(sites: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("MARQUEE_SOURCES", str(sites.write_sources(tmp_path / "s.toml")))
    result = run("sources", "list", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("name,enabled")


def test_a_bad_sources_file_names_source_and_key(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "buzz"\nfeeds = ["https://x.example/feed"]\nallow = ["("]\n'
    )
    for args in (("sources", "list"), ("crawl", "--db", f"sqlite:///{tmp_path}/x.db")):
        result = run(*args, "--sources", str(path))
        assert result.exit_code == 2, result.output
        assert 'source "buzz", key "allow"' in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()  # nothing is created when the sources file is bad


def test_crawl_of_an_unknown_source_names_the_known_ones(sites: Any, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml")
    result = run(
        "crawl", "nosuchsite", "--sources", str(path), "--db", f"sqlite:///{tmp_path}/x.db"
    )
    assert result.exit_code == 2
    assert "nosuchsite" in result.output
    assert "kdramabuzz" in result.output


def test_reading_a_missing_store_says_what_to_do(tmp_path: Path) -> None:
    result = run("articles", "--db", f"sqlite:///{tmp_path}/none.db")
    assert result.exit_code == 1
    assert "marquee crawl" in result.output
    assert not (tmp_path / "none.db").exists()


def test_db_upgrade_creates_an_empty_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/new.db"
    assert run("db", "upgrade", "--db", db).exit_code == 0
    result = run("articles", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


@pytest.mark.parametrize(
    "command",
    [tuple(name for name, _ in chain[1:]) for chain in walk_commands([("marquee", cli)])],
    ids=lambda command: " ".join(command) or "marquee",
)
def test_every_command_explains_itself(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    # A docstring summary, not just the option list.
    assert len(result.output.split("Options:")[0].split("\n", 2)[-1].strip()) > 20


def test_the_console_script_is_installed() -> None:
    marquee = shutil.which("marquee") or str(Path(sys.executable).parent / "marquee")
    result = subprocess.run([marquee, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "crawl" in result.stdout
