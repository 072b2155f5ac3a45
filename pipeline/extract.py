"""Page bytes to text, and page text to an Extracted article (main text via trafilatura)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document, Extractor
from trafilatura.xml import xmltotxt
from w3lib.encoding import html_to_unicode

from pipeline.blocks import drop_furniture
from pipeline.clean import remove_boilerplate
from pipeline.dates import comment_days
from pipeline.dom import ClassIndex, parse
from pipeline.errors import NotAnArticle, PageTooLarge, UnreadablePage
from pipeline.jsonld import ARTICLE_TYPE, LISTING_TYPE, first_of_type, node_types, read_nodes
from pipeline.metadata import Fallback, PageMetadata, read_metadata
from pipeline.rules import apply_selectors, read_overrides
from pipeline.template import block_fingerprints, remove_template_blocks
from pipeline.types import Extracted, ExtractOptions

DEFAULT_OPTIONS = ExtractOptions()  # frozen, so one shared default is safe

# Decoded text with more than this share of control characters (NUL, U+FFFD ...) is binary:
# random bytes hold ~9 % of them, a real page with a few mis-encoded bytes far fewer.
MAX_CONTROL_CHAR_SHARE = 0.02
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
SNIFF_CHARS = 4096

# Main text layout: one blank line between blocks (headings, paragraphs, lists, tables);
# a list is one block with one "- item" line per item.
BLOCK_SEPARATOR = "\n\n"
EXTRA_BLANK_LINES = re.compile(r"\n{3,}")

# Recall mode skips trafilatura's own second opinions (readability, justext, its recall
# escalation), so on some layouts (listicles, guides, recipe cards) it stops after the first
# section. A short recall result that covers little of the page's text and left out most of the
# page's paragraphs of prose is checked against balanced mode, and replaced when balanced mode
# finds several times more (distinct) text. Measured on WCXB: +0.010 word F1 for a second run
# on ~3 % of pages (bench/README.md).
SECOND_OPINION_BELOW_CHARS = 4000
SECOND_OPINION_PAGE_SHARE = 0.2
PROSE_PARAGRAPH_CHARS = 80
SECOND_OPINION_MIN_GAIN = 3.0
TRAILING_SPACE = re.compile(r"[ \t]+\n")


def decode_html(data: bytes, declared_encoding: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then the declared (HTTP) encoding, then <meta>, then sniffing.

    Returns the text and the name of the encoding used. Raises UnreadablePage for empty or
    binary data.
    """
    if not data.strip():
        raise UnreadablePage("empty body")
    content_type = f"text/html; charset={declared_encoding}" if declared_encoding else None
    encoding, text = html_to_unicode(content_type, data, auto_detect_fun=_sniff_encoding)
    if _looks_binary(text):
        raise UnreadablePage("binary data, not text")
    return text, encoding


def extract(html: str, url: str, options: ExtractOptions = DEFAULT_OPTIONS) -> Extracted:
    """Main text and metadata of the article page ``html`` fetched from ``url``.

    Raises PageTooLarge, UnreadablePage, or NotAnArticle (a listing page, too little text).
    """
    if len(html) > options.max_html_chars:
        raise PageTooLarge(f"{len(html)} characters, limit {options.max_html_chars}")
    if not html.strip() or _looks_binary(html):
        raise UnreadablePage("no HTML to parse")
    root = parse(html)
    index = ClassIndex.of(root)
    removed = remove_boilerplate(root, index)
    days = comment_days(removed.comment_areas)
    overrides = read_overrides(root, options)  # the source's selectors, on the whole page
    apply_selectors(root, options)
    blocks = block_fingerprints(root) if options.collect_blocks else frozenset()
    fired = (
        *removed.fired,
        *(("template",) if remove_template_blocks(root, options.template) else ()),
    )
    _check_page_type(root)
    metadata = overrides.apply(_metadata(root, url, days, index))
    document = _run_trafilatura(root, url, options)
    text = drop_furniture(document_text(document), metadata.title, metadata.tags)
    _check_text(text, options)
    return replace(_extracted(url, text, metadata, blocks), rules_fired=fired)


def document_text(document: Document) -> str:
    """The main text of a trafilatura document, one blank line between blocks."""
    if document.body is None:
        return ""
    blocks = (xmltotxt(child, include_formatting=False).strip() for child in document.body)
    text = BLOCK_SEPARATOR.join(block for block in blocks if block)
    return EXTRA_BLANK_LINES.sub("\n\n", TRAILING_SPACE.sub("\n", text))


def _sniff_encoding(data: bytes) -> str:
    # Undeclared pages are UTF-8 when they decode as such; otherwise the web's legacy default.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_CHARS]
    return len(CONTROL_CHARS.findall(sample)) > MAX_CONTROL_CHAR_SHARE * max(len(sample), 1)


