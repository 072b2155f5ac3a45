"""Per-source rules, applied to a parsed page before extraction reads it.

For a site whose markup the generic extraction gets wrong, the sources file can name CSS
selectors: the article body (``content_selector``), elements to drop (``drop_selectors``) and
the elements holding the title, date and author. With the source's learned template
(pipeline/template.py) they arrive in ExtractOptions; ``apply_rules`` runs them on the soup and
returns the metadata the selectors found, which wins over what the rest of the markup says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import soupsieve
from bs4 import BeautifulSoup, Tag

from pipeline.clean import remove_boilerplate
from pipeline.dates import parse_datetime
from pipeline.markup import text_of
from pipeline.metadata import BYLINE_PREFIX, PageMetadata
from pipeline.template import block_fingerprints, remove_template_blocks
from pipeline.types import ExtractOptions

# A drop selector never removes these: without them there is no page left to read.
UNDROPPABLE_TAGS = frozenset({"html", "head", "body"})
# Where a date element keeps a machine-readable value (<time datetime>, <meta content>).
DATE_ATTRIBUTES: tuple[str, ...] = ("datetime", "content")
# JSON-LD in the body says what the page is; it survives narrowing to the content element.
JSON_LD = 'script[type="application/ld+json"]'


@dataclass(frozen=True, slots=True)
class MetadataOverrides:
    """What the source's metadata selectors found on a page; None where they found nothing."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None

    def apply(self, metadata: PageMetadata) -> PageMetadata:
        """``metadata`` with the fields the selectors found replaced."""
        return replace(
            metadata,
            title=self.title or metadata.title,
            author=self.author or metadata.author,
            published=self.published or metadata.published,
        )


def check_selector(selector: str) -> str:
    """Return ``selector`` if it is a CSS selector soupsieve compiles, else raise ValueError."""
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        # The message goes on to draw the selector with a caret; its first line says it all.
        reason = str(exc).splitlines()[0]
        raise ValueError(f"invalid CSS selector {selector!r}: {reason}") from None
    return selector


def apply_rules(soup: BeautifulSoup, options: ExtractOptions) -> MetadataOverrides:
    """Apply the source's selectors and template to ``soup`` in place; return its metadata.

    The metadata selectors are read first, while the whole page is there; then the drop
    selectors go, the body is narrowed to the content element, and template blocks go.
    """
    overrides = read_overrides(soup, options)
    _apply_selectors(soup, options)
    remove_template_blocks(soup, options.template)
    return overrides


def page_blocks(html: str, options: ExtractOptions) -> frozenset[str]:
    """The block fingerprints of a page as extraction sees it, before any template is removed:
    what the page adds to its source's template counts."""
    soup = BeautifulSoup(html, "lxml")
    remove_boilerplate(soup)
    _apply_selectors(soup, options)
    return block_fingerprints(soup)


def read_overrides(soup: BeautifulSoup, options: ExtractOptions) -> MetadataOverrides:
    """The title, author and publication date that the source's selectors point at."""
    return MetadataOverrides(
        title=_first_text(soup, options.title_selector),
        author=_without_by(_first_text(soup, options.author_selector)),
        published=_first_date(soup, options.date_selector),
    )


def _apply_selectors(soup: BeautifulSoup, options: ExtractOptions) -> None:
    for selector in options.drop_selectors:
        for element in soup.select(selector):
            if not element.decomposed and element.name not in UNDROPPABLE_TAGS:
                element.decompose()
    if options.content_selector:
        _narrow_to(soup, options.content_selector)


def _narrow_to(soup: BeautifulSoup, selector: str) -> None:
    """Leave only the first element matching ``selector`` (and JSON-LD) in the body; the
    <head>, with its metadata, stays. Nothing changes when no element in the body matches."""
    body = soup.body
    content = soup.select_one(selector)
    if body is None or content is None or not any(p is body for p in content.parents):
        return
    json_ld = [s for s in body.select(JSON_LD) if not any(p is content for p in s.parents)]
    kept = [content.extract(), *(script.extract() for script in json_ld)]
    body.clear(decompose=True)
    for element in kept:
        body.append(element)


def _matches(soup: BeautifulSoup, selector: str | None) -> list[Tag]:
    return soup.select(selector) if selector else []


def _first_text(soup: BeautifulSoup, selector: str | None) -> str | None:
    texts = (text_of(element) for element in _matches(soup, selector))
    return next((text for text in texts if text), None)


def _without_by(byline: str | None) -> str | None:
    # A byline element often reads "by Hana Lee"; the "by" is not part of the name.
    if not byline:
        return None
    return BYLINE_PREFIX.sub("", byline) or None


def _first_date(soup: BeautifulSoup, selector: str | None) -> datetime | None:
    """The first date among the matches: the datetime or content attribute, else the text."""
    for element in _matches(soup, selector):
        attributes = (element.get(attribute) for attribute in DATE_ATTRIBUTES)
        values = [*(v for v in attributes if isinstance(v, str)), text_of(element)]
        parsed = next(filter(None, map(parse_datetime, values)), None)
        if parsed is not None:
            return parsed
    return None
