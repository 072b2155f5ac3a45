"""End to end: `marquee crawl` with real Scrapy against the local test sites, then queries."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from pipeline.template import block_fingerprint
from storage.db import make_engine, make_sessionmaker
from storage.repository import load_template

pytestmark = pytest.mark.crawl

# Local sites answer instantly; politeness delays would only slow the tests down.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]

COLUMNS = ("pages", "new", "updated", "duplicate", "unchanged", "failed")
BOILERPLATE = (
    "WhatsApp",
    "Telegram Group",
    "Join Now",
    "thoughts on",
    "Leave a Reply",
    "Leave a Comment",
    "Your email address will not be published",
    "Required fields are marked",
)


@dataclass
class Store:
    """A crawled store and how to run commands against it."""

    db_url: str
    db_path: Path
    sources: Path

    def run(self, *args: str) -> Result:
        result = CliRunner().invoke(cli, [*args, "--db", self.db_url], catch_exceptions=False)
        return result

    def crawl(self, *args: str) -> Result:
        return self.run("crawl", "--sources", str(self.sources), *FAST, *args)

    def articles(self, *args: str) -> list[dict[str, Any]]:
        result = self.run("articles", "--format", "jsonl", *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.output.splitlines()]

    def count(self, table: str) -> int:
        with sqlite3.connect(self.db_path) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture(scope="module")
def store(sites: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One real crawl of kdramabuzz and syndicator into a fresh SQLite file, shared by this
    module."""
    tmp = tmp_path_factory.mktemp("crawl")
    sources = sites.write_sources(tmp / "sources.toml", ["kdramabuzz", "syndicator"])
    db_path = tmp / "marquee.db"
    store = Store(db_url=f"sqlite:///{db_path}", db_path=db_path, sources=sources)
    sites.clear_hits()
    first = store.crawl()
    assert first.exit_code == 0, first.output
    store.first_output = first.output  # type: ignore[attr-defined]
    yield store


