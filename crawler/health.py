"""A source's health: its latest crawl run's figures next to the median of its earlier runs, and
the drops that suggest its layout changed (dates or bylines no longer found, texts cut short,
pages lost, site furniture leaking into the text, articles no longer found)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.records import HealthFigures, HealthRow

# A share (of articles with a title, a date, an author, a full text; of pages lost) is flagged
# when it moves the bad way by more than this many percentage points from the source's usual
# one: sources differ (some never name an author), so each is measured against itself, and a
# layout change moves a share by far more than the few points an odd article does.
SHARE_DROP = 25.0
# Suspected boilerplate (pipeline.health) is flagged when the latest run has this many more
# recurring lines than usual: one line in a few articles can be a quote that stories about one
# show repeat, while a redesign's promo box or new byline block brings several.
BOILERPLATE_JUMP = 2
# Articles per run are flagged when they fall below this fraction of the usual number: links no
# longer matched or pages no longer taken for articles. Only for a source that usually brings
# ARTICLES_USUAL_MIN or more, because an incremental crawl of a quiet site often finds none.
ARTICLES_COLLAPSE = 0.25
ARTICLES_USUAL_MIN = 5
# A figure is compared with the median of at least this many earlier runs: one earlier run may
# itself have been odd, and a source with less history is shown but never flagged.
MIN_HISTORY = 2

# Each share's count among a run's figures: of its articles, or (failed) of the pages it lost
# and the articles it stored together.
COUNTS = {
    "title": "with_title",
    "date": "with_date",
    "author": "with_author",
    "long_text": "long_text",
    "failed": "failed",
}
SHARES = tuple(COUNTS)
RISING_IS_BAD = frozenset({"failed"})


@dataclass(frozen=True, slots=True)
class Health:
    """A source's latest run next to its usual figures, and what is flagged. Figures are
    articles and boilerplate (counts) and the SHARES (percent; None without pages to count)."""

    source: str
    run_id: int
    started_at: datetime
    earlier_runs: int  # how many earlier runs the medians are taken over
    latest: dict[str, float | None]
    usual: dict[str, float | None]  # medians of the earlier runs; None with too few of them
    flags: tuple[str, ...]  # e.g. "date 95% → 10%", "boilerplate 0 → 12"
    examples: tuple[str, ...]  # the latest run's most frequent boilerplate lines


def assess(history: Sequence[HealthRow]) -> Health:
    """Judge a source's latest run against the runs before it (``history`` newest first)."""
    latest, earlier = history[0], [row.figures for row in history[1:]]
    usual = {name: _median([_percent(figures, name) for figures in earlier]) for name in SHARES}
    usual["articles"] = _median([figures.articles for figures in earlier])
    # A run without articles has no lines that could recur: it says nothing about boilerplate.
    usual["boilerplate"] = _median([f.boilerplate for f in earlier if f.articles])
    figures = latest.figures
    return Health(
        source=latest.source,
        run_id=latest.run_id,
        started_at=latest.started_at,
        earlier_runs=len(earlier),
        latest={
            "articles": figures.articles,
            "boilerplate": figures.boilerplate,
            **{name: _percent(figures, name) for name in SHARES},
        },
        usual=usual,
        flags=_flags(figures, usual),
        examples=figures.boilerplate_examples,
    )


def _flags(figures: HealthFigures, usual: dict[str, float | None]) -> tuple[str, ...]:
    flags = [flag for name in SHARES if (flag := _share_flag(figures, name, usual[name]))]
    boilerplate = usual["boilerplate"]
    if boilerplate is not None and figures.boilerplate - boilerplate >= BOILERPLATE_JUMP:
        flags.append(f"boilerplate {boilerplate:g} → {figures.boilerplate}")
    articles = usual["articles"]
    if (
        articles is not None
        and articles >= ARTICLES_USUAL_MIN
        and figures.articles < ARTICLES_COLLAPSE * articles
    ):
        flags.append(f"articles {articles:g} → {figures.articles}")
    return tuple(flags)


def _share_flag(figures: HealthFigures, name: str, usual: float | None) -> str | None:
    """'date 95% → 10%' when the share moved the bad way by more than SHARE_DROP points."""
    count, total = _count(figures, name)
    if usual is None or total == 0:
        return None
    # Judged as if one more page had gone the good way: in the small runs of an incremental
    # crawl, a single article without a byline would otherwise be a 25-point drop.
    rising_is_bad = name in RISING_IS_BAD
    graced = max(count - 1, 0) if rising_is_bad else min(count + 1, total)
    moved = 100 * graced / total - usual
    if (moved if rising_is_bad else -moved) <= SHARE_DROP:
        return None
    return f"{name} {usual:.0f}% → {100 * count / total:.0f}%"


def _count(figures: HealthFigures, name: str) -> tuple[int, int]:
    """A share's count and what it is out of."""
    total = figures.articles + (figures.failed if name == "failed" else 0)
    return getattr(figures, COUNTS[name]), total


def _percent(figures: HealthFigures, name: str) -> float | None:
    count, total = _count(figures, name)
    return 100 * count / total if total else None


def _median(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if len(known) >= MIN_HISTORY else None
