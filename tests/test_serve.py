"""`marquee serve`: the command's checks, the metadata's queries on a real store, and the pages
in a real headless browser (Debian's chromium) against the server in a subprocess."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from crawler import serve as serve_module
from crawler.browse import DASHBOARD, LATEST, TITLE, build_metadata
from crawler.cli import cli
from crawler.serve import INSTALL_HINT
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.records import ArticleRecord, HealthFigures, ShowRef
from storage.repository import add_source_health, start_run
from storage.saving import save_article
from tests import browser as helpers

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

DB = "marquee"  # the store file is marquee.db, so Datasette serves it at /marquee
METADATA = build_metadata(DB)
QUERIES: dict[str, dict[str, Any]] = METADATA["databases"][DB]["queries"]
BOARD: dict[str, Any] = METADATA["plugins"]["datasette-dashboards"][DASHBOARD]

AOUAD = "All of Us Are Dead"
SQUID = "Squid Game"
AOUAD_REF = ShowRef(AOUAD, "all of us are dead")
AOUAD_S2 = ShowRef(AOUAD, "all of us are dead", season=2)
# A title's typo that becomes a discovered alias of the show.
TYPO = "All Us Are Dead"
AOUAD_TYPO = ShowRef(AOUAD, "all of us are dead", spelling=TYPO, spelling_key="all us are dead")
SQUID_S3 = ShowRef(SQUID, "squid game", season=3)


@dataclass(frozen=True)
class Seed:
    """One article stored in the test store; ``key`` names it in the tests."""

    key: str
    source: str
    title: str
    text: str
    published: datetime
    shows: tuple[ShowRef, ...] = ()


def _at(day: int, hour: int) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


SEASON2_TEXT = "Netflix confirmed a second season of the zombie drama set at Hyosan High School."
# Saved in this order. 6 May 2024 is a Monday and 12 May a Sunday: two weeks of articles.
SEEDS = (
    Seed("season2", "soompi", "All of Us Are Dead Season 2 Confirmed", SEASON2_TEXT, _at(6, 10),
         (AOUAD_S2,)),
    # The same text at another site, published later: a copy of season2.
    Seed("copy", "koreaboo", "All of Us Are Dead Gets Season 2", SEASON2_TEXT, _at(7, 8),
         (AOUAD_S2,)),
    Seed("review", "dramabeans", "All of Us Are Dead Review: the Music Room",
         "The music room scene with the xylophone is the drama's best moment.", _at(12, 22),
         (AOUAD_REF,)),
    Seed("reunion", "dramabeans", "All Us Are Dead Cast: a Reunion",
         "The cast met again for a charity screening in Seoul.", _at(13, 9), (AOUAD_TYPO,)),
    Seed("trailer", "soompi", "Squid Game Season 3 Trailer",
         "The final season's trailer shows the giant doll again.", _at(14, 7), (SQUID_S3,)),
    Seed("gala", "koreaboo", "Lee Jung-jae Attends a Gala",
         "The actor wore a velvet suit at the gala in Cannes.", _at(15, 18)),
)  # fmt: skip
SEARCH_WORD = "xylophone"  # in the review's text only

# Per crawl run (by start time, oldest first): each source's health figures.
HEALTH = (
    (_at(10, 6), {
        "soompi": HealthFigures(pages=10, articles=10, with_title=10, with_date=9, with_author=8,
                                long_text=7),
        "dramabeans": HealthFigures(pages=4, failed=1, articles=3, with_title=3, with_date=3,
                                    long_text=3),
    }),
    (_at(17, 6), {
        "soompi": HealthFigures(pages=8, failed=2, articles=6, with_title=6, with_date=3,
                                with_author=6, long_text=5, boilerplate=1,
                                boilerplate_examples=("Join our WhatsApp group",)),
    }),
)  # fmt: skip


@dataclass(frozen=True)
class Store:
    """The seeded store: its file, its URL and the id each seed got."""

    path: Path
    url: str
    ids: dict[str, int]
    runs: tuple[int, ...]  # crawl run ids, in HEALTH's order


def _record(seed: Seed) -> ArticleRecord:
    return ArticleRecord(
        source=seed.source,
        canonical_url=f"https://{seed.source}.example/{seed.key}/",
        urls=(f"https://{seed.source}.example/{seed.key}/",),
        title=seed.title,
        author="A. Writer",
        published=seed.published,
        modified=None,
        tags=(),
        language="en",
        text=seed.text,
        text_hash=f"hash of {seed.text}",
        raw_html=f"<html><body><p>{seed.text}</p></body></html>".encode(),
        encoding="utf-8",
        fetched_at=_at(20, 12),
        shows=seed.shows,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("serve") / f"{DB}.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            with session.begin():
                ids = {seed.key: save_article(session, _record(seed)).article_id for seed in SEEDS}
            with session.begin():
                runs = tuple(_add_run(session, started, figures) for started, figures in HEALTH)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    seeded = Store(path, url, ids, runs)
    # The premise of the story tests: the same text at another site became a copy.
    assert _sql(seeded, "SELECT duplicate_of_id FROM articles WHERE id = :id", id=ids["copy"]) == [
        (ids["season2"],)
    ]
    return seeded


def _add_run(session: Session, started: datetime, figures: dict[str, HealthFigures]) -> int:
    run_id = start_run(session, now=started)
    for source, source_figures in figures.items():
        add_source_health(session, run_id, source, source_figures)
    return run_id


def _sql(store: Store, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a query on a read-only connection, as Datasette opens the store."""
    with closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)) as connection:
        return [tuple(row) for row in connection.execute(sql, params)]