def by_title(articles: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    matches = [a for a in articles if fragment.lower() in (a["title"] or "").lower()]
    assert len(matches) == 1, [a["title"] for a in articles]
    return matches[0]


def kdramabuzz(store: Store) -> list[dict[str, Any]]:
    return store.articles("--source", "kdramabuzz")


def test_crawl_prints_a_summary_per_source(store: Store) -> None:
    summary = store.first_output  # type: ignore[attr-defined]
    assert "Crawl run 1: ok" in summary
    rows = {line.split("│")[1].strip(): line for line in summary.splitlines() if "│" in line}
    assert set(rows) == {"kdramabuzz", "syndicator"}
    # kdramabuzz: four articles plus a dead link; the AMP and tracking variants add nothing new.
    cells = {
        source: dict(zip(COLUMNS, [c.strip() for c in line.split("│")[2:-1]], strict=True))
        for source, line in rows.items()
    }
    assert {k: cells["kdramabuzz"][k] for k in ("new", "updated", "failed")} == {
        "new": "4",
        "updated": "0",
        "failed": "1",
    }
    # The syndicated copy is counted as what it ended up as, whichever source was stored first.
    assert {k: cells["syndicator"][k] for k in ("new", "duplicate")} == {
        "new": "2",
        "duplicate": "1",
    }


def test_articles_come_out_without_boilerplate(store: Store) -> None:
    articles = store.articles("--include-duplicates")
    assert len(articles) == 7
    for article in articles:
        for phrase in BOILERPLATE:
            assert phrase not in article["text"], (article["title"], phrase)
        assert "Related posts" not in article["text"]


def test_structure_is_kept_and_metadata_comes_from_the_article(store: Store) -> None:
    article = by_title(kdramabuzz(store), "Release Date, Latest Updates")
    lines = article["text"].splitlines()
    for member in ("Yoon Chan-young as Lee Cheong-san", "Kim Bo-yoon as Hyo-ryung"):
        assert any(line.endswith(member) for line in lines), member
    assert "\n\nCast: Who is making a comeback in upcoming episodes?\n\n" in article["text"]
    assert article["title"] == (
        "All Of Us Are Dead Season 2: Release Date, Latest Updates, Story and All We Know"
    )
    # Published and modified come from the article's metadata, never from comment dates.
    assert article["published"].startswith("2024-05-20")
    assert article["modified"].startswith("2024-05-28")
    assert article["language"] == "en"
    assert article["author"] and article["author"].lower() != "admin"


def test_amp_and_tracking_variants_are_urls_of_one_article(store: Store, sites: Any) -> None:
    base = sites.base("kdramabuzz")
    amp_article = by_title(kdramabuzz(store), "Release Date, Latest Updates")
    assert (
        amp_article["url"]
        == f"{base}/2024/05/all-of-us-are-dead-season-2-release-date-latest-updates/"
    )
    assert amp_article["urls"][0] == amp_article["url"]
    assert any(url.rstrip("/").endswith("/amp") for url in amp_article["urls"][1:])

    tracked = by_title(kdramabuzz(store), "Cast Teases Production Update")
    assert tracked["urls"][0] == tracked["url"]
    assert "utm_source" not in tracked["url"]
    assert any("utm_source=twitter" in url for url in tracked["urls"][1:])


def test_shows_are_taken_from_titles(store: Store) -> None:
    articles = kdramabuzz(store)
    assert by_title(articles, "Cast Teases")["shows"] == [
        {"name": "All Of Us Are Dead", "season": 2}
    ]
    assert by_title(articles, "Squid Game")["shows"] == [{"name": "Squid Game", "season": 3}]
    assert by_title(articles, "Seo Ha-neul")["shows"] == []

    filed = store.articles("--show", "ALL OF US ARE DEAD")
    # The two kdramabuzz articles and syndicator's own cast article; its copy is hidden.
    assert sorted(a["source"] for a in filed) == ["kdramabuzz", "kdramabuzz", "syndicator"]


def test_a_syndicated_copy_with_edits_is_stored_as_a_copy_of_the_original(store: Store) -> None:
    visible = store.articles()
    everything = store.articles("--include-duplicates")
    copies = [a for a in everything if a["duplicate_of"] is not None]
    assert len(copies) == 1
    copy = copies[0]
    original = next(a for a in everything if a["id"] == copy["duplicate_of"])
    assert (copy["source"], original["source"]) == ("syndicator", "kdramabuzz")
    # A new first sentence, an "Also Read" line and a dropped section: the same story.
    assert copy["text"] != original["text"]
    assert copy["text"].startswith("Netflix fans, good news")
    assert 0.7 <= copy["similarity"] <= 1.0
    assert original["similarity"] is None
    assert copy["id"] not in {a["id"] for a in visible}
    assert len(visible) == len(everything) - 1


def test_stories_lists_the_cluster_and_keeps_different_articles_apart(store: Store) -> None:
    result = store.run("stories", "--show", "all of us are dead", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["role"], r["source"]) for r in rows] == [
        ("original", "kdramabuzz"),
        ("copy", "syndicator"),
    ]
    assert rows[0]["title"].endswith("Latest Updates, Story and All We Know")
    assert rows[1]["url"].endswith("/news/all-of-us-are-dead-season-2-release-date.html")
    assert {r["story"] for r in rows} == {rows[0]["id"]}
    # Syndicator's own cast article shares the copy's nine-line cast list, not its story.
    everything = store.articles("--include-duplicates")
    cast_story = by_title(everything, "Where the Hyosan High Students Are Now")
    assert cast_story["duplicate_of"] is None
    assert cast_story["id"] not in {r["id"] for r in rows}
    assert json.loads(store.run("stories", "--show", "squid game", "--format", "json").output) == []


def test_robots_deny_and_foreign_links_are_respected(store: Store, sites: Any) -> None:
    hits = sites.hits("kdramabuzz")
    assert "/robots.txt" in hits
    assert not [h for h in hits if h.startswith(("/private/", "/tag/", "/author/"))]


