"""The article's own metadata from its markup: title, author, dates, tags, language, URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from pipeline.dates import modified_time, parse_datetime, published_time
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
from pipeline.markup import MetaIndex, article_scope, meta_index, meta_values, text_of

TITLE_META: tuple[str, ...] = ("og:title", "twitter:title")
# How sites glue their name onto a title: "Headline - SiteName", "Headline | SiteName".
TITLE_SEPARATORS: tuple[str, ...] = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ")
SITE_NAME_META: tuple[str, ...] = ("og:site_name", "application-name", "apple-mobile-web-app-title")

AUTHOR_META: tuple[str, ...] = ("author", "article:author", "parsely-author", "dc.creator")
BYLINE_SELECTORS: tuple[str, ...] = (
    "[itemprop~=author] [itemprop~=name]",
    "[rel~=author]",
    ".byline .author",
    ".author-name",
    ".entry-author",
    ".post-author",
    ".byline",
)
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
        "team",
        "unknown",
        "user",
        "web desk",
        "webmaster",
    }
)
MAX_AUTHOR_WORDS = 6
MAX_AUTHOR_CHARS = 80

TAG_META: tuple[str, ...] = ("article:tag",)
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


def read_metadata(soup: BeautifulSoup, url: str, fallback: Fallback = Fallback()) -> PageMetadata:
    """Read the metadata of a page whose boilerplate (comments above all) is already removed."""
    nodes = read_nodes(soup)
    meta = meta_index(soup)
    scope = article_scope(soup)
    sites = _site_keys(nodes, meta, url)
    return PageMetadata(
        title=_title(soup, nodes, meta, scope, sites) or _clean_title(fallback.title, sites, None),
        author=_author(nodes, meta, scope, sites) or _valid_author(fallback.author, sites),
        published=published_time(nodes, meta, scope, _fallback_date(fallback)),
        modified=modified_time(nodes, meta, scope),
        tags=_tags(nodes, meta, fallback.tags),
        language=_language(soup, nodes, meta) or normalise_language(fallback.language),
        declared_urls=_declared_urls(soup, meta, url),
    )


def normalise_language(value: str | None) -> str | None:
    """The lowercase primary language code of a tag like "en-US", "en_GB" or "EN"."""
    match = LANGUAGE_CODE.fullmatch((value or "").strip().lower())
    return match.group(1) if match else None


# --- title ------------------------------------------------------------------------------------


def _title(
    soup: BeautifulSoup, nodes: tuple[JsonNode, ...], meta: MetaIndex, scope: Tag, sites: set[str]
) -> str | None:
    heading = _heading(scope)
    for candidate in _title_candidates(soup, nodes, meta, heading):
        title = _clean_title(candidate, sites, heading)
        if title and _site_key(title) not in sites:
            return title
    return None


def _title_candidates(
    soup: BeautifulSoup, nodes: tuple[JsonNode, ...], meta: MetaIndex, heading: str | None
) -> Iterator[str]:
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    yield from meta_values(meta, TITLE_META[:1])
    yield from texts(article.get("headline"))
    yield from meta_values(meta, TITLE_META[1:])
    if heading:
        yield heading
    if soup.title is not None:
        yield soup.title.get_text()


def _heading(scope: Tag) -> str | None:
    h1 = scope.find("h1")
    if not isinstance(h1, Tag):
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
    nodes: tuple[JsonNode, ...], meta: MetaIndex, scope: Tag, sites: set[str]
) -> str | None:
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    groups: Iterable[list[str]] = (
        person_names(article.get("author"), nodes),
        *([value] for value in meta_values(meta, AUTHOR_META)),
        *([byline] for byline in _bylines(scope)),
    )
    for group in groups:
        names = [name for name in (_valid_author(n, sites) for n in group) if name]
        if names:
            return ", ".join(dict.fromkeys(names))
    return None


def _bylines(scope: Tag) -> Iterator[str]:
    for selector in BYLINE_SELECTORS:
        for tag in scope.select(selector):
            yield text_of(tag)


def _valid_author(name: str | None, sites: set[str]) -> str | None:
    name = BYLINE_PREFIX.sub("", " ".join((name or "").split()))
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
    keywords = texts(article.get("keywords"))
    raw = [*meta_values(meta, TAG_META), *keywords, *extra]
    # Keywords often come as one comma-separated string.
    tags = [" ".join(part.split()) for value in raw for part in value.split(",")]
    unique: dict[str, str] = {}
    for tag in tags:
        # "K-Drama" and "KDrama" are one tag; the first spelling seen is kept.
        if _site_key(tag):
            unique.setdefault(_site_key(tag), tag)
    return tuple(unique.values())


def _language(soup: BeautifulSoup, nodes: tuple[JsonNode, ...], meta: MetaIndex) -> str | None:
    html = soup.find("html")
    declared = [html.get("lang")] if isinstance(html, Tag) else []
    article = first_of_type(nodes, ARTICLE_TYPE) or {}
    candidates = [*declared, *meta_values(meta, LANGUAGE_META), *texts(article.get("inLanguage"))]
    for candidate in candidates:
        language = normalise_language(candidate if isinstance(candidate, str) else None)
        if language:
            return language
    return None


def _declared_urls(soup: BeautifulSoup, meta: MetaIndex, url: str) -> tuple[str, ...]:
    canonical = soup.find("link", rel="canonical")
    hrefs = [canonical.get("href")] if isinstance(canonical, Tag) else []
    hrefs.extend(meta_values(meta, ("og:url",)))
    absolute = [urljoin(url, href.strip()) for href in hrefs if isinstance(href, str) and href]
    return tuple(dict.fromkeys(u for u in absolute if urlsplit(u).scheme in ("http", "https")))


def _fallback_date(fallback: Fallback) -> str | None:
    parsed = parse_datetime(fallback.published or "")
    if parsed is None or parsed.date() in fallback.comment_days:
        return None
    return fallback.published