# What the seeds should give, derived from them.


def _original(seed: Seed) -> Seed:
    """The story's original: the earliest published seed with the same text."""
    return min((s for s in SEEDS if s.text == seed.text), key=lambda s: s.published)


ORIGINALS = tuple(seed for seed in SEEDS if _original(seed) is seed)
COPIES = tuple(seed for seed in SEEDS if _original(seed) is not seed)


def _shows(seed: Seed) -> set[str]:
    return {ref.name for ref in seed.shows}


def _week(seed: Seed) -> str:
    day: date = seed.published.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def _newest_first(seeds: tuple[Seed, ...] | list[Seed]) -> list[Seed]:
    return sorted(seeds, key=lambda seed: seed.published, reverse=True)


# The store: every canned query and dashboard query runs and gives what the seeds say.


def _dashboard_sql(query: str, options: dict[str, str]) -> str:
    from datasette_dashboards import replace_opts_in_query

    return replace_opts_in_query(query, options)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_runs(store: Store, name: str) -> None:
    params = {param: AOUAD for param in QUERIES[name].get("params", [])}
    assert _sql(store, QUERIES[name]["sql"], **params), f"{name} returned no rows"


DASHBOARD_QUERIES = [
    *((f"filter {key}", spec) for key, spec in BOARD["filters"].items()),
    *((f"chart {key}", spec) for key, spec in BOARD["charts"].items()),
]


@pytest.mark.parametrize(("what", "spec"), DASHBOARD_QUERIES, ids=[q[0] for q in DASHBOARD_QUERIES])
@pytest.mark.parametrize("options", [{}, {"show": AOUAD}], ids=["no show", "a show"])
def test_every_dashboard_query_runs(
    store: Store, what: str, spec: dict[str, Any], options: dict[str, str]
) -> None:
    assert spec["db"] == DB
    rows = _sql(store, _dashboard_sql(spec["query"], options), **options)
    assert rows, f"{what} returned no rows with {options}"


def test_latest_per_show(store: Store) -> None:
    expected = [
        (show, store.ids[seed.key])
        for show in sorted({show for seed in ORIGINALS for show in _shows(seed)})
        for seed in _newest_first([s for s in ORIGINALS if show in _shows(s)])[:LATEST]
    ]
    rows = _sql(store, QUERIES["latest_per_show"]["sql"])
    assert [(row[0], row[1]) for row in rows] == expected


