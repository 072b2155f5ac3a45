"""Boilerplate removal before extraction: CTA boxes, comments, reply forms, share bars, captions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement, tostring

from pipeline.dom import (
    BODY_TEXT,
    NON_CONTENT_TAGS,
    ClassIndex,
    elements,
    has_descendant,
    is_attached,
    markup,
    parse,
    remove_all,
    text_holder,
    text_within,
)
from pipeline.markup import ARTICLE_BODY_MARKUP

# --- Boilerplate recognised by its markup -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarkupRule:
    """Boilerplate found by its class or id: ``pattern`` is searched in each lowercased class
    attribute and id; a match is removed when its text is at most ``max_chars`` long (None: any
    size) and it holds no part of the article itself."""

    pattern: re.Pattern[str]
    max_chars: int | None


def _tokens(*names: str) -> re.Pattern[str]:
    """A pattern matching any of the names as a whole class token or id."""
    return re.compile(r"(?:^|\s)(?:" + "|".join(names) + r")(?:\s|$)")


# Comment threads and reply forms as WordPress and Disqus mark them up. Removed whatever their
# size: a long comment thread is still a comment thread.
COMMENT_SECTION = MarkupRule(
    _tokens(
        "comments", "comments-area", "commentlist", "comment-list", "respond",
        "comment-respond", "commentform", "comment-form", "disqus_thread",
    ),
    max_chars=None,
)  # fmt: skip
# Captions describe a picture; they are not part of the article's prose (<figcaption> too).
CAPTION = MarkupRule(_tokens("wp-caption-text", "wp-element-caption"), max_chars=None)
# Widgets, by class or id fragments. These are fuzzy, so a match must be small.
MAX_WIDGET_CHARS = 2000
SHARE_WIDGET = MarkupRule(
    re.compile(r"shar(?:e|ing)|heateor|addtoany|a2a_kit|social-?(?:icons?|links|buttons|media)"),
    MAX_WIDGET_CHARS,
)
RELATED_WIDGET = MarkupRule(
    re.compile(
        r"related[-_]?(?:posts?|articles?|stories|content)|jp-relatedposts|yarpp|crp_related|rp4wp"
    ),
    MAX_WIDGET_CHARS,
)
NEWSLETTER_WIDGET = MarkupRule(
    re.compile(r"newsletter|mc4wp|mailchimp|optin|subscribe|subscription"), MAX_WIDGET_CHARS
)
# Anything marked as a comment: never removed for that alone (too broad), but its dates are
# comment dates, which must never pass for the article's.
COMMENT_AREA = MarkupRule(re.compile(r"comment"), max_chars=None)
MARKUP_RULES: tuple[MarkupRule, ...] = (
    COMMENT_AREA,
    COMMENT_SECTION,
    CAPTION,
    SHARE_WIDGET,
    RELATED_WIDGET,
    NEWSLETTER_WIDGET,
)
# A literal from every markup rule's pattern: one cheap search tells which of a page's classes
# and ids need the rules' own patterns (most need none).
MARKUP_KEYWORDS = re.compile(
    "comment|respond|caption|disqus|shar|heateor|addtoany|a2a_kit|social|related|yarpp|crp_|"
    "rp4wp|newsletter|mc4wp|mailchimp|optin|subscri"
)
COMMENT_MARKUP = re.compile(r"comment", re.I)

# Never removed, whatever matches: the page skeleton and anything holding the article itself.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

# --- Boilerplate recognised by its words ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextRule:
    """Boilerplate found by its text: ``trigger`` spots a text node, ``whole`` must match the
    entire text of the element removed, which is at most ``max_chars`` long and, when
    ``needs_tags`` is set, contains (or is) one of those tags."""

    trigger: re.Pattern[str]
    whole: re.Pattern[str]
    max_chars: int
    # Lowercase literals, one of which is in every text the trigger matches: a cheap first
    # test that spares the full pattern most of a page's text nodes.
    keywords: tuple[str, ...]
    needs_tags: tuple[str, ...] = ()


# "WhatsApp Group Join Now", "Join our Telegram channel", "Follow us on Google News": the text
# consists only of this vocabulary, so a sentence that merely mentions WhatsApp never matches.
SOCIAL_CTA = TextRule(
    trigger=re.compile(r"whats\s?app|telegram|google\s+news", re.I),
    whole=re.compile(
        # A CTA verb is required: a bare "WhatsApp" link inside a sentence is not a CTA.
        r"(?=.*\b(?:join|follow)\b)"
        r"(?:[\W_]*\b(?:join|follow|us|on|our|now|here|click|tap|to|the|for|and|of|latest|"
        r"instant|daily|quick|all|news|updates?|alerts?|whats\s?app|telegram|google\s+news|"
        r"group|channel|community|official)\b)+[\W_]*",
        re.I | re.S,
    ),
    max_chars=160,
    keywords=("whats", "telegram", "google"),
)
# "4 thoughts on “All Of Us Are Dead Season 2: …”", "One Response to “…”".
COMMENTS_HEADING = TextRule(
    trigger=re.compile(r"\b(?:thoughts?|comments?|responses?|replies)\s+(?:on|to)\b", re.I),
    whole=re.compile(
        r"\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?:thoughts?|comments?|responses?|replies)\s+(?:on|to)\s+[“\"‘'«„].*[”\"’'»“]\s*",
        re.I | re.S,
    ),
    max_chars=400,
    keywords=("thought", "comment", "respons", "repl"),
)
# The reply form's headings and notes, for themes that do not use WordPress' own markup.
COMMENT_FORM = TextRule(
    trigger=re.compile(
        r"leave a (?:reply|comment)|post a comment|cancel reply|"
        r"email address will not be published|save my name, email",
        re.I,
    ),
    whole=re.compile(
        r"(?:\s*(?:leave a (?:reply|comment)|post a comment|cancel reply|"
        r"your email address will not be published|required fields are marked|"
        r"save my name, email, and website in this browser for the next time i comment)"
        r"[\s.*]*)+",
        re.I,
    ),
    max_chars=300,
    keywords=("leave a", "post a", "cancel", "published", "save my"),
)
# "Also Read: <a>Other headline</a>" paragraphs dropped into the article body.
RELATED_LINK = TextRule(
    trigger=re.compile(
        r"^\s*(?:also read|read also|read more|must read|related(?: posts?| articles?| stories)?|"
        r"see also|don['’]?t miss|recommended)\s*(?:[:\-–—|»>]|$)",
        re.I,
    ),
    whole=re.compile(
        r"\s*(?:also read|read also|read more|must read|related(?: posts?| articles?| stories)?|"
        r"see also|don['’]?t miss|recommended)\s*(?:[:\-–—|»>]|$).*",
        re.I | re.S,
    ),
    max_chars=250,
    keywords=("read", "related", "see also", "miss", "recommended"),
    needs_tags=("a",),
)
# "Subscribe to our newsletter" boxes: a heading near the start, and a form or button to act.
NEWSLETTER_BOX = TextRule(
    trigger=re.compile(r"newsletter", re.I),
    whole=re.compile(
        r"\W*(?:subscribe|sign up|join|get|never miss)\b.{0,80}\bnewsletter\b.*", re.I | re.S
    ),
    max_chars=400,
    keywords=("newsletter",),
    needs_tags=("form", "input", "button", "a"),
)
TEXT_RULES: tuple[TextRule, ...] = (SOCIAL_CTA, COMMENT_FORM, RELATED_LINK, NEWSLETTER_BOX)
# Every rule's keywords: one search of each lowercased text node decides whether the rules'
# patterns need a closer look.
ANY_KEYWORD = re.compile(
    "|".join(re.escape(k) for rule in (*TEXT_RULES, COMMENTS_HEADING) for k in rule.keywords)
)


def preclean(html: str) -> str:
    """Return ``html`` with boilerplate elements removed (everything else untouched)."""
    root = parse(html)
    remove_boilerplate(root)
    return str(tostring(root, encoding="unicode"))


@dataclass(frozen=True, slots=True)
class Removed:
    """What boilerplate removal saw that later steps still want to look at."""

    # Comment threads, removed or merely marked as comments (their dates are not the article's).
    comment_areas: tuple[HtmlElement, ...]


def remove_boilerplate(root: HtmlElement, index: ClassIndex | None = None) -> Removed:
    """Remove boilerplate elements from the parsed page ``root`` in place."""
    marked = _marked(index or ClassIndex.of(root))
    comments = [e for e in marked[COMMENT_SECTION] if not _is_protected(e)]
    comments += [form for form in root.iter("form") if form.find(".//textarea") is not None]
    remove_all(comments, root)
    remove_all([*root.iter("figcaption"), *marked[CAPTION]], root)
    for rule in (SHARE_WIDGET, RELATED_WIDGET, NEWSLETTER_WIDGET):
        remove_all(_small(marked[rule], rule.max_chars), root)
    triggered = _triggered(root)
    for heading in _matches(root, COMMENTS_HEADING, triggered):
        # Without WordPress markup the thread is whatever list follows its "N thoughts" heading.
        thread = [*_comment_lists_after(heading), heading]
        remove_all(thread, root)
        comments += thread
    for rule in TEXT_RULES:
        remove_all(_matches(root, rule, triggered), root)
    return Removed(comment_areas=(*comments, *marked[COMMENT_AREA]))


def _marked(index: ClassIndex) -> dict[MarkupRule, list[HtmlElement]]:
    """The elements each markup rule's pattern matches."""
    candidates = ClassIndex(tuple(e for e in index.entries if MARKUP_KEYWORDS.search(e[0])))
    return {rule: candidates.find(rule.pattern) for rule in MARKUP_RULES}