def test_failed_pages_are_recorded_with_their_reason(store: Store) -> None:
    with sqlite3.connect(store.db_path) as conn:
        failures = conn.execute("SELECT source, url, reason FROM failures").fetchall()
    assert [(s, r) for s, _u, r in failures] == [("kdramabuzz", "http-404")]
    assert failures[0][1].endswith("/2024/04/sweet-home-season-3-ending-explained/")


def test_shows_command_lists_shows_with_aliases_and_counts(store: Store) -> None:
    result = store.run("shows", "--format", "json")
    assert result.exit_code == 0, result.output
    shows = {s["name"]: s for s in json.loads(result.output)}
    # The two kdramabuzz articles and syndicator's cast article; the syndicated copy is not counted.
    assert shows["All Of Us Are Dead"]["articles"] == 3
    assert shows["All Of Us Are Dead"]["aliases"] == ["All Of Us Are Dead"]
    assert set(shows) == {"All Of Us Are Dead", "Squid Game", "Stranger Things"}


def test_the_crawl_taught_kdramabuzz_its_template(store: Store) -> None:
    with sqlite3.connect(store.db_path) as conn:
        pages = dict(conn.execute("SELECT name, template_pages FROM sources").fetchall())
        counted = conn.execute(
            "SELECT b.fingerprint, b.pages FROM source_blocks b JOIN sources s "
            "ON s.id = b.source_id WHERE s.name = 'kdramabuzz'"
        ).fetchall()
    # Four distinct articles: the AMP and tracking-URL copies are not counted again. (The
    # syndicator has 2 or 3: its copy counts only when it is stored before the original.)
    assert pages["kdramabuzz"] == 4
    engine = make_engine(store.db_url)
    try:
        with make_sessionmaker(engine)() as session:
            template = load_template(session, "kdramabuzz")
            # A block is template only once seen on three pages of the source.
            syndicator = load_template(session, "syndicator")
            assert bool(syndicator) == (pages["syndicator"] >= 3)
    finally:
        engine.dispose()
    # (The "Trending now" list of headline links is gone before blocks are counted: a list of
    # lone links is boilerplate to the generic cleaner already.)
    for line in (
        "News, rumours and release dates for the K-dramas everyone is talking about.",
        "© 2024 KDrama Buzz. All rights reserved. | Proudly powered by WordPress",
    ):
        assert block_fingerprint(line) in template, line
    article = by_title(kdramabuzz(store), "Squid Game")
    paragraph = article["text"].split("\n\n")[0]
    assert dict(counted)[block_fingerprint(paragraph)] == 1
    assert block_fingerprint(paragraph) not in template


def test_a_second_crawl_adds_nothing(store: Store, sites: Any) -> None:
    tables = ("articles", "article_urls", "revisions", "shows", "show_aliases", "article_shows")
    before = {t: store.count(t) for t in tables}
    sites.clear_hits()
    result = store.crawl()
    assert result.exit_code == 0, result.output
    # Known articles are left alone until their revisit is due or their sitemap says they changed.
    assert not [path for path in sites.hits("kdramabuzz") if path.startswith("/2024/05/")]
    assert not [path for path in sites.hits("syndicator") if path.startswith("/news/")]
    assert {t: store.count(t) for t in tables} == before
    summary = {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in result.output.splitlines()
        if "│" in line
    }
    for source in ("kdramabuzz", "syndicator"):
        _pages, new, updated, duplicate, _unchanged, _failed = summary[source]
        assert (new, updated, duplicate) == ("0", "0", "0"), source


