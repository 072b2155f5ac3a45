"""When the article was published and modified, from its own markup (never from its comments)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from lxml.html import HtmlElement

from pipeline.dom import ancestors, elements, markup_matches, text_of
from pipeline.jsonld import ARTICLE_TYPE, WEB_PAGE_TYPE, JsonNode, first_of_type
from pipeline.markup import HOLDS_BODY, MetaIndex, meta_values

# <meta> keys, strongest first: Open Graph article tags, then other common conventions.
PUBLISHED_META: tuple[str, ...] = ("article:published_time",)
PUBLISHED_OTHER_META: tuple[str, ...] = (
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "date",
)
MODIFIED_META: tuple[str, ...] = ("article:modified_time",)
MODIFIED_OTHER_META: tuple[str, ...] = (
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "last-modified",
)

# <time> elements of the article itself, told apart by class or itemprop.
PUBLISHED_TIME_MARKUP = re.compile(r"published|entry-date|post-date|pubdate", re.I)
MODIFIED_TIME_MARKUP = re.compile(r"updated|modified", re.I)
# A <time> inside one of these (below the article element) dates something else.
FOREIGN_TIME_MARKUP = re.compile(r"widget|sidebar|related|comment|recent|popular|trending", re.I)
FOREIGN_TIME_TAGS = frozenset({"aside", "nav"})

# The elements of a comment thread that carry its comments' dates.
COMMENT_DATE_MARKUP = re.compile(r"date|time|meta", re.I)

ITEMPROP = etree.XPath(".//*[@itemprop = $key]")
DATE_VALUE_ATTRIBUTES: tuple[str, ...] = ("datetime", "content", "title")
# For <time> elements that only carry human-readable text.
HUMAN_DATE_FORMATS: tuple[str, ...] = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y %I:%M %p",
)
YEAR = re.compile(r"\b\d{4}\b")
# Outside this range a date is a placeholder ("0001-01-01") or a typo, not a publication date.
PLAUSIBLE_YEARS = range(1990, 2101)


def published_time(
    nodes: tuple[JsonNode, ...], meta: MetaIndex, scope: HtmlElement, fallback: str | None = None
) -> datetime | None:
    """JSON-LD datePublished, then article:published_time, other meta, the article's <time>."""
    candidates = (
        _jsonld_values(nodes, "datePublished"),
        meta_values(meta, PUBLISHED_META),
        meta_values(meta, PUBLISHED_OTHER_META),
        _time_values(scope, "datePublished", PUBLISHED_TIME_MARKUP, include_unmarked=True),
        [fallback] if fallback else [],
    )
    return _first_datetime(value for group in candidates for value in group)


def modified_time(
    nodes: tuple[JsonNode, ...], meta: MetaIndex, scope: HtmlElement
) -> datetime | None:
    """JSON-LD dateModified, then article:modified_time, other meta, the article's <time>."""
    candidates = (
        _jsonld_values(nodes, "dateModified"),
        meta_values(meta, MODIFIED_META),
        meta_values(meta, MODIFIED_OTHER_META),
        _time_values(scope, "dateModified", MODIFIED_TIME_MARKUP, include_unmarked=False),
    )
    return _first_datetime(value for group in candidates for value in group)


def comment_days(sections: Iterable[HtmlElement]) -> frozenset[date]:
    """Days on which the page's comments were posted, read from its removed comment sections."""
    days = set()
    for section in sections:
        for element in elements(section):
            if not _is_date_like(element):
                continue
            parsed = parse_datetime(element.get("datetime") or text_of(element))
            if parsed is not None:
                days.add(parsed.date())
    return frozenset(days)


def _is_date_like(element: HtmlElement) -> bool:
    return element.tag == "time" or markup_matches(element, COMMENT_DATE_MARKUP)


def parse_datetime(value: str) -> datetime | None:
    """An aware datetime from ISO 8601, RFC 2822 or "May 27, 2024"; naive times are taken as UTC."""
    value = value.strip()
    parsed = _parse_iso(value) or _parse_rfc2822(value) or _parse_human(value)
    if parsed is None or parsed.year not in PLAUSIBLE_YEARS:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _first_datetime(values: Iterable[str]) -> datetime | None:
    for value in values:
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed
    return None


def _jsonld_values(nodes: tuple[JsonNode, ...], key: str) -> Iterator[str]:
    # The article node speaks for the article; the WebPage node (Yoast repeats dates there) next.
    for pattern in (ARTICLE_TYPE, WEB_PAGE_TYPE):
        node = first_of_type(nodes, pattern)
        if node is not None and isinstance(node.get(key), str):
            yield node[key]


def _time_values(
    scope: HtmlElement, itemprop: str, markup: re.Pattern[str], *, include_unmarked: bool
) -> Iterator[str]:
    times = [time for time in scope.iter("time") if not _is_foreign(time, scope)]
    marked = [t for t in times if t.get("itemprop") == itemprop or markup_matches(t, markup)]
    if include_unmarked:
        # A plain <time> in the article's own header is its publication date.
        marked += [t for t in times if not markup_matches(t, MODIFIED_TIME_MARKUP)]
    for time in marked:
        yield time.get("datetime") or text_of(time)
    # Microdata on other elements: Blogger's <abbr itemprop="datePublished" title="...">.
    for element in ITEMPROP(scope, key=itemprop):
        if element.tag != "time" and not _is_foreign(element, scope):
            value = next((element.get(a) for a in DATE_VALUE_ATTRIBUTES if element.get(a)), None)
            yield value or text_of(element)


def _is_foreign(time: HtmlElement, scope: HtmlElement) -> bool:
    for parent in ancestors(time):
        if parent is scope:
            return False
        if parent.tag in FOREIGN_TIME_TAGS or markup_matches(parent, FOREIGN_TIME_MARKUP):
            # Blogger wraps the posts themselves in a "widget Blog": that one is the article's.
            return not HOLDS_BODY(parent)
    return False


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _parse_rfc2822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_human(value: str) -> datetime | None:
    if not YEAR.search(value):  # strptime is slow, and every format needs a four-digit year
        return None
    text = " ".join(value.replace(",", ", ").split()).replace(" ,", ",")
    for date_format in HUMAN_DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            continue
    return None