def _copies_of(original: Seed) -> list[Seed]:
    return sorted((c for c in COPIES if _original(c) is original), key=lambda c: c.published)


@pytest.mark.parametrize("spelling", [AOUAD, TYPO.upper(), "all us are dead"])
def test_show_stories_finds_the_story_by_any_alias(store: Store, spelling: str) -> None:
    # A story counts for the show when any member, original or copy, is filed under it.
    stories = [
        original
        for original in _newest_first(ORIGINALS)
        if _copies_of(original)
        and any(AOUAD in _shows(member) for member in (original, *_copies_of(original)))
    ]
    expected = [
        (store.ids[original.key], store.ids[member.key], role)
        for original in stories
        for member, role in [(original, "original"), *((c, "copy") for c in _copies_of(original))]
    ]
    rows = _sql(store, QUERIES["show_stories"]["sql"], show=spelling)
    assert [row[:3] for row in rows] == expected
    assert len(expected) == 2  # the season 2 story: original and copy


def test_show_stories_of_a_show_without_copies_is_empty(store: Store) -> None:
    assert _sql(store, QUERIES["show_stories"]["sql"], show=SQUID) == []


def test_weekly_counts_leave_copies_out(store: Store) -> None:
    counts = Counter((show, _week(seed)) for seed in ORIGINALS for show in _shows(seed))
    expected = sorted(
        ((show, week, n) for (show, week), n in counts.items()),
        key=lambda row: (-date.fromisoformat(row[1]).toordinal(), -row[2], row[0]),
    )
    assert _sql(store, QUERIES["weekly_counts"]["sql"]) == expected


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def test_source_health_shows_each_sources_latest_run(store: Store) -> None:
    latest: dict[str, tuple[int, HealthFigures]] = {}
    for run_id, (_, figures) in zip(store.runs, HEALTH, strict=True):
        latest.update({source: (run_id, f) for source, f in figures.items()})
    expected = [
        (source, run_id, f.articles, _share(f.with_title, f.articles),
         _share(f.with_date, f.articles), _share(f.with_author, f.articles),
         _share(f.long_text, f.articles), f.failed, _share(f.failed, f.articles + f.failed),
         f.boilerplate)
        for source, (run_id, f) in sorted(latest.items())
    ]  # fmt: skip
    rows = _sql(store, QUERIES["source_health"]["sql"])
    assert [(*row[:2], *row[4:12]) for row in rows] == expected


def test_dashboard_show_filter_lists_the_shows(store: Store) -> None:
    spec = BOARD["filters"]["show"]
    shows = sorted({show for seed in SEEDS for show in _shows(seed)})
    assert spec["type"] == "select"
    assert [row[0] for row in _sql(store, spec["query"])] == shows


def _weekly_by_source(seeds: list[Seed]) -> list[tuple[str, str, int]]:
    counts = Counter((_week(seed), seed.source) for seed in seeds)
    return [(week, source, n) for (week, source), n in sorted(counts.items())]


@pytest.mark.parametrize("show", [None, AOUAD, SQUID])
def test_dashboard_weekly_chart_counts_the_chosen_shows_articles(
    store: Store, show: str | None
) -> None:
    options = {"show": show} if show else {}
    chosen = [seed for seed in ORIGINALS if show is None or show in _shows(seed)]
    query = _dashboard_sql(BOARD["charts"]["show-weekly"]["query"], options)
    assert _sql(store, query, **options) == _weekly_by_source(chosen)


def test_dashboard_top_shows_chart(store: Store) -> None:
    counts = Counter((_week(seed), show) for seed in ORIGINALS for show in _shows(seed))
    expected = [(week, show, n) for (week, show), n in sorted(counts.items())]
    assert _sql(store, BOARD["charts"]["top-shows"]["query"]) == expected


