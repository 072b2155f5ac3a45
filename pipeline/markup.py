"""Low-level reading of a parsed page: <meta> values, the article's own element, tag text."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from pipeline.dom import ClassIndex

# <meta> attributes that name the value, in the order they are tried on one element.
META_KEY_ATTRIBUTES: tuple[str, ...] = ("property", "name", "itemprop", "http-equiv")

MetaIndex = dict[str, tuple[str, ...]]

# Classes and ids of the element that holds an article's body text.
# Whole names only: "story-body__link" is a link inside the body, not the body.
ARTICLE_BODY_MARKUP = re.compile(
    r"(?<![\w-])(?:entry-content|post-content|article-body|articlebody|post-body|story-body)"
    r"(?![\w-])",
    re.I,
)
BODY_MARKUP = re.compile(ARTICLE_BODY_MARKUP.pattern)  # for the lowercased ClassIndex
BODY_PROPERTY = etree.XPath("//*[@itemprop='articleBody']")
# Whether an element holds an article body (one query; run only on the few elements asked about).
HOLDS_BODY = etree.XPath(
    "boolean(.//article | .//*[@itemprop='articleBody'] | .//*["
    + " or ".join(
        f"contains(@class, '{name}')"
        for name in ("entry-content", "post-content", "article-body", "post-body", "story-body")
    )
    + "])"
)
# Elements that end the climb from the headline: past them lies the whole page.
PAGE_LEVEL_TAGS = frozenset({"article", "main", "body"})


def meta_index(root: HtmlElement) -> MetaIndex:
    """Every <meta> content by lowercased key (property, name, itemprop or http-equiv)."""
    index: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = next((meta.get(a) for a in META_KEY_ATTRIBUTES if meta.get(a)), None)
        content = meta.get("content")
        if key and content and content.strip():
            index.setdefault(key.strip().lower(), []).append(content.strip())
    return {key: tuple(values) for key, values in index.items()}


def meta_values(index: MetaIndex, keys: tuple[str, ...]) -> list[str]:
    """The values stored under ``keys``, key order first, then document order."""
    return [value for key in keys for value in index.get(key, ())]


def article_scope(root: HtmlElement, index: ClassIndex) -> HtmlElement:
    """The element holding the article itself: its headline, byline, dates and body, but not
    the sidebars or other posts' teasers."""
    heading = root.find(".//article//h1")
    if heading is None:
        heading = root.find(".//h1")
    if heading is not None:
        # Themes that put the headline outside <article>: climb until the body is included too.
        markers = [*root.iter("article"), *BODY_PROPERTY(root), *index.find(BODY_MARKUP)]
        holds_body = {parent for marker in markers for parent in _lineage(marker)}
        for parent in heading.iterancestors():
            if parent.tag in PAGE_LEVEL_TAGS or parent in holds_body:
                return parent
    for path in (".//article", ".//main", ".//body"):
        found = root.find(path)
        if found is not None:
            return found
    return root


def _lineage(element: HtmlElement) -> list[HtmlElement]:
    return [element, *element.iterancestors()]