def _check_page_type(root: HtmlElement) -> None:
    nodes = read_nodes(root)
    if first_of_type(nodes, ARTICLE_TYPE) is None:
        listing = first_of_type(nodes, LISTING_TYPE)
        if listing is not None:
            raise NotAnArticle(f"the page declares itself a {node_types(listing)[0]}")


def _check_text(text: str, options: ExtractOptions) -> None:
    if len(text) < options.min_text_chars:
        raise NotAnArticle(f"{len(text)} characters of main text, minimum {options.min_text_chars}")
    longest = max(len(line) for line in text.splitlines())
    if options.min_paragraph_chars and longest < options.min_paragraph_chars:
        # Menus and headline lists are many short lines; an article has at least one paragraph.
        raise NotAnArticle(f"no paragraph of {options.min_paragraph_chars} characters or more")


def _run_trafilatura(root: HtmlElement, url: str, options: ExtractOptions) -> Document:
    document = _trafilatura(root, url, options, recall=options.favor_recall)
    if options.favor_recall and _wants_second_opinion(root, document):
        length = len(document_text(document)) if document is not None else 0
        balanced = _trafilatura(root, url, options, recall=False)
        if balanced is not None and _distinct_chars(balanced) > SECOND_OPINION_MIN_GAIN * length:
            document = balanced
    if document is None:
        raise NotAnArticle("no main text found")
    return document


def _wants_second_opinion(root: HtmlElement, document: Document | None) -> bool:
    """Whether a recall-mode result looks like a fragment of the page's article."""
    length = len(document_text(document)) if document is not None else 0
    if length >= SECOND_OPINION_BELOW_CHARS:
        return False
    if length >= SECOND_OPINION_PAGE_SHARE * PAGE_CHARS(root):
        return False
    kept = len(document.body.findall(".//p")) if document is not None else 0
    return PROSE_PARAGRAPHS(root) >= 2 * kept + 2


PAGE_CHARS = etree.XPath("string-length(normalize-space(//body))")
PROSE_PARAGRAPHS = etree.XPath(
    f"count(//body//p[string-length(normalize-space(.)) > {PROSE_PARAGRAPH_CHARS}])"
)


def _distinct_chars(document: Document) -> int:
    # Counted once per distinct line: a candidate that swallowed a page's hidden copies of the
    # article (feed data, a print version) is not longer for it.
    return sum(len(line) for line in set(document_text(document).splitlines()))


def _trafilatura(
    root: HtmlElement, url: str, options: ExtractOptions, *, recall: bool
) -> Document | None:
    """One trafilatura run over the (cleaned) tree; it copies the tree, so root is unchanged."""
    extractor = Extractor(
        output_format="python",
        precision=options.favor_precision,
        recall=recall,
        comments=False,
        tables=options.include_tables,
        with_metadata=False,  # the page's metadata is read by pipeline.metadata instead
        url=url,
        date_params=_date_params(),
    )
    document = bare_extraction(root, url=url, options=extractor)
    return document if isinstance(document, Document) else None


def _date_params() -> dict[str, Any]:
    # Markup dates only: htmldate's "extensive" search reads dates out of the prose, where
    # "January 28, 2022" is a premiere date, not the article's. A fresh dict per call, since
    # the extractor keeps a reference to it.
    return {"original_date": True, "extensive_search": False}


def _metadata(
    root: HtmlElement, url: str, days: frozenset[date], index: ClassIndex
) -> PageMetadata:
    """The page's own metadata; htmldate's heuristics only fill in a missing date."""
    metadata = read_metadata(root, url, Fallback(comment_days=days), index)
    if metadata.published is not None:
        return metadata
    # htmldate scans the page, so it runs only for pages whose markup gives no date.
    found = find_date(root, url=url, **_date_params())
    return read_metadata(root, url, Fallback(published=found, comment_days=days), index)


def _fallback(document: Document, days: frozenset[date]) -> Fallback:
    return Fallback(
        title=document.title,
        author=document.author,
        published=document.date,
        tags=(*(document.tags or ()), *(document.categories or ())),
        language=document.language,
        comment_days=days,
    )


def _extracted(url: str, text: str, metadata: PageMetadata, blocks: frozenset[str]) -> Extracted:
    return Extracted(
        url=url,
        title=metadata.title,
        author=metadata.author,
        published=metadata.published,
        modified=metadata.modified,
        tags=metadata.tags,
        language=metadata.language,
        text=text,
        declared_urls=metadata.declared_urls,
        image=metadata.image,
        blocks=blocks,
    )