def _small(candidates: list[HtmlElement], limit: int | None) -> Iterator[HtmlElement]:
    for element in candidates:
        small = limit is None or text_within(element, limit) is not None
        if small and not _is_protected(element):
            yield element


Triggered = list[tuple[HtmlElement, str]]


def _triggered(root: HtmlElement) -> Triggered:
    """Elements holding a text that some rule's trigger matches, with that text."""
    found = []
    for text in BODY_TEXT(root):
        if ANY_KEYWORD.search(text.lower()):
            holder = text_holder(text)
            if holder is not None and holder.tag not in NON_CONTENT_TAGS:
                found.append((holder, str(text)))
    return found


def _comment_lists_after(heading: HtmlElement) -> list[HtmlElement]:
    return [
        sibling
        for sibling in heading.itersiblings(tag=("ol", "ul", "div", "section"))
        if sibling.tag in ("ol", "ul") or COMMENT_MARKUP.search(markup(sibling))
    ]


def _matches(root: HtmlElement, rule: TextRule, triggered: Triggered) -> list[HtmlElement]:
    """The outermost elements that are wholly the boilerplate ``rule`` describes."""
    found: list[HtmlElement] = []
    starts = [holder for holder, text in triggered if rule.trigger.search(text)]
    for start in starts:
        if not is_attached(start, root):
            continue
        element = _largest_match(start, rule)
        if element is not None and not any(element is seen for seen in found):
            found.append(element)
    return found


def _largest_match(start: HtmlElement, rule: TextRule) -> HtmlElement | None:
    # Climb from the text's element while the ancestors stay small; the highest one whose whole
    # text is the boilerplate wins, so a box goes as a whole but its container never does.
    best = None
    element: HtmlElement | None = start
    while element is not None and element.tag not in NON_CONTENT_TAGS:
        text = text_within(element, rule.max_chars)
        if text is None or _is_protected(element):
            break
        if rule.whole.fullmatch(text) and (
            not rule.needs_tags or has_descendant(element, rule.needs_tags)
        ):
            best = element
        element = element.getparent()
    return best


def _is_protected(element: HtmlElement) -> bool:
    """The page skeleton, the headline, and anything holding the article body are never removed."""
    if element.tag in PROTECTED_TAGS:
        return True
    return any(
        node.tag == "h1"
        or node.get("itemprop") == "articleBody"
        or ARTICLE_BODY_MARKUP.search(markup(node)) is not None
        for node in elements(element)
    )
