"""Low-level reading of a parsed page: <meta> values, the article's own element, tag text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

# <meta> attributes that name the value, in the order they are tried on one element.
META_KEY_ATTRIBUTES: tuple[str, ...] = ("property", "name", "itemprop", "http-equiv")

MetaIndex = dict[str, tuple[str, ...]]

# Classes and ids of the element that holds an article's body text.
ARTICLE_BODY_MARKUP = re.compile(
    r"entry-content|post-content|article-body|articlebody|post-body|story-body", re.I
)
# Elements that end the climb from the headline: past them lies the whole page.
PAGE_LEVEL_TAGS = frozenset({"article", "main", "body"})


def meta_index(soup: BeautifulSoup) -> MetaIndex:
    """Every <meta> content by lowercased key (property, name, itemprop or http-equiv)."""
    index: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        key = next((meta.get(a) for a in META_KEY_ATTRIBUTES if meta.get(a)), None)
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            index.setdefault(key.strip().lower(), []).append(content.strip())
    return {key: tuple(values) for key, values in index.items()}


def meta_values(index: MetaIndex, keys: tuple[str, ...]) -> list[str]:
    """The values stored under ``keys``, key order first, then document order."""
    return [value for key in keys for value in index.get(key, ())]


def article_scope(soup: BeautifulSoup) -> Tag:
    """The element holding the article itself: its headline, byline, dates and body, but not
    the sidebars or other posts' teasers."""
    heading = soup.select_one("article h1") or soup.find("h1")
    if isinstance(heading, Tag):
        for parent in heading.parents:
            if parent.name in PAGE_LEVEL_TAGS or _holds_article_body(parent):
                return parent
    found = soup.find("article") or soup.find("main") or soup.body
    return found if isinstance(found, Tag) else soup


def _holds_article_body(tag: Tag) -> bool:
    # Themes that put the headline outside <article>: climb until the body is included too.
    return (
        tag.find("article") is not None
        or tag.find(class_=ARTICLE_BODY_MARKUP) is not None
        or tag.find(itemprop="articleBody") is not None
    )


def text_of(tag: Tag) -> str:
    """The tag's text with whitespace collapsed."""
    return " ".join(tag.get_text(" ").split())


def markup_matches(tag: Tag, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` occurs in any class token or the id of ``tag``."""
    names = [*tag.get_attribute_list("class"), tag.get("id")]
    return any(isinstance(name, str) and pattern.search(name) for name in names)