# The command.


def run(*args: str) -> Result:
    # Through the group, as users run it: a bare command would cache a help option without -h.
    return CliRunner().invoke(cli, ["serve", *args], catch_exceptions=False)


def test_help_names_the_options() -> None:
    result = run("--help")
    assert result.exit_code == 0, result.output
    for option in ("--db", "--port", "--host"):
        assert option in result.output
    assert "read-only" in result.output


def test_postgres_store_is_refused() -> None:
    result = run("--db", "postgresql+psycopg://analyst:secret@db.example/marquee")
    assert result.exit_code == 1
    assert "Datasette serves SQLite files only" in result.output
    assert "marquee export" in result.output
    assert "secret" not in result.output


def test_missing_file_is_refused(tmp_path: Path) -> None:
    result = run("--db", f"sqlite:///{tmp_path / 'nothing.db'}")
    assert result.exit_code == 1
    assert "no store at" in result.output
    assert not (tmp_path / "nothing.db").exists()


def test_outdated_store_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0007")
    result = run("--db", url)
    assert result.exit_code == 1
    assert "needs a schema upgrade" in result.output


def test_missing_datasette_names_the_extra(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    result = run("--db", store.url)
    assert result.exit_code == 1
    assert INSTALL_HINT in result.output


def test_serves_the_store_read_only_in_datasette(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[Any, str, int]] = []
    monkeypatch.setattr(serve_module, "_run", lambda *args: served.append(args))
    result = run("--db", store.url, "--port", "8123")
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:8123/{DB}" in result.output
    [(app, host, port)] = served
    assert (host, port) == ("127.0.0.1", 8123)
    found, write = asyncio.run(_search_and_write(app))
    assert found == [store.ids["review"]]
    assert write.status_code == 400
    assert "readonly" in write.json()["error"]
    assert _sql(store, "SELECT count(*) FROM sources WHERE name = 'intruder'") == [(0,)]


INTRUSION = "WITH x AS (SELECT 'intruder') INSERT INTO sources (name) SELECT * FROM x"


async def _search_and_write(app: Any) -> tuple[list[int], httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        search = await client.get(
            f"/{DB}/article_list.json", params={"_search": SEARCH_WORD, "_shape": "array"}
        )
        # WITH passes Datasette's SELECT-only check: the read-only connection must refuse it.
        write = await client.get(f"/{DB}.json", params={"sql": INTRUSION})
    return [row["id"] for row in search.json()], write


# The pages, in a real browser.


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    reason = helpers.chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    port = helpers.free_port()
    process = helpers.start_serve(store.url, port, store.path.with_name("serve.log"))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        helpers.stop(process)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(helpers.CHROMIUM), headless=True, args=list(helpers.CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _column(page: Page, name: str) -> list[str]:
    return [
        text.strip()
        for text in page.locator(f"table.rows-and-columns tbody td.col-{name}").all_inner_texts()
    ]


def _ids(page: Page) -> list[int]:
    return [int(text) for text in _column(page, "id")]


def _keys(store: Store, page: Page) -> list[str]:
    names = {article_id: key for key, article_id in store.ids.items()}
    return [names[article_id] for article_id in _ids(page)]


@pytest.mark.browser
def test_article_list_page_shows_every_article_newest_first(
    server: str, page: Page, store: Store
) -> None:
    page.goto(f"{server}/{DB}/article_list")
    assert page.locator("h1").inner_text().startswith("Articles")
    assert page.title().startswith(f"{DB}: article_list")
    for facet in ("source", "shows (array)", "published (date)"):
        assert page.locator(".facet-info-name", has_text=facet).count() == 1
    assert _keys(store, page) == [seed.key for seed in _newest_first(SEEDS)]
    page.get_by_role("link", name="originals only").click()
    page.wait_for_url("**duplicate_of__isnull=1**")
    assert _keys(store, page) == [seed.key for seed in _newest_first(ORIGINALS)]


@pytest.mark.browser
def test_index_page_has_the_instance_title(server: str, page: Page) -> None:
    page.goto(server)
    assert page.locator("h1").inner_text() == TITLE
    assert "Entertainment-news articles" in page.locator(".metadata-description").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("column", "value", "in_url"),
    [("source", "dramabeans", "source=dramabeans"), ("shows", SQUID, "shows__arraycontains=")],
)
def test_a_facet_filters_the_articles(
    server: str, page: Page, store: Store, column: str, value: str, in_url: str
) -> None:
    page.goto(f"{server}/{DB}/article_list")
    facet = page.locator(f"#facet-{column}")
    facet.get_by_role("link", name=value, exact=True).click()
    page.wait_for_url(f"**{in_url}**")
    selected = [seed for seed in SEEDS if value in (seed.source, *_shows(seed))]
    assert _keys(store, page) == [seed.key for seed in _newest_first(selected)]
    # The facet now shows the value as chosen, with a cross to drop it.
    assert (
        page.locator(f"#facet-{column} li", has=page.locator("a.cross"))
        .inner_text()
        .startswith(value)
    )


@pytest.mark.browser
def test_search_finds_the_article_with_the_word(server: str, page: Page, store: Store) -> None:
    page.goto(f"{server}/{DB}/article_list")
    page.fill("#_search", SEARCH_WORD)
    page.press("#_search", "Enter")
    page.wait_for_url(f"**_search={SEARCH_WORD}**")
    assert _keys(store, page) == [seed.key for seed in SEEDS if SEARCH_WORD in seed.text]


@pytest.mark.browser
def test_show_stories_page_shows_the_story(server: str, page: Page, store: Store) -> None:
    page.goto(f"{server}/{DB}/show_stories")
    page.fill("input[name=show]", TYPO.lower())
    page.press("input[name=show]", "Enter")
    page.wait_for_url("**show=all+us+are+dead**")
    [original] = {_original(copy) for copy in COPIES}
    assert _keys(store, page) == [seed.key for seed in (original, *_copies_of(original))]
    assert _column(page, "role") == ["original"] + ["copy"] * len(_copies_of(original))


@pytest.mark.browser
def test_dashboard_draws_the_chosen_shows_chart(server: str, page: Page, store: Store) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{server}/-/dashboards/{DASHBOARD}")
    options = page.locator("select#show option").all_inner_texts()
    assert options == ["", *sorted({show for seed in SEEDS for show in _shows(seed)})]
    page.select_option("select#show", AOUAD)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**show={quote(AOUAD).replace('%20', '+')}**")
    for chart in BOARD["charts"]:
        page.locator(f"#chart-{chart} canvas, #chart-{chart} svg").first.wait_for()
    chosen = [seed for seed in ORIGINALS if AOUAD in _shows(seed)]
    expected = [
        {"week": week, "source": source, "articles": n}
        for week, source, n in _weekly_by_source(chosen)
    ]
    # The charts' data as the page fetched it, once the show was chosen.
    data = [
        response.json()["rows"]
        for response in responses
        if f"/{DB}.json?sql=" in response.url and "&show=" in response.url
    ]
    assert expected in data


@pytest.mark.browser
def test_sql_page_refuses_writes(server: str, page: Page, store: Store) -> None:
    insert = "INSERT INTO sources (name) VALUES ('intruder')"
    response = page.goto(f"{server}/{DB}?sql={quote(insert)}")
    assert response is not None and response.status == 400
    assert "Statement must be a SELECT" in page.locator(".content").inner_text()
    # WITH passes Datasette's SELECT-only check: the read-only connection refuses it.
    page.goto(f"{server}/{DB}?sql={quote(INTRUSION)}")
    assert "readonly database" in page.locator(".message-error").inner_text()
    assert _sql(store, "SELECT count(*) FROM sources WHERE name = 'intruder'") == [(0,)]
