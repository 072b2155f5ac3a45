"""The article's own metadata from its markup: title, author, dates, tags, language, URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from pipeline.dates import modified_time, parse_datetime, published_time
from pipeline.dom import ClassIndex, css, text_of
from pipeline.jsonld import (
    ARTICLE_TYPE,
    SITE_TYPE,
    JsonNode,
    first_of_type,
    node_types,
    person_names,
    read_nodes,
    resolve,
    texts,
)
from pipeline.markup import MetaIndex, article_scope, meta_index, meta_values

TITLE_META: tuple[str, ...] = ("og:title", "twitter:title")
# How sites glue their name onto a title: "Headline - SiteName", "Headline | SiteName".
TITLE_SEPARATORS: tuple[str, ...] = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ")
SITE_NAME_META: tuple[str, ...] = ("og:site_name", "application-name", "apple-mobile-web-app-title")

AUTHOR_META: tuple[str, ...] = ("author", "article:author", "parsely-author", "dc.creator")
# Where themes put the byline, strongest first: schema.org microdata, rel=author links, then
# class names (whole class tokens; "byline author" means an .author inside a .byline).
BYLINE_CLASSES: tuple[tuple[str, ...], ...] = (
    ("byline", "author"),
    ("author-name",),
    ("entry-author",),
    ("post-author",),
    ("byline",),
)
BYLINE_HINT = re.compile(r"author|byline")
MICRODATA_AUTHOR_NAMES = etree.XPath(
    ".//*[contains(concat(' ', @itemprop, ' '), ' author ')]"
    "//*[contains(concat(' ', @itemprop, ' '), ' name ')]"
)
REL_AUTHOR = etree.XPath(".//*[contains(concat(' ', @rel, ' '), ' author ')]")
BYLINE_END = re.compile(r"\s+[·|•]\s+|\s+[-–—]\s+")
BYLINE_PREFIX = re.compile(r"^\s*(?:(?:written|posted|reported)\s+)?by\b\s*:?\s*", re.I)
# Account names that CMSs show in place of a person.
GENERIC_AUTHORS = frozenset(
    {
        "admin",
        "administrator",
        "anonymous",
        "author",
        "contributor",
        "desk",
        "editor",
        "editorial",
        "editorial staff",
        "editorial team",
        "editors",
        "guest",
        "guest author",
        "news desk",
        "root",
        "staff",
        "staff reporter",
        "staff writer",
        "team",
        "unknown",
        "user",
        "web desk",
        "webmaster",
    }
)
MAX_AUTHOR_WORDS = 6
MAX_AUTHOR_CHARS = 80

TAG_META: tuple[str, ...] = ("article:tag", "article:section")
CANONICAL_LINK = css("link[rel~=canonical]")
# WordPress themes link the post's categories and tags with rel="category tag".
CATEGORY_LINKS = css("a[rel~=tag], a[rel~=category]")
LANGUAGE_META: tuple[str, ...] = ("content-language", "language", "dc.language", "og:locale")
LANGUAGE_CODE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Fallback:
    """What a generic extractor (trafilatura) found; used only where the page's markup is silent."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    # Days on which the page's comments were posted: a fallback date on one of these is refused.
    comment_days: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """Everything the page says about itself, cleaned and normalised."""

    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    tags: tuple[str, ...]
    language: str | None
    declared_urls: tuple[str, ...]
    image: str | None = None


def read_metadata(
    root: HtmlElement,
    url: str,
    fallback: Fallback = Fallback(),
    index: ClassIndex | None = None,
) -> PageMetadata:
    """Read the metadata of a page whose boilerplate (comments above all) is already removed."""
    nodes = read_nodes(root)
    meta = meta_index(root)
    index = index or ClassIndex.of(root)
    scope = article_scope(root, index)
    sites = _site_keys(nodes, meta, url)
    return PageMetadata(
        title=_title(root, nodes, meta, scope, sites) or _clean_title(fallback.title, sites, None),
        author=_author(nodes, meta, scope, sites, index) or _valid_author(fallback.author, sites),
        published=published_time(nodes, meta, scope, _fallback_date(fallback)),
        modified=modified_time(nodes, meta, scope),
        tags=_tags(nodes, meta, (*_category_links(scope), *fallback.tags)),
        language=_language(root, nodes, meta) or normalise_language(fallback.language),
        declared_urls=_declared_urls(root, meta, url),
        image=_image(nodes, meta, url),
    )


