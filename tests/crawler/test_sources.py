"""The sources file: loading, validation messages, selection and where the file is looked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sources import (
    Source,
    SourceError,
    default_sources_path,
    load_sources,
    select_sources,
)
from pipeline.types import ExtractOptions

VALID = """
[[sources]]
name = "kdramabuzz"
start_urls = ["https://kdramabuzz.example/"]
feeds = ["https://kdramabuzz.example/feed/"]
sitemaps = ["https://kdramabuzz.example/sitemap_index.xml"]
allow = ['/\\d{4}/\\d{2}/']
deny = ['/tag/', '/author/']
max_pages = 50

[[sources]]
name = "syndicator"
feeds = ["http://127.0.0.1:8001/feed.xml"]

[[sources]]
name = "old-blog"
feeds = ["https://old.example/rss"]
enabled = false
"""

MINIMAL = '[[sources]]\nname = "{name}"\nfeeds = ["https://site.example/feed"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    """The SourceError message for a sources file with this text."""
    with pytest.raises(SourceError) as caught:
        load_sources(write(tmp_path, text))
    return str(caught.value)


def test_a_valid_file_loads_into_frozen_sources(tmp_path: Path) -> None:
    kdramabuzz, syndicator, old = load_sources(write(tmp_path, VALID))
    assert kdramabuzz.feeds == ("https://kdramabuzz.example/feed/",)
    assert kdramabuzz.deny == ("/tag/", "/author/")
    assert kdramabuzz.max_pages == 50
    assert (syndicator.start_urls, syndicator.sitemaps, syndicator.allow) == ((), (), ())
    assert (syndicator.max_pages, syndicator.enabled) == (500, True)
    assert old.enabled is False
    with pytest.raises(ValueError, match="frozen"):
        kdramabuzz.max_pages = 1


def test_load_accepts_a_string_path(tmp_path: Path) -> None:
    assert len(load_sources(str(write(tmp_path, VALID)))) == 3


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            'feeds = ["https://a.example/f"]\nallow = ["("]',
            'source "bad", key "allow": invalid regex \'(\': missing ), unterminated subpattern',
        ),
        (
            'feeds = ["https://a.example/f"]\ndeny = ["[a-"]',
            'source "bad", key "deny": invalid regex',
        ),
        (
            'feeds = ["https://a.example/f"]\nfollow_links = true',
            'source "bad", key "follow_links": unknown key',
        ),
        (
            'feeds = ["ftp://a.example/f"]',
            'source "bad", key "feeds": invalid URL \'ftp://a.example/f\'',
        ),
        ('start_urls = ["/relative/"]', 'source "bad", key "start_urls": invalid URL'),
        ('sitemaps = "https://a.example/s.xml"', 'source "bad", key "sitemaps": '),
        ('feeds = ["https://a.example/f"]\nmax_pages = 0', 'source "bad", key "max_pages": '),
        ('feeds = ["https://a.example/f"]\nmax_pages = "10"', 'source "bad", key "max_pages": '),
        ('feeds = ["https://a.example/f"]\nenabled = "yes"', 'source "bad", key "enabled": '),
        ("start_urls = []", 'source "bad": "start_urls", "feeds" and "sitemaps" are all empty'),
        (
            'feeds = ["https://a.example/f"]\ncontent_selector = "div["',
            'source "bad", key "content_selector": invalid CSS selector \'div[\': '
            "Expected ident or '*', got <EOF at 4>",
        ),
        (
            'feeds = ["https://a.example/f"]\ndrop_selectors = [".ads", "p..x"]',
            'source "bad", key "drop_selectors": invalid CSS selector \'p..x\'',
        ),
        (
            'feeds = ["https://a.example/f"]\ntitle_selector = ""',
            'source "bad", key "title_selector": invalid CSS selector \'\'',
        ),
        (
            'feeds = ["https://a.example/f"]\ndate_selector = "time[datetime"',
            'source "bad", key "date_selector": invalid CSS selector',
        ),
        (
            'feeds = ["https://a.example/f"]\nauthor_selector = [".byline"]',
            'source "bad", key "author_selector": ',
        ),
        (
            'feeds = ["https://a.example/f"]\ndrop_selectors = ".ads"',
            'source "bad", key "drop_selectors": ',
        ),
        (
            'feeds = ["https://a.example/f"]\nevery = "2x"',
            'source "bad", key "every": invalid duration \'2x\': write it like "30m"',
        ),
        (
            'feeds = ["https://a.example/f"]\ncron = "61 * * * *"',
            'source "bad", key "cron": invalid cron line \'61 * * * *\'',
        ),
        (
            'feeds = ["https://a.example/f"]\nevery = "1h"\ncron = "0 * * * *"',
            'source "bad": "every" and "cron" are both set; give one',
        ),
        (
            'feeds = ["https://a.example/f"]\nrevisit = "0d"',
            'source "bad", key "revisit": invalid duration \'0d\': it must be longer than zero',
        ),
    ],
)
def test_each_problem_names_file_source_and_key(tmp_path: Path, entry: str, expected: str) -> None:
    message = problem(tmp_path, f'[[sources]]\nname = "bad"\n{entry}\n')
    assert message.startswith(f"{tmp_path / 'sources.toml'}: ")
    assert expected in message
    assert "\n" not in message


def test_a_source_without_a_valid_name_is_named_by_position(tmp_path: Path) -> None:
    text = MINIMAL.format(name="fine") + MINIMAL.format(name="Not Valid!") + "[[sources]]\n"
    lines = problem(tmp_path, text).splitlines()
    assert "sources[1], key \"name\": invalid name 'Not Valid!'" in lines[0]
    assert 'sources[2], key "name": required key is missing' in lines[1]


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    text = MINIMAL.format(name="one") + 'allow = ["("]\nbogus = 1\n' + MINIMAL.format(name="Two")
    first, second, third = problem(tmp_path, text).splitlines()
    assert 'source "one", key "allow"' in first
    assert 'source "one", key "bogus"' in second
    assert 'sources[1], key "name"' in third


def test_duplicate_names_are_reported_with_both_positions(tmp_path: Path) -> None:
    text = (
        MINIMAL.format(name="twice") + MINIMAL.format(name="other") + MINIMAL.format(name="twice")
    )
    message = problem(tmp_path, text)
    assert 'source "twice" (sources[2]), key "name": duplicate of sources[0]' in message


def test_invalid_toml_is_reported_with_line_and_column(tmp_path: Path) -> None:
    message = problem(tmp_path, '[[sources]]\nname = "x"\nfeeds = [https://a.example/f]\n')
    assert message.endswith("sources.toml: not valid TOML: Invalid value (at line 3, column 10)")


def test_a_file_without_sources_is_an_error(tmp_path: Path) -> None:
    assert "no sources defined" in problem(tmp_path, "# nothing yet\n")


def test_unknown_top_level_keys_are_errors(tmp_path: Path) -> None:
    message = problem(tmp_path, "version = 2\n" + MINIMAL.format(name="x"))
    assert 'unknown top-level key "version"' in message


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such sources file"):
        load_sources(tmp_path / "absent.toml")


def test_select_sources_without_names_gives_the_enabled_ones(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, VALID))
    assert [s.name for s in select_sources(sources, [])] == ["kdramabuzz", "syndicator"]


def test_select_sources_by_name_includes_disabled_ones_in_the_given_order(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, VALID))
    chosen = select_sources(sources, ["old-blog", "kdramabuzz", "old-blog"])
    assert [s.name for s in chosen] == ["old-blog", "kdramabuzz"]


def test_select_sources_with_an_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, VALID))
    with pytest.raises(SourceError) as caught:
        select_sources(sources, ["kdramabuzz", "soompi"])
    assert str(caught.value) == (
        'unknown source "soompi"; known sources: kdramabuzz, syndicator, old-blog'
    )


def test_the_packaged_default_sources_validate() -> None:
    path = Path(__file__).parents[2] / "crawler" / "default_sources.toml"
    sources = load_sources(path)
    assert 5 <= len(sources) <= 6
    assert all(source.feeds or source.sitemaps or source.start_urls for source in sources)


def test_url_rules(tmp_path: Path) -> None:
    (source, *_) = load_sources(write(tmp_path, VALID))
    article = "https://kdramabuzz.example/2024/05/some-story/"
    assert source.is_article_url(article)
    assert source.is_article_url(article + "?utm_source=x")
    assert not source.is_article_url("https://kdramabuzz.example/about/")
    assert source.follows("https://kdramabuzz.example/about/")
    assert not source.follows("https://kdramabuzz.example/tag/2024/05/")
    assert not source.is_article_url("https://kdramabuzz.example/tag/2024/05/")


def test_without_allow_every_undenied_url_is_an_article() -> None:
    source = Source(name="open", feeds=("https://a.example/feed",), deny=("/page/",))
    assert source.is_article_url("https://a.example/anything/")
    assert not source.is_article_url("https://a.example/page/2/")


def test_effective_max_pages() -> None:
    source = Source(name="s", feeds=("https://a.example/feed",), max_pages=20)
    assert source.effective_max_pages(None) == 20
    assert source.effective_max_pages(5) == 5
    assert source.effective_max_pages(100) == 20
    with pytest.raises(ValueError, match="positive"):
        source.effective_max_pages(0)


def test_default_path_prefers_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, VALID)
    monkeypatch.setenv("MARQUEE_SOURCES", "/etc/marquee/sources.toml")
    assert default_sources_path() == Path("/etc/marquee/sources.toml")


def test_default_path_then_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARQUEE_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, VALID)
    assert default_sources_path().resolve() == (tmp_path / "sources.toml").resolve()


def test_default_path_then_the_packaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARQUEE_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)
    path = default_sources_path()
    assert path.name == "default_sources.toml"
    assert path.parent.name == "crawler"
    assert load_sources(path)


RULES = MINIMAL.format(name="ruled") + (
    'content_selector = "div.entry-content"\n'
    'drop_selectors = [".ad-slot", "aside .newsletter"]\n'
    'title_selector = "h1.entry-title"\n'
    'date_selector = "time.published"\n'
    'author_selector = ".byline .author"\n'
)


def test_extraction_rules_load_and_become_extract_options(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, RULES))
    assert source.drop_selectors == (".ad-slot", "aside .newsletter")
    options = source.extract_options(frozenset({"0123456789abcdef"}))
    assert options == ExtractOptions(
        content_selector="div.entry-content",
        drop_selectors=(".ad-slot", "aside .newsletter"),
        title_selector="h1.entry-title",
        date_selector="time.published",
        author_selector=".byline .author",
        template=frozenset({"0123456789abcdef"}),
    )


def test_without_rules_the_options_are_the_defaults() -> None:
    source = Source(name="plain", feeds=("https://a.example/feed",))
    assert source.extract_options() == ExtractOptions()


def test_cadence_and_revisit_have_defaults_and_read_as_written() -> None:
    plain = Source(name="a", feeds=("https://a.example/f",))
    assert (plain.cadence, plain.revisit_seconds) == ("every 6h", 3 * 86400)
    timed = Source(name="b", feeds=("https://b.example/f",), every="1h30m", revisit="12h")
    assert (timed.cadence, timed.revisit_seconds) == ("every 1h30m", 12 * 3600)
    cron = Source(name="c", feeds=("https://c.example/f",), cron="0 */2 * * *")
    assert cron.cadence == "cron 0 */2 * * *"
