"""`marquee sources add|enable|disable|remove` through the CLI against local sites of different
shapes (tests/addsites/): what is found, what is written, what is kept, what is refused."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from crawler.sources import load_sources, packaged_sources_path
from tests.sitesserver import LocalSites

ADD_SITES = Path(__file__).parent.parent / "addsites"
EXISTING = """# Our sources: keep this comment.
[[sources]]
name = "existing"  # and this one
feeds = ["https://existing.example/feed/"]
"""


@pytest.fixture(scope="module")
def addsites() -> Iterator[LocalSites]:
    sites = LocalSites(ADD_SITES)
    sites.start()
    yield sites
    sites.stop()


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(EXISTING, encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def add(sites: LocalSites, site: str, sources_file: Path, *extra: str) -> Result:
    """`sources add` of a local site, named after its directory unless --name is given."""
    home = sites.base(site) + "/"
    name = [] if "--name" in extra else ["--name", site]
    return run("sources", "add", home, "--yes", "--delay", "0", "--sources", str(sources_file),
               *name, *extra)  # fmt: skip


def written(sources_file: Path, name: str) -> dict[str, Any]:
    entries = tomllib.loads(sources_file.read_text(encoding="utf-8"))["sources"]
    [entry] = [entry for entry in entries if entry["name"] == name]
    return dict(entry)


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("feedonly", {"feeds": ["/rss.xml"], "allow": ["/news/"]}),
        ("sitemapindex", {"sitemaps": ["/sitemap_index.xml"], "allow": [r"/\d{4}/\d{2}/"]}),
        ("linksonly", {"start_urls": ["/"], "allow": ["/story/"]}),
        ("robotssitemaps", {"sitemaps": ["/maps/news.xml"], "allow": ["/articles/"]}),
    ],
)
def test_each_shape_of_site_gets_an_entry_that_loads(
    addsites: LocalSites, sources_file: Path, site: str, expected: dict[str, list[str]]
) -> None:
    result = add(addsites, site, sources_file)
    assert result.exit_code == 0, result.output
    base = addsites.base(site)
    entry = written(sources_file, site)
    urls = {
        key: [base + path for path in paths] for key, paths in expected.items() if key != "allow"
    }
    assert entry == {"name": site, **urls, "allow": expected["allow"]}
    # The preview sampled the articles: their titles are in the output.
    assert "Hospital Playlist Season 3 Confirmed" in result.output
    assert f"added '{site}'" in result.output
    # The file keeps its comments and first entry, and loads as `marquee crawl` loads it.
    text = sources_file.read_text(encoding="utf-8")
    assert text.startswith(EXISTING)
    assert [source.name for source in load_sources(sources_file)] == ["existing", site]


def test_a_site_whose_robots_txt_disallows_everything_is_refused(
    addsites: LocalSites, sources_file: Path
) -> None:
    result = add(addsites, "private", sources_file)
    assert result.exit_code == 3
    assert "robots.txt disallows Marquee from crawling this site; not adding it" in result.output
    assert sources_file.read_text(encoding="utf-8") == EXISTING


def test_the_preview_warns_of_boilerplate_the_extraction_left(
    addsites: LocalSites, sources_file: Path
) -> None:
    # Every feedonly article ends with the same promo line; the other sites' do not.
    assert "boilerplate suspected" in add(addsites, "feedonly", sources_file).output
    assert "boilerplate suspected" not in add(addsites, "linksonly", sources_file).output


def test_without_yes_the_entry_is_written_only_on_confirmation(
    addsites: LocalSites, sources_file: Path
) -> None:
    home = addsites.base("linksonly") + "/"
    args = ["sources", "add", home, "--delay", "0", "--sources", str(sources_file)]
    declined = CliRunner().invoke(cli, args, input="n\n")
    assert declined.exit_code == 0 and "not added" in declined.output
    assert sources_file.read_text(encoding="utf-8") == EXISTING
    confirmed = CliRunner().invoke(cli, [*args, "--name", "gazette"], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert written(sources_file, "gazette")["start_urls"] == [home]


def test_a_name_taken_already_is_refused(addsites: LocalSites, sources_file: Path) -> None:
    result = add(addsites, "feedonly", sources_file, "--name", "existing")
    assert result.exit_code == 2, result.output
    assert 'a source named "existing" exists already' in result.output


def test_save_fixtures_writes_golden_files_for_the_samples(
    addsites: LocalSites, sources_file: Path, tmp_path: Path
) -> None:
    fixtures = tmp_path / "golden" / "sitemapindex"
    result = add(addsites, "sitemapindex", sources_file, "--save-fixtures", str(fixtures))
    assert result.exit_code == 0, result.output
    pages = sorted(path.name for path in fixtures.glob("*.html.gz"))
    assert len(pages) == 3 and "saved 3 golden fixtures" in result.output
    record = json.loads((fixtures / "hospital-playlist-season-3-confirmed-by-tvn.json").read_text())
    assert record["title"] == "Hospital Playlist Season 3 Confirmed by tvN"
    assert record["author"] == "Park Seo-yeon"
    assert record["shows"] == [{"name": "Hospital Playlist", "season": 3}]


def test_disable_enable_and_remove_keep_the_rest_of_the_file(sources_file: Path) -> None:
    sources_file.write_text(
        EXISTING
        + '\n# a second one\n[[sources]]\nname = "other"\nfeeds = ["https://o.example/f"]\n'
    )
    file = ["--sources", str(sources_file)]
    assert "'existing' disabled" in run("sources", "disable", "existing", *file).output
    assert "already disabled" in run("sources", "disable", "existing", *file).output
    assert written(sources_file, "existing")["enabled"] is False
    assert "'existing' enabled" in run("sources", "enable", "existing", *file).output
    assert written(sources_file, "existing")["enabled"] is True
    assert run("sources", "remove", "other", *file).exit_code == 0
    text = sources_file.read_text(encoding="utf-8")
    assert "# Our sources: keep this comment." in text and "# and this one" in text
    assert [source.name for source in load_sources(sources_file)] == ["existing"]
    missing = run("sources", "remove", "nope", *file)
    assert (
        missing.exit_code == 2
        and 'no source named "nope"; known sources: existing' in missing.output
    )


def test_the_packaged_sources_file_is_not_edited_in_place() -> None:
    result = run("sources", "disable", "soompi", "--sources", str(packaged_sources_path()))
    assert result.exit_code == 2
    assert "copy it to ./sources.toml" in result.output


def test_sources_test_is_a_dry_run_that_names_the_rules_that_fired(
    sites: LocalSites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", ["kdramabuzz"])
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = run("sources", "test", "kdramabuzz", "--pages", "2", "--delay", "0",
                 "--sources", str(sources), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert list(cwd.iterdir()) == []  # nothing stored: no store was created
    pages = json.loads(result.output)
    assert len(pages) == 2
    for page in pages:
        # kdramabuzz wraps every article in a WhatsApp/Telegram box and a comment thread.
        assert {"social-cta", "comments"} <= set(page["rules_fired"].split(", ")), page
        assert page["title"] and page["published"] and page["words"] > 150


def test_sources_test_of_one_url_warns_about_a_listing_page(
    sites: LocalSites, tmp_path: Path
) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml", ["kdramabuzz"])
    home = sites.base("kdramabuzz") + "/"
    result = run("sources", "test", "kdramabuzz", "--url", home, "--delay", "0",
                 "--sources", str(sources), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    [page] = json.loads(result.output)
    assert page["url"] == home
    assert set(page["warnings"].split("; ")) == {"short text", "looks like a listing page"}
