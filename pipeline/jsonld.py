"""A page's JSON-LD blocks as flat schema.org nodes, and the look-ups the metadata needs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

JsonNode = dict[str, Any]

# schema.org types, matched against each @type of a node (prefix "schema:" or a URL stripped).
ARTICLE_TYPE = re.compile(r"\w*(?:Article|BlogPosting|Report)")
WEB_PAGE_TYPE = re.compile(r"\w*Page")
# Pages that list other pages; with no article node they are not articles. (ItemList is not
# one of them: listicles declare their list as one.)
LISTING_TYPE = re.compile(r"CollectionPage|SearchResultsPage|ProfilePage")
SITE_TYPE = re.compile(r"WebSite|\w*Organization|Corporation")


JSONLD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']")


def read_nodes(root: HtmlElement) -> tuple[JsonNode, ...]:
    """Every JSON-LD node on the page, with ``@graph`` containers flattened; bad JSON skipped."""
    nodes: list[JsonNode] = []
    for script in JSONLD_SCRIPTS(root):
        try:
            # strict=False: raw newlines inside strings are common in hand-written JSON-LD.
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        nodes.extend(_flatten(data))
    return tuple(nodes)


def _flatten(data: Any) -> Iterator[JsonNode]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        yield from _flatten(data.get("@graph"))


def node_types(node: JsonNode) -> tuple[str, ...]:
    """The node's @type values without their vocabulary prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return tuple(_local_name(value) for value in values if isinstance(value, str))


def _local_name(schema_type: str) -> str:
    # "https://schema.org/NewsArticle" and "schema:NewsArticle" both mean "NewsArticle".
    return schema_type.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def first_of_type(nodes: tuple[JsonNode, ...], pattern: re.Pattern[str]) -> JsonNode | None:
    """The first node with a @type that ``pattern`` matches entirely."""
    for node in nodes:
        if any(pattern.fullmatch(kind) for kind in node_types(node)):
            return node
    return None


def resolve(value: Any, nodes: tuple[JsonNode, ...]) -> Any:
    """Follow an ``{"@id": ...}`` reference to the node it names (Yoast graphs use these)."""
    if not isinstance(value, dict) or set(value) - {"@id"}:
        return value
    for node in nodes:
        if node.get("@id") == value.get("@id"):
            return node
    return value


def texts(value: Any) -> list[str]:
    """Plain strings out of a value that may be a string, a list, or a node with a name."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    if isinstance(value, dict):
        return texts(value.get("name"))
    return []


def person_names(value: Any, nodes: tuple[JsonNode, ...]) -> list[str]:
    """Names of the people in an ``author`` value; organisations are not authors."""
    entries = value if isinstance(value, list) else [value]
    names: list[str] = []
    for entry in entries:
        entry = resolve(entry, nodes)
        if isinstance(entry, dict) and any(SITE_TYPE.fullmatch(t) for t in node_types(entry)):
            continue
        names.extend(texts(entry))
    return names