def test_an_article_changed_in_place_becomes_revision_two(store: Store, sites: Any) -> None:
    path = "/2024/05/squid-game-season-3-release-date-cast/"
    page = Path(__file__).parent / "sites" / "kdramabuzz" / path.strip("/") / "index.html"
    original = page.read_text(encoding="utf-8")
    update = (
        "<p>Update: Netflix has confirmed the premiere date in a new teaser released this "
        "morning, and the cast list below has been checked against the official announcement.</p>"
    )
    changed = original.replace(
        '<div class="entry-content">', f'<div class="entry-content">{update}'
    )
    assert changed != original
    # The site says so in its sitemap, as WordPress does: a lastmod newer than the last crawl.
    sitemap = (Path(__file__).parent / "sites" / "kdramabuzz" / "sitemap-posts.xml").read_text()
    edited = sitemap.replace("2024-05-29T10:00:00+00:00", datetime.now(UTC).isoformat())
    assert edited != sitemap
    sites.override("kdramabuzz", path, changed)
    sites.override("kdramabuzz", "/sitemap-posts.xml", edited)
    try:
        result = store.crawl("kdramabuzz")
    finally:
        sites.override("kdramabuzz", path, None)
        sites.override("kdramabuzz", "/sitemap-posts.xml", None)
    assert result.exit_code == 0, result.output
    article = by_title(kdramabuzz(store), "Squid Game")
    assert article["revision"] == 2
    assert "Netflix has confirmed the premiere date" in article["text"]
    assert article["duplicate_of"] is None
    with sqlite3.connect(store.db_path) as conn:
        texts = conn.execute(
            "SELECT number, text FROM revisions WHERE article_id = ? ORDER BY number",
            (article["id"],),
        ).fetchall()
    assert [n for n, _ in texts] == [1, 2]
    assert "Netflix has confirmed" not in texts[0][1]


def test_a_due_revisit_asks_conditionally_and_a_304_is_unchanged(
    store: Store, sites: Any, tmp_path: Path
) -> None:
    # A source whose revisit interval has passed: every known article is asked for again,
    # with the ETag it was stored with, and the unchanged ones cost a 304 and no new row.
    sources = sites.write_sources(tmp_path / "sources.toml", ["syndicator"], revisit="1s")
    tables = ("articles", "revisions", "article_urls")
    before = {table: store.count(table) for table in tables}
    time.sleep(1.1)
    sites.clear_hits()
    result = store.run("crawl", "--sources", str(sources), *FAST)
    assert result.exit_code == 0, result.output
    assert {table: store.count(table) for table in tables} == before
    not_modified = sites.not_modified("syndicator")
    assert sorted(not_modified) == sorted(p for p in sites.hits("syndicator") if "/news/" in p)
    assert len(not_modified) == 3
    row = next(line for line in result.output.splitlines() if "syndicator" in line)
    _pages, new, updated, duplicate, unchanged, failed = [c.strip() for c in row.split("│")[2:-1]]
    assert (new, updated, duplicate, unchanged, failed) == ("0", "0", "0", "3", "0")


@pytest.mark.postgres
def test_crawl_into_postgresql(sites: Any, tmp_path: Path, postgres_db_url: str) -> None:
    sources = sites.write_sources(tmp_path / "sources.toml")
    store = Store(db_url=postgres_db_url, db_path=tmp_path / "unused", sources=sources)
    first = store.crawl()
    assert first.exit_code == 0, first.output
    everything = store.articles("--include-duplicates")
    assert len(everything) == 11  # kdramabuzz 4, syndicator 3 (one a copy), zombiewire 4
    assert len([a for a in everything if a["duplicate_of"] is not None]) == 1
    # Every site's spelling of the show ("All Us Are Dead", "All of Us Are Daed") is one show.
    assert len(store.articles("--show", "all of us are dead")) == 6

    second = store.crawl()
    assert second.exit_code == 0, second.output
    assert store.articles("--include-duplicates") == everything


