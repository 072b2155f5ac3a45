"""Small helpers over lxml trees: parsing, element names, classes, bounded text, safe removal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cssselect import GenericTranslator
from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from trafilatura.utils import load_html

from pipeline.errors import UnreadablePage

# Elements whose text is never page content.
NON_CONTENT_TAGS = frozenset({"script", "style", "noscript", "template", "title", "head"})


# As trafilatura's own loader parses: HTML comments and processing instructions would sit in
# the tree as children and skew its choice of the main content (whole paragraphs went missing).
PARSER = HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)


def parse(html: str) -> HtmlElement:
    """The page as an lxml tree, fragments wrapped in <html><body> as browsers do."""
    try:
        tree = document_fromstring(html, parser=PARSER)
    except ValueError:
        # lxml refuses str input that declares an encoding (<?xml ... encoding=...?>);
        # trafilatura's loader strips the declaration first.
        tree = load_html(html)
    except etree.ParserError:
        tree = None
    if tree is None or tree.find(".//body") is None:
        raise UnreadablePage("no <body> in the parsed HTML")
    return tree


def css(selector: str) -> etree.XPath:
    """A compiled XPath for a CSS selector (lxml has no CSS engine of its own)."""
    return etree.XPath(GenericTranslator().css_to_xpath(selector))


def elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Root and every element below it, in document order (comments and the like skipped)."""
    return root.iter(tag=etree.Element)


def markup(element: HtmlElement) -> str:
    """The element's class and id attributes, space-separated, for pattern matching."""
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def markup_matches(element: HtmlElement, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` occurs in the element's class or id."""
    return pattern.search(markup(element)) is not None


def text_of(element: HtmlElement) -> str:
    """The element's text with whitespace collapsed."""
    return " ".join(" ".join(element.itertext()).split())


def text_within(element: HtmlElement, limit: int) -> str | None:
    """The element's text, whitespace collapsed, or None once it is known to exceed ``limit``.

    Stops early: a climb towards the page root meets ancestors whose whole text is costly."""
    parts: list[str] = []
    length = -1
    for chunk in element.itertext():
        words = chunk.split()
        if not words:
            continue
        parts.append(" ".join(words))
        length += len(parts[-1]) + 1
        if length > limit:
            return None
    return " ".join(parts)


def ancestors(element: HtmlElement) -> Iterator[HtmlElement]:
    """The element's parents, nearest first."""
    parent = element.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def is_attached(element: HtmlElement, root: HtmlElement) -> bool:
    """Whether the element is still in root's tree (an ancestor may have been removed)."""
    return element is root or any(parent is root for parent in ancestors(element))


def remove_all(found: Iterable[HtmlElement], root: HtmlElement) -> int:
    """Remove elements (keeping the text that follows each), skipping ones already gone."""
    removed = 0
    for element in list(found):
        if element is not root and is_attached(element, root):
            element.drop_tree()
            removed += 1
    return removed


# Attributes that name an element: its classes and id, and the test ids and component names
# that sites with hashed class names still give their widgets.
NAME_ATTRIBUTES: tuple[str, ...] = ("class", "id", "data-testid", "data-component", "data-module")
NAMES = etree.XPath(" | ".join(f"//@{attribute}" for attribute in NAME_ATTRIBUTES))


@dataclass(frozen=True, slots=True)
class ClassIndex:
    """Every name of every element of a page (class tokens, id, test ids), lowercased.

    Built with one libxml2 query and reused by every step that looks for elements by their
    names: a regex over the page's distinct names is far cheaper than an XPath predicate per
    element (a page repeats a few hundred names over thousands of elements).
    """

    names: dict[str, list[tuple[HtmlElement, str]]]  # name -> (element, attribute) in page order

    @classmethod
    def of(cls, root: HtmlElement) -> ClassIndex:
        names: dict[str, list[tuple[HtmlElement, str]]] = {}
        for value in NAMES(root):
            element, attribute = value.getparent(), value.attrname
            tokens = value.lower().split() if attribute == "class" else [value.strip().lower()]
            for token in tokens:
                names.setdefault(token, []).append((element, attribute))
        return cls(names)

    def find(
        self, pattern: re.Pattern[str], names: tuple[str, ...] = NAME_ATTRIBUTES
    ) -> list[HtmlElement]:
        """Elements with a name (in one of the ``names`` attributes) that ``pattern`` matches."""
        found: dict[HtmlElement, None] = {}
        for name, owners in self.names.items():
            if pattern.search(name):
                found.update((e, None) for e, attribute in owners if attribute in names)
        return list(found)


# Non-blank text only: the whitespace between tags is most of a page's text nodes.
BODY_TEXT = etree.XPath("//body//text()[normalize-space(.)]")


def text_holder(text: etree._ElementUnicodeResult) -> HtmlElement | None:
    """The element whose content a text node is (a tail belongs to its element's parent)."""
    element = text.getparent()
    return element.getparent() if text.is_tail and element is not None else element
