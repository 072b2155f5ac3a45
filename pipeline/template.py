"""A source's learned template: fingerprints of the text blocks of its pages, and their removal.

A site wraps every article in the same sidebar, footer and "Trending now" lists. A block of text
that recurs on many distinct articles of one source is that wrapper, not article text. This
module fingerprints a page's text blocks and removes the blocks whose fingerprints are in a
template; which fingerprints make the template (how often they recur) is decided by the caller
from counts it keeps (the crawler, in the store). Nothing here keeps state between calls.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from lxml.html import HtmlElement

from pipeline.dedup import normalise_text
from pipeline.dom import is_attached

# Elements whose whole text is one block ...
BLOCK_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "blockquote", "figcaption"}
)
# ... and generic containers, which are blocks when they hold text of their own ("© 2024 Site.
# All rights reserved." straight inside a <div>), not only through child elements.
TEXT_HOLDER_TAGS = frozenset({"div", "span", "a"})
# Inline elements: inside running text they are part of a sentence, and never removed alone.
INLINE_TAGS = frozenset({"a", "span"})
# Shorter blocks ("Share", "Trending now", "Reply") occur everywhere, articles included; too
# common to tell a site's wrapper from an article by.
MIN_BLOCK_CHARS = 20
# Hex digits of SHA-256 kept: 64 bits, no collisions among one source's blocks in practice.
FINGERPRINT_CHARS = 16

# Never removed: the page skeleton, which holds the article itself ...
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
# ... and the headline: other pages' widgets link to an article by its headline, so its text
# recurs across a source, but on the article's own page it is what the metadata reads.
KEPT_TAGS = frozenset({"h1"})


def block_fingerprint(text: str) -> str:
    """The fingerprint of one block of text: a short hash of its normalised form."""
    digest = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
    return digest[:FINGERPRINT_CHARS]


def block_fingerprints(root: HtmlElement) -> frozenset[str]:
    """The fingerprints of the text blocks (of MIN_BLOCK_CHARS or more) in a page's body."""
    return frozenset(block_fingerprint(text) for _, text in _blocks(root))


def remove_template_blocks(root: HtmlElement, template: frozenset[str]) -> int:
    """Remove, in place, the blocks whose fingerprint is in ``template``; returns how many.

    What goes is the largest element holding exactly the block's text (the <li> around a
    matching link, say), never the page skeleton or the headline, and never a link or span in
    the middle of a sentence.
    """
    if not template:
        return 0
    removed = 0
    for element, text in list(_blocks(root)):
        if block_fingerprint(text) not in template or not is_attached(element, root):
            continue
        unit = _removable_unit(element, text)
        if unit is not None:
            unit.drop_tree()
            removed += 1
    return removed


def _blocks(root: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Each block element of the body with its normalised text, in document order."""
    body = root.find(".//body")
    for element in (root if body is None else body).iter(*BLOCK_TAGS, *TEXT_HOLDER_TAGS):
        if element.tag in BLOCK_TAGS or _holds_text(element):
            text = normalise_text(" ".join(element.itertext()))
            if len(text) >= MIN_BLOCK_CHARS:
                yield element, text


def _holds_text(element: HtmlElement) -> bool:
    """Whether text sits directly in the element, not only inside its children."""
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _removable_unit(element: HtmlElement, text: str) -> HtmlElement | None:
    """The element to remove for a matching block, or None when it must stay."""
    unit = element
    if unit.tag in KEPT_TAGS:
        return None
    for parent in element.iterancestors():
        if parent.tag in PROTECTED_TAGS or normalise_text(" ".join(parent.itertext())) != text:
            break
        if parent.tag in KEPT_TAGS:
            return None
        unit = parent
    parent = unit.getparent()
    if unit.tag in INLINE_TAGS and parent is not None and _holds_text(parent):
        return None  # a link or span inside running text: part of a sentence
    return unit