def normalise_language(value: str | None) -> str | None:
    """The lowercase primary language code of a tag like "en-US", "en_GB" or "EN"."""
    match = LANGUAGE_CODE.fullmatch((value or "").strip().lower())
    return match.group(1) if match else None


# --- title ------------------------------------------------------------------------------------


def _title(
    root: HtmlElement,
    nodes: tuple[JsonNode, ...],
    meta: MetaIndex,
    scope: HtmlElement,
    sites: set[str],
) -> str | None:
    heading = _heading(scope)
    for candidate in _title_candidates(root, nodes, meta, heading):
        title = _clean_title(candidate, sites, heading)
        if title and _site_key(title) not in sites:
            return title
    return None


def _title_candidates(
    root: HtmlElement, nodes: tuple[JsonNode, ...], meta: MetaIndex, heading: str | None
) -> Iterator[str]:
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    yield from meta_values(meta, TITLE_META[:1])
    yield from texts(article.get("headline"))
    yield from meta_values(meta, TITLE_META[1:])
    if heading:
        yield heading
    title = root.find(".//title")
    if title is not None:
        yield text_of(title)


def _heading(scope: HtmlElement) -> str | None:
    h1 = scope.find(".//h1")
    if h1 is None:
        return None
    return text_of(h1) or None


def _clean_title(title: str | None, sites: set[str], heading: str | None) -> str | None:
    title = " ".join((title or "").split())
    # "<h1 text> - Anything" is the headline plus decoration.
    decoration = title[len(heading) :] if heading and title.startswith(heading) else ""
    if heading and any(decoration.startswith(sep) for sep in TITLE_SEPARATORS):
        return heading
    return _strip_site_name(title, sites) or None


def _strip_site_name(title: str, sites: set[str]) -> str:
    for separator in TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and _site_key(tail) in sites:
            return head.strip()
        head, found, tail = title.partition(separator)
        if found and tail.strip() and _site_key(head) in sites:
            return tail.strip()
    return title


def _site_keys(nodes: tuple[JsonNode, ...], meta: MetaIndex, url: str) -> set[str]:
    names = meta_values(meta, SITE_NAME_META)
    for node in nodes:
        if any(SITE_TYPE.fullmatch(kind) for kind in node_types(node)):
            names.extend(texts(node.get("name")))
        names.extend(texts(resolve(node.get("publisher"), nodes)))
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names.extend([host, host.split(".")[0]] if host else [])
    return {_site_key(name) for name in names if _site_key(name)}


def _site_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


# --- author -----------------------------------------------------------------------------------


def _author(
    nodes: tuple[JsonNode, ...],
    meta: MetaIndex,
    scope: HtmlElement,
    sites: set[str],
    index: ClassIndex,
) -> str | None:
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    groups: Iterable[list[str]] = (
        person_names(article.get("author"), nodes),
        *([value] for value in meta_values(meta, AUTHOR_META)),
        *([byline] for byline in _bylines(scope, index)),
    )
    for group in groups:
        names = [name for name in (_valid_author(n, sites) for n in group) if name]
        if names:
            return ", ".join(dict.fromkeys(names))
    return None


def _bylines(scope: HtmlElement, index: ClassIndex) -> Iterator[str]:
    for element in (*MICRODATA_AUTHOR_NAMES(scope), *REL_AUTHOR(scope)):
        yield text_of(element)
    hinted = [e for e in index.find(BYLINE_HINT) if _within(e, scope)]
    classes = {element: set((element.get("class") or "").split()) for element in hinted}
    for wanted in BYLINE_CLASSES:
        for element, tokens in classes.items():
            if wanted[-1] in tokens and _inside_class(element, wanted[:-1], classes):
                yield text_of(element)


