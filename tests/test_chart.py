"""`marquee chart` on a real SQLite store through the CLI runner, and crawler.charts on its own:
the bars drawn are the articles stored, per source and week or month, copies left out."""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from matplotlib.container import BarContainer
from matplotlib.dates import num2date
from matplotlib.figure import Figure
from matplotlib.image import imread

import crawler
from crawler import charts
from crawler.chartcmds import MISSING_MATPLOTLIB
from crawler.cli import cli
from pipeline.shows import alias_key
from storage import queries
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.records import ArticleFilter, ArticleRecord, PeriodCount, ShowRef
from storage.saving import save_article

SHOW = "All of Us Are Dead"
ALIAS = "Jigeum Uri Hakgyoneun"
DEAD = ShowRef(SHOW, alias_key(SHOW))
# The alias is registered the way a crawl discovers one: a spelling seen in a linked article.
DEAD_AS_ALIAS = ShowRef(SHOW, alias_key(SHOW), spelling=ALIAS, spelling_key=alias_key(ALIAS))
SQUID = ShowRef("Squid Game", alias_key("Squid Game"))


@dataclass(frozen=True)
class Seed:
    """One stored article: where and when, which show, and whether it copies another's text."""

    source: str
    published: datetime
    show: ShowRef = DEAD
    copy_of: int | None = None  # index in SEEDS of the article whose text it repeats


def _utc(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, second, tzinfo=UTC)


SEEDS = (
    Seed("soompi", _utc(1, 2), DEAD_AS_ALIAS),
    Seed("variety", _utc(1, 3)),
    Seed("soompi", _utc(1, 4)),
    Seed("soompi", _utc(1, 10)),
    Seed("deadline", _utc(1, 11)),
    Seed("variety", _utc(1, 23)),
    # The same text as the first article on another source: a copy, in a week otherwise
    # empty. Counted, it would fill that week.
    Seed("deadline", _utc(2, 1), copy_of=0),
    Seed("soompi", _utc(2, 14)),
    Seed("variety", _utc(3, 4)),
    Seed("soompi", _utc(3, 6, 23, 59, 59)),
    Seed("deadline", _utc(3, 7, 0, 0, 0)),  # 7 March: its first second and its last
    Seed("soompi", _utc(3, 7, 23, 59, 59)),
    Seed("variety", _utc(3, 8, 0, 0, 0)),
    # Another show, a month after the last of this one: counted, it would stretch the axis.
    Seed("variety", _utc(4, 10), SQUID),
)


def period_start(moment: datetime, by: str) -> date:
    """The first day of the week (a Monday) or month ``moment`` falls in, in UTC."""
    day = moment.astimezone(UTC).date()
    return day.replace(day=1) if by == "month" else day - timedelta(days=day.weekday())


def expected_counts(by: str, source: str | None = None) -> Counter[tuple[date, str]]:
    """Articles of the show per (period, source), derived from SEEDS: copies left out."""
    return Counter(
        (period_start(seed.published, by), seed.source)
        for seed in SEEDS
        if seed.show.name == SHOW and seed.copy_of is None and source in (None, seed.source)
    )


