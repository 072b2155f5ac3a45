"""Drawing articles-over-time charts with matplotlib: stacked bars per week or month, one colour
per source, and writing them to an image file in the format its suffix names."""

# Figures are built with matplotlib.figure.Figure directly, never pyplot: pyplot keeps every
# figure in a global registry and picks a GUI backend, neither of which a CLI wants.

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from crawler.exceptions import ChartError
from storage.records import PeriodCount

PERIODS = ("week", "month")
# More sources than this and the smallest are drawn as one "other" bar: past about eight,
# colours stop being told apart and the legend outgrows the chart.
MAX_SOURCES = 8
OTHER_COLOUR = "0.6"  # grey, kept for "other" so that it never looks like a source
# tab10 without its grey, which "other" uses.
SOURCE_COLOURS = tuple(colormaps["tab10"](i) for i in range(10) if i != 7)
BAR_SHARE = 0.85  # of its period a bar covers, so that neighbouring bars stay apart
FIGURE_SIZE = (11.0, 5.5)  # inches
DPI = 150
# Up to this many periods, ticks sit on period starts (every one, or every other ...); past
# it, matplotlib's calendar ticks (months, quarters, years) read better.
PERIOD_TICKS = 24
MAX_TICKS = 12
# The x axis spans at least this many periods, so that one or two bars are not drawn as wide
# as the chart.
MIN_SPAN = 8
PERIOD_DAYS = {"week": 7.0, "month": 365.25 / 12}


@dataclass(frozen=True, slots=True)
class Series:
    """One stack layer: a source, or the smallest sources folded together, and its counts."""

    label: str
    per_period: Counter[date]
    folded: bool = False


def plot_articles(counts: Sequence[PeriodCount], *, title: str, by: str) -> Figure:
    """Stacked bars of articles per ``by`` (week or month) and source, largest source at the
    bottom; every period between the first and the last is drawn, empty ones as zero."""
    if by not in PERIODS:
        raise ValueError(f"by must be week or month, not {by!r}")
    if not counts:
        raise ChartError("no articles to chart")
    periods = period_range(min(c.period for c in counts), max(c.period for c in counts), by)
    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    axes = figure.add_subplot()
    # As matplotlib date numbers (days), which its type hints accept where dates are not.
    lefts = date2num(periods)
    widths = [(following(start, by) - start).days * BAR_SHARE for start in periods]
    bottom = [0] * len(periods)
    for index, series in enumerate(fold_sources(counts)):
        heights = [series.per_period[start] for start in periods]
        colour = OTHER_COLOUR if series.folded else SOURCE_COLOURS[index % len(SOURCE_COLOURS)]
        axes.bar(lefts, heights, widths, bottom, align="edge", label=series.label, color=colour)
        bottom = [below + height for below, height in zip(bottom, heights, strict=True)]
    _decorate(axes, periods, title=title, by=by)
    return figure


def fold_sources(counts: Sequence[PeriodCount]) -> list[Series]:
    """Per source, articles per period: sources by total, largest first (ties by name), and
    beyond MAX_SOURCES the smallest ones summed as one "other (N sources)" series, last."""
    per_source: defaultdict[str, Counter[date]] = defaultdict(Counter)
    for count in counts:
        per_source[count.source][count.period] += count.articles
    ranked = sorted(per_source, key=lambda name: (-per_source[name].total(), name))
    if len(ranked) <= MAX_SOURCES:
        return [Series(name, per_source[name]) for name in ranked]
    kept, folded = ranked[: MAX_SOURCES - 1], ranked[MAX_SOURCES - 1 :]
    other: Counter[date] = sum((per_source[name] for name in folded), Counter())
    label = f"other ({len(folded)} sources)"
    return [*(Series(name, per_source[name]) for name in kept), Series(label, other, True)]


def period_range(first: date, last: date, by: str) -> list[date]:
    """The starts of every week or month from the one starting at ``first`` to ``last``."""
    periods = []
    start = first
    while start <= last:
        periods.append(start)
        start = following(start, by)
    return periods


def following(start: date, by: str) -> date:
    """The first day of the week or month after the one starting at ``start``."""
    if by == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _decorate(axes: Axes, periods: list[date], *, title: str, by: str) -> None:
    axes.set_title(title)
    axes.set_ylabel("articles")
    axes.set_xlabel("week (from Monday)" if by == "week" else "month")
    axes.xaxis_date()
    _date_ticks(axes, periods, by)
    _frame(axes, periods, by)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # article counts are whole
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    # Reversed, so that the legend lists the sources top to bottom as the bars stack them.
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(
        handles[::-1], labels[::-1], title="source", loc="upper left", bbox_to_anchor=(1.01, 1)
    )


def _frame(axes: Axes, periods: list[date], by: str) -> None:
    start, end = date2num([periods[0], following(periods[-1], by)])
    length = PERIOD_DAYS[by]
    pad = max(length / 2, (MIN_SPAN * length - (end - start)) / 2)
    axes.set_xlim(start - pad, end + pad)


def _date_ticks(axes: Axes, periods: list[date], by: str) -> None:
    if len(periods) > PERIOD_TICKS:
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        return
    # Few bars: tick their first days, each label a whole date, so that no tick falls mid-bar
    # (a month bar ticked on the 15th) and no label is a bare day number.
    step = -(-len(periods) // MAX_TICKS)  # ceiling division
    axes.xaxis.set_major_locator(FixedLocator(date2num(periods[::step])))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b\n%Y" if by == "week" else "%b\n%Y"))


def image_format(path: Path) -> str:
    """The image format ``path``'s suffix names (png, svg, pdf ...), if matplotlib writes it."""
    known = FigureCanvasBase.get_supported_filetypes()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in known:
        choices = ", ".join(f".{name}" for name in sorted(known))
        shown = f"suffix {path.suffix!r}" if suffix else "no suffix"
        raise ChartError(f"cannot tell the image format of {path}: {shown}; use one of {choices}")
    return suffix


def save_chart(figure: Figure, path: Path) -> None:
    """Write ``figure`` to ``path`` in the format its suffix names."""
    fmt = image_format(path)
    try:
        figure.savefig(path, format=fmt, dpi=DPI)
    except OSError as exc:
        raise ChartError(f"cannot write {path}: {exc.strerror or exc}") from exc
