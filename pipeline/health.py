"""One crawl's extraction figures for one source: how many of its articles came out with a
title, a date, an author and a full-length text, and which lines recur across them (site
furniture that survived extraction). A layout change shows as these figures dropping.

The tally is fed extraction results as a crawl stores them and gives plain numbers; it keeps no
state beyond its own instance.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from pipeline.dedup import normalise_text
from pipeline.types import Extracted

# An article's text is full-length from this many words: the shortest real news stories run
# to a few hundred, while a page whose body the extraction lost keeps a lead and a caption.
LONG_TEXT_WORDS = 150

# A line of text is suspected boilerplate when it occurs in at least BOILERPLATE_MIN_ARTICLES of
# the source's articles in one crawl and in at least BOILERPLATE_SHARE of them: the thresholds
# that make a block part of a source's learned template (storage.repository), applied to what
# extraction kept. Two articles may share a quote by chance; three sharing a line is the site.
BOILERPLATE_MIN_ARTICLES = 3
BOILERPLATE_SHARE = 0.3
# Shorter lines are headings ("The Cast", "Final Thoughts") that a site's articles share as
# structure, not furniture.
BOILERPLATE_MIN_WORDS = 4
# List items are left out: articles about one show repeat its cast list, item for item.
LIST_ITEM_PREFIX = "- "
# How many recurring lines are kept as examples, most frequent first, and how much of each.
BOILERPLATE_EXAMPLES = 3
EXAMPLE_CHARS = 120


@dataclass(frozen=True, slots=True)
class PageFigures:
    """What extraction made of one source's articles in one crawl: how many there were, how
    many had each field, and the lines suspected to be boilerplate."""

    articles: int = 0
    with_title: int = 0
    with_date: int = 0  # a publication date
    with_author: int = 0
    long_text: int = 0  # text of at least LONG_TEXT_WORDS words
    boilerplate: int = 0  # distinct lines recurring across the articles
    boilerplate_examples: tuple[str, ...] = ()


class HealthTally:
    """Accumulates one source's articles of one crawl; each article counted once, however
    many of its URLs were fetched."""

    def __init__(self) -> None:
        self._seen: set[Hashable] = set()
        self._fields: Counter[str] = Counter()
        self._lines: Counter[str] = Counter()  # normalised line -> articles it occurs in
        self._spellings: dict[str, str] = {}  # normalised line -> as first seen, for examples

    def add(self, article: Hashable, extracted: Extracted) -> None:
        """Count one article (by any key that identifies it, e.g. its id in the store)."""
        if article in self._seen:
            return
        self._seen.add(article)
        self._fields["with_title"] += bool(extracted.title and extracted.title.strip())
        self._fields["with_date"] += extracted.published is not None
        self._fields["with_author"] += bool(extracted.author and extracted.author.strip())
        self._fields["long_text"] += len(extracted.text.split()) >= LONG_TEXT_WORDS
        for key, line in _candidate_lines(extracted.text).items():
            self._lines[key] += 1
            self._spellings.setdefault(key, line)

    def figures(self) -> PageFigures:
        """The figures of the articles counted so far."""
        articles = len(self._seen)
        needed = max(BOILERPLATE_MIN_ARTICLES, math.ceil(BOILERPLATE_SHARE * articles))
        recurring = sorted(
            (key for key, count in self._lines.items() if count >= needed),
            key=lambda key: (-self._lines[key], key),
        )
        return PageFigures(
            articles=articles,
            with_title=self._fields["with_title"],
            with_date=self._fields["with_date"],
            with_author=self._fields["with_author"],
            long_text=self._fields["long_text"],
            boilerplate=len(recurring),
            boilerplate_examples=tuple(
                self._spellings[key][:EXAMPLE_CHARS] for key in recurring[:BOILERPLATE_EXAMPLES]
            ),
        )


def _candidate_lines(text: str) -> dict[str, str]:
    """The text's paragraphs that could be boilerplate, by normalised form (once per article)."""
    lines: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(LIST_ITEM_PREFIX) or len(line.split()) < BOILERPLATE_MIN_WORDS:
            continue
        lines.setdefault(normalise_text(line), line)
    return lines