def every_period(by: str, first: date, last: date) -> list[date]:
    """Every period start from ``first`` to ``last``, stepping a day at a time to find them."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted({period_start(datetime(d.year, d.month, d.day, tzinfo=UTC), by) for d in days})


def summary(path: Path, by: str, source: str | None = None) -> str:
    """The line the command prints, with figures derived from SEEDS."""
    counts = expected_counts(by, source)
    periods = every_period(by, min(p for p, _ in counts), max(p for p, _ in counts))
    sources = {s for _, s in counts}
    return (
        f"{path}: {sum(counts.values())} articles over {len(periods)} {by}s "
        f"from {len(sources)} source{'s' if len(sources) > 1 else ''}"
    )


def text_of(index: int) -> str:
    seed = SEEDS[index]
    return text_of(seed.copy_of) if seed.copy_of is not None else f"Story number {index}."


def record(index: int) -> ArticleRecord:
    seed, text = SEEDS[index], text_of(index)
    url = f"https://{seed.source}.example/{index}"
    return ArticleRecord(
        source=seed.source,
        canonical_url=url,
        urls=(url,),
        title=f"Article {index}",
        author=None,
        published=seed.published,
        modified=None,
        tags=(),
        language="en",
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        raw_html=f"<html><body><p>{text}</p></body></html>".encode(),
        encoding="utf-8",
        fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
        shows=(seed.show,),
    )


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('chart') / 'marquee.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        results = [save_article(session, record(n)) for n in range(len(SEEDS))]
    engine.dispose()
    # The seeds are only worth deriving from if the store took the copy for one.
    copies = [n for n, result in enumerate(results) if result.duplicate_of is not None]
    assert copies == [n for n, seed in enumerate(SEEDS) if seed.copy_of is not None]
    return url


def run(db_url: str, *args: str) -> Result:
    # Through the group, as users run it: a bare command would cache a help option without -h.
    return CliRunner().invoke(cli, ["chart", *args, "--db", db_url])


def bars(figure: Figure) -> dict[str, dict[date, float]]:
    """Per legend label, the height of its bar in each period (by the bar's left edge)."""
    [axes] = figure.axes
    return {
        str(container.get_label()): {
            num2date(patch.get_x()).date(): patch.get_height() for patch in container.patches
        }
        for container in axes.containers
        if isinstance(container, BarContainer)
    }


# The command, through the CLI runner


def test_chart_writes_a_png_of_the_shows_articles(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "dead.png"

    result = run(db_url, "--show", SHOW, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == summary(out, "week")
    image = imread(out)
    width, height = charts.FIGURE_SIZE
    assert image.shape == (round(height * charts.DPI), round(width * charts.DPI), 4)
    assert len(np.unique(image.reshape(-1, 4), axis=0)) > 10  # not blank
    # The largest source's colour is drawn: the bars are there, not just the axes.
    largest = np.array(charts.SOURCE_COLOURS[0][:3])
    assert np.isclose(image[..., :3], largest, atol=0.02).all(axis=-1).any()


def test_any_alias_in_any_case_names_the_show(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alias.png"

    result = run(db_url, "--show", ALIAS.swapcase(), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == summary(out, "week")


def test_an_unknown_show_suggests_the_closest(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "typo.png"

    result = run(db_url, "--show", "All of Us Are Deed", "--out", str(out))

    assert result.exit_code != 0
    assert f"did you mean {SHOW!r}" in result.output
    assert not out.exists()


def test_by_month_counts_calendar_months(db_url: str, tmp_path: Path) -> None:
    weekly, monthly = tmp_path / "weekly.png", tmp_path / "monthly.png"

    by_week = run(db_url, "--show", SHOW, "--out", str(weekly))
    by_month = run(db_url, "--show", SHOW, "--by", "month", "--out", str(monthly))

    assert by_week.output.strip() == summary(weekly, "week")
    assert by_month.output.strip() == summary(monthly, "month")
    assert weekly.read_bytes() != monthly.read_bytes()


def test_since_and_until_include_both_days(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "day.png"
    day = date(2024, 3, 7)
    on_that_day = [s for s in SEEDS if s.published.date() == day and s.show.name == SHOW]

    result = run(
        db_url, "--show", SHOW, "--since", f"{day}", "--until", f"{day}", "--out", str(out)
    )

    assert result.exit_code == 0, result.output
    assert f": {len(on_that_day)} articles over 1 week from " in result.output


def test_source_narrows_to_one_source(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "variety.png"

    result = run(db_url, "--show", SHOW, "--source", "variety", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == summary(out, "week", "variety")


def test_no_articles_in_the_window_is_an_error(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "empty.png"

    result = run(db_url, "--show", SHOW, "--since", "2030-01-01", "--out", str(out))

    assert result.exit_code == 1
    assert "no articles of All of Us Are Dead published on or after 2030-01-01" in result.output
    assert not out.exists()


def test_since_after_until_is_a_usage_error(db_url: str, tmp_path: Path) -> None:
    args = ("--since", "2024-03-02", "--until", "2024-03-01")
    result = run(db_url, "--show", SHOW, *args, "--out", str(tmp_path / "x.png"))

    assert result.exit_code == 2
    assert "--until is before --since" in result.output


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_the_suffix_picks_the_format(
    db_url: str, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    out = tmp_path / f"dead{suffix}"

    result = run(db_url, "--show", SHOW, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_an_unknown_suffix_is_refused_before_reading_the_store(tmp_path: Path) -> None:
    missing_store = f"sqlite:///{tmp_path / 'none.db'}"

    result = run(missing_store, "--show", SHOW, "--out", str(tmp_path / "dead.txt"))

    assert result.exit_code == 1
    assert "cannot tell the image format" in result.output
    assert ".png" in result.output and ".svg" in result.output


def test_without_matplotlib_the_message_names_the_extra(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes an import fail as if the package were not installed.
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    # Imported already (above): forget it, so that the command imports it afresh.
    monkeypatch.delitem(sys.modules, "crawler.charts")
    monkeypatch.delattr(crawler, "charts")

    result = run(db_url, "--show", SHOW, "--out", str(tmp_path / "dead.png"))

    assert result.exit_code == 1
    assert MISSING_MATPLOTLIB in result.output
    assert "pip install 'marquee[analysis]'" in result.output


# The drawing, on its own


@pytest.mark.parametrize("by", ["week", "month"])
def test_bar_heights_are_the_stored_counts(db_url: str, by: str) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        counts = queries.articles_per_period(session, ArticleFilter(SHOW), by=by)
    engine.dispose()
    expected = expected_counts(by)
    periods = every_period(by, min(p for p, _ in expected), max(p for p, _ in expected))

    drawn = bars(charts.plot_articles(counts, title="t", by=by))

    assert set(drawn) == {source for _, source in expected}
    for source, heights in drawn.items():
        assert list(heights) == periods  # every period, in order: time has no holes
        assert heights == {period: expected[(period, source)] for period in periods}


def test_gaps_are_zero_height_bars() -> None:
    first, last = date(2024, 1, 1), date(2024, 1, 29)  # Mondays four weeks apart
    counts = [PeriodCount(first, "a", 2), PeriodCount(last, "a", 1), PeriodCount(last, "b", 3)]

    drawn = bars(charts.plot_articles(counts, title="t", by="week"))

    weeks = [first + timedelta(weeks=n) for n in range(5)]
    assert drawn == {
        "a": {weeks[0]: 2, weeks[1]: 0, weeks[2]: 0, weeks[3]: 0, weeks[4]: 1},
        "b": {weeks[0]: 0, weeks[1]: 0, weeks[2]: 0, weeks[3]: 0, weeks[4]: 3},
    }


def test_bars_stack_largest_source_at_the_bottom() -> None:
    week = date(2024, 1, 1)
    counts = [PeriodCount(week, "small", 1), PeriodCount(week, "big", 5)]

    figure = charts.plot_articles(counts, title="Show: articles per week", by="week")

    [axes] = figure.axes
    [big], [small] = (container.patches for container in axes.containers)
    assert (big.get_y(), big.get_height()) == (0, 5)
    assert (small.get_y(), small.get_height()) == (5, 1)
    assert [c.get_label() for c in axes.containers] == ["big", "small"]
    assert axes.get_title() == "Show: articles per week"
    assert axes.get_ylabel() == "articles"
    legend = axes.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["small", "big"]  # as stacked


def test_sources_past_the_limit_are_folded_into_other() -> None:
    week = date(2024, 1, 1)
    totals = {f"source{n:02}": n + 1 for n in range(charts.MAX_SOURCES + 3)}
    counts = [PeriodCount(week, name, n) for name, n in totals.items()]
    by_size = sorted(totals, key=lambda name: -totals[name])
    kept, folded = by_size[: charts.MAX_SOURCES - 1], by_size[charts.MAX_SOURCES - 1 :]

    drawn = bars(charts.plot_articles(counts, title="t", by="week"))

    other = f"other ({len(folded)} sources)"
    assert list(drawn) == [*kept, other]
    assert drawn[other] == {week: sum(totals[name] for name in folded)}
    assert sum(h[week] for h in drawn.values()) == sum(totals.values())


def test_up_to_the_limit_no_source_is_folded() -> None:
    names = [f"s{n}" for n in range(charts.MAX_SOURCES)]
    counts = [PeriodCount(date(2024, 3, 1), name, 1) for name in names]

    drawn = bars(charts.plot_articles(counts, title="t", by="month"))

    assert sorted(drawn) == names


def test_nothing_to_draw_is_an_error() -> None:
    with pytest.raises(charts.ChartError, match="no articles"):
        charts.plot_articles([], title="t", by="week")


def test_save_chart_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    figure = charts.plot_articles([PeriodCount(date(2024, 1, 1), "a", 1)], title="t", by="week")

    with pytest.raises(charts.ChartError, match=re.escape("suffix '.txt'")):
        charts.save_chart(figure, tmp_path / "chart.txt")
    assert not (tmp_path / "chart.txt").exists()
