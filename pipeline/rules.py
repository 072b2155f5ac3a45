"""Per-source rules, applied to a parsed page before extraction reads it.

For a site whose markup the generic extraction gets wrong, the sources file can name CSS
selectors: the article body (``content_selector``), elements to drop (``drop_selectors``) and
the elements holding the title, date and author. With the source's learned template
(pipeline/template.py) they arrive in ExtractOptions. ``read_overrides`` reads the metadata the
selectors find, which wins over what the rest of the markup says; ``apply_selectors`` drops and
narrows the tree before extraction reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from cssselect import SelectorError
from lxml import etree
from lxml.html import HtmlElement

from pipeline.dates import parse_datetime
from pipeline.dom import css, is_attached, text_of
from pipeline.metadata import BYLINE_PREFIX, PageMetadata
from pipeline.types import ExtractOptions

# A drop selector never removes these: without them there is no page left to read.
UNDROPPABLE_TAGS = frozenset({"html", "head", "body"})
# Where a date element keeps a machine-readable value (<time datetime>, <meta content>).
DATE_ATTRIBUTES: tuple[str, ...] = ("datetime", "content")
# JSON-LD in the body says what the page is; it survives narrowing to the content element.
JSON_LD = etree.XPath("//body//script[@type='application/ld+json']")


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
    """Return ``selector`` if it is a CSS selector the extraction can run, else ValueError."""
    try:
        css(selector)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
    return selector


def read_overrides(root: HtmlElement, options: ExtractOptions) -> MetadataOverrides:
    """The title, author and publication date that the source's selectors point at."""
    return MetadataOverrides(
        title=_first_text(root, options.title_selector),
        author=_without_by(_first_text(root, options.author_selector)),
        published=_first_date(root, options.date_selector),
    )


def apply_selectors(root: HtmlElement, options: ExtractOptions) -> None:
    """Drop what the source's drop selectors match, then narrow to its content selector."""
    for selector in options.drop_selectors:
        for element in _matches(root, selector):
            if element.tag not in UNDROPPABLE_TAGS and is_attached(element, root):
                element.drop_tree()
    if options.content_selector:
        _narrow_to(root, options.content_selector)


def _narrow_to(root: HtmlElement, selector: str) -> None:
    """Leave only the first element matching ``selector`` (and JSON-LD) in the body; the
    <head>, with its metadata, stays. Nothing changes when no element in the body matches."""
    body = root.find(".//body")
    content = next(iter(_matches(root, selector)), None)
    if body is None or content is None or body not in content.iterancestors():
        return
    json_ld = [s for s in JSON_LD(root) if content not in s.iterancestors()]
    kept = [content, *json_ld]
    for element in kept:
        element.tail = None  # the text after an element belongs to what is being cleared
    body.clear()
    body.extend(kept)


def _matches(root: HtmlElement, selector: str | None) -> list[HtmlElement]:
    return list(css(selector)(root)) if selector else []


def _first_text(root: HtmlElement, selector: str | None) -> str | None:
    texts = (text_of(element) for element in _matches(root, selector))
    return next((text for text in texts if text), None)


def _without_by(byline: str | None) -> str | None:
    # A byline element often reads "by Hana Lee"; the "by" is not part of the name.
    if not byline:
        return None
    return BYLINE_PREFIX.sub("", byline) or None


def _first_date(root: HtmlElement, selector: str | None) -> datetime | None:
    """The first date among the matches: the datetime or content attribute, else the text."""
    for element in _matches(root, selector):
        attributes = (element.get(attribute) for attribute in DATE_ATTRIBUTES)
        values = [*(v for v in attributes if v), text_of(element)]
        parsed = next(filter(None, map(parse_datetime, values)), None)
        if parsed is not None:
            return parsed
    return None