def _within(element: HtmlElement, scope: HtmlElement) -> bool:
    return element is scope or any(parent is scope for parent in element.iterancestors())


def _inside_class(
    element: HtmlElement, outer: tuple[str, ...], classes: dict[HtmlElement, set[str]]
) -> bool:
    """Whether the element has an ancestor with each of the ``outer`` class tokens."""
    return all(
        any(name in classes.get(parent, ()) for parent in element.iterancestors()) for name in outer
    )


def _valid_author(name: str | None, sites: set[str]) -> str | None:
    name = BYLINE_PREFIX.sub("", " ".join((name or "").split()))
    # "Hana Lee · May 22, 2024", "Hana Lee | Staff": the byline goes on after the name.
    name = BYLINE_END.split(name, maxsplit=1)[0]
    if not name or len(name) > MAX_AUTHOR_CHARS or len(name.split()) > MAX_AUTHOR_WORDS:
        return None
    if "@" in name or "://" in name or not any(char.isalpha() for char in name):
        return None
    if name.casefold() in GENERIC_AUTHORS or _site_key(name) in sites:
        return None
    return name


# --- tags, language, declared URLs ------------------------------------------------------------


def _tags(nodes: tuple[JsonNode, ...], meta: MetaIndex, extra: tuple[str, ...]) -> tuple[str, ...]:
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    keywords = [*texts(article.get("keywords")), *texts(article.get("articleSection"))]
    raw = [*meta_values(meta, TAG_META), *keywords, *extra]
    # Keywords often come as one comma-separated string.
    tags = [" ".join(part.split()) for value in raw for part in value.split(",")]
    unique: dict[str, str] = {}
    for tag in tags:
        # "K-Drama" and "KDrama" are one tag; the first spelling seen is kept.
        if _site_key(tag):
            unique.setdefault(_site_key(tag), tag)
    return tuple(unique.values())


def _category_links(scope: HtmlElement) -> list[str]:
    return [text_of(link) for link in CATEGORY_LINKS(scope)]


def _language(root: HtmlElement, nodes: tuple[JsonNode, ...], meta: MetaIndex) -> str | None:
    declared = [root.get("lang")] if root.tag == "html" else []
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    candidates = [*declared, *meta_values(meta, LANGUAGE_META), *texts(article.get("inLanguage"))]
    for candidate in candidates:
        language = normalise_language(candidate if isinstance(candidate, str) else None)
        if language:
            return language
    return None


def _declared_urls(root: HtmlElement, meta: MetaIndex, url: str) -> tuple[str, ...]:
    canonical = CANONICAL_LINK(root)
    hrefs = [canonical[0].get("href")] if canonical else []
    hrefs.extend(meta_values(meta, ("og:url",)))
    absolute = [urljoin(url, href.strip()) for href in hrefs if isinstance(href, str) and href]
    return tuple(dict.fromkeys(u for u in absolute if urlsplit(u).scheme in ("http", "https")))


IMAGE_META: tuple[str, ...] = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")


def _image(nodes: tuple[JsonNode, ...], meta: MetaIndex, url: str) -> str | None:
    """The lead image: Open Graph / Twitter card, else the article's JSON-LD image."""
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    candidates = [*meta_values(meta, IMAGE_META), *_image_urls(article.get("image"))]
    for candidate in candidates:
        absolute = urljoin(url, candidate.strip())
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None


def _image_urls(value: object) -> list[str]:
    # JSON-LD images come as a URL, an ImageObject with a url, or a list of either.
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [url for item in value for url in _image_urls(item)]
    if isinstance(value, dict):
        return _image_urls(value.get("url") or value.get("contentUrl"))
    return []


def _fallback_date(fallback: Fallback) -> str | None:
    parsed = parse_datetime(fallback.published or "")
    if parsed is None or parsed.date() in fallback.comment_days:
        return None
    return fallback.published