def test_articles_as_csv_and_table(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARQUEE_DB", store.db_url)  # --db's environment variable
    result = CliRunner().invoke(cli, ["articles", "--format", "csv", "--source", "kdramabuzz"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {json.loads(r["shows"])[0]["name"] for r in rows if r["shows"] != "[]"} == {
        "All Of Us Are Dead",
        "Squid Game",
    }
    assert all(json.loads(r["urls"])[0] == r["url"] for r in rows)

    table = CliRunner().invoke(cli, ["articles", "--show", "squid game"])
    assert table.exit_code == 0, table.output
    assert "Squid Game S3" in table.output


def test_reprocess_rebuilds_articles_from_their_stored_html(store: Store) -> None:
    before = {a["id"]: a for a in store.articles("--include-duplicates")}
    squid = by_title(list(before.values()), "Squid Game")
    # What an older, worse extractor might have stored: boilerplate in the text, no show.
    with sqlite3.connect(store.db_path) as conn:
        conn.execute(
            "UPDATE articles SET text = text || ?, text_hash = 'stale' WHERE id = ?",
            ("\n\nWhatsApp Group Join Now", squid["id"]),
        )
        conn.execute("DELETE FROM article_shows WHERE article_id = ?", (squid["id"],))

    only_syndicator = store.run(
        "reprocess", "--sources", str(store.sources), "--source", "syndicator"
    )
    assert only_syndicator.exit_code == 0, only_syndicator.output
    assert "reprocessed 3 articles" in only_syndicator.output

    result = store.run("reprocess", "--sources", str(store.sources))
    assert result.exit_code == 0, result.output
    assert f"reprocessed {len(before)} articles" in result.output
    after = {a["id"]: a for a in store.articles("--include-duplicates")}
    assert "WhatsApp" not in after[squid["id"]]["text"]
    assert after[squid["id"]]["shows"] == [{"name": "Squid Game", "season": 3}]
    assert after[squid["id"]]["revision"] == squid["revision"]  # history is not rewritten
    # The syndicated copy is still a copy of the same original.
    assert {i: a["duplicate_of"] for i, a in after.items()} == {
        i: a["duplicate_of"] for i, a in before.items()
    }


def test_runs_lists_the_runs_and_the_pages_a_run_lost(store: Store) -> None:
    result = store.run("runs", "--format", "json")
    assert result.exit_code == 0, result.output
    runs = json.loads(result.output)
    first = runs[-1]  # newest first
    assert (first["id"], first["status"]) == (1, "ok")
    # kdramabuzz 4, syndicator 2 (its third article is a copy: a duplicate, not new)
    assert first["new"] == sum(counts["new"] for counts in first["sources"].values()) == 6
    lost = store.run("runs", "--failures", "1", "--format", "json")
    assert lost.exit_code == 0, lost.output
    [failure] = json.loads(lost.output)
    assert (failure["source"], failure["stage"], failure["reason"]) == (
        "kdramabuzz", "fetch", "http-404",
    )  # fmt: skip
    assert failure["url"].endswith("/2024/04/sweet-home-season-3-ending-explained/")
    missing = store.run("runs", "--failures", "999")
    assert missing.exit_code == 1 and "no crawl run 999" in missing.output


@pytest.mark.postgres
def test_the_store_password_is_never_printed_or_put_on_a_command_line(
    sites: Any, tmp_path: Path, postgres_db_url: str
) -> None:
    from sqlalchemy.engine import make_url

    from crawler.runner import CrawlRequest, child_command

    # The test server trusts loopback connections, so any password works: it must never show.
    secret = "pw-" + uuid.uuid4().hex
    db_url = make_url(postgres_db_url).set(password=secret).render_as_string(hide_password=False)
    sources = sites.write_sources(tmp_path / "sources.toml", ["syndicator"])
    command = child_command(CrawlRequest(sources, ("syndicator",), db_url), run_id=1)
    assert not any(secret in part for part in command)
    crawl = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources),
         "--db", db_url, *FAST, "-s", "LOG_LEVEL=DEBUG"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr
    upgraded = CliRunner().invoke(cli, ["db", "upgrade", "--db", db_url])
    assert upgraded.exit_code == 0 and "***" in upgraded.output
    for output in (crawl.stdout, crawl.stderr, upgraded.output):
        assert secret not in output
