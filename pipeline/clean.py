"""Boilerplate removal before extraction: CTA boxes, comments, reply forms, share bars, captions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from pipeline.markup import ARTICLE_BODY_MARKUP, markup_matches

# --- Boilerplate recognised by its markup -----------------------------------------------------

# Comment threads and reply forms as WordPress and Disqus mark them up. Removed whatever their
# size: a long comment thread is still a comment thread.
COMMENT_SELECTORS: tuple[str, ...] = (
    "#comments",
    ".comments-area",
    "ol.commentlist",
    ".comment-list",
    "#respond",
    ".comment-respond",
    "form#commentform",
    "form.comment-form",
    "#disqus_thread",
)
COMMENT_MARKUP = re.compile(r"comment", re.I)
# Captions describe a picture; they are not part of the article's prose.
CAPTION_SELECTORS: tuple[str, ...] = ("figcaption", ".wp-caption-text", ".wp-element-caption")

# Class or id fragments of widgets (matched against each class token and the id). These are
# fuzzy, so a match is only removed when the element is small (MAX_WIDGET_CHARS).
SHARE_MARKUP = re.compile(
    r"share|sharing|heateor|addtoany|a2a_kit|social-?(?:icons?|links|buttons|media)", re.I
)
RELATED_MARKUP = re.compile(
    r"related[-_]?(?:posts?|articles?|stories|content)|jp-relatedposts|yarpp|crp_related|rp4wp",
    re.I,
)
NEWSLETTER_MARKUP = re.compile(r"newsletter|mc4wp|mailchimp|optin|subscribe|subscription", re.I)
WIDGET_MARKUPS: tuple[re.Pattern[str], ...] = (SHARE_MARKUP, RELATED_MARKUP, NEWSLETTER_MARKUP)
MAX_WIDGET_CHARS = 2000

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
    needs_tags=("a",),
)
# "Subscribe to our newsletter" boxes: a heading near the start, and a form or button to act.
NEWSLETTER_BOX = TextRule(
    trigger=re.compile(r"newsletter", re.I),
    whole=re.compile(
        r"\W*(?:subscribe|sign up|join|get|never miss)\b.{0,80}\bnewsletter\b.*", re.I | re.S
    ),
    max_chars=400,
    needs_tags=("form", "input", "button", "a"),
)
TEXT_RULES: tuple[TextRule, ...] = (SOCIAL_CTA, COMMENT_FORM, RELATED_LINK, NEWSLETTER_BOX)

# Elements inside which text is never page content.
NON_CONTENT_PARENTS = frozenset({"script", "style", "noscript", "template", "title"})


def preclean(html: str) -> str:
    """Return ``html`` with boilerplate elements removed (everything else untouched)."""
    soup = BeautifulSoup(html, "lxml")
    remove_boilerplate(soup)
    return str(soup)


def remove_boilerplate(soup: BeautifulSoup) -> None:
    """Remove boilerplate elements from ``soup`` in place."""
    _remove_comment_sections(soup)
    _decompose_all(soup.select(", ".join(CAPTION_SELECTORS)))
    _decompose_all(_small_widgets(soup))
    for rule in TEXT_RULES:
        _decompose_all(_matches(soup, rule))


def _remove_comment_sections(soup: BeautifulSoup) -> None:
    _decompose_all(soup.select(", ".join(COMMENT_SELECTORS)))
    _decompose_all(form for form in soup.find_all("form") if form.find("textarea"))
    for heading in _matches(soup, COMMENTS_HEADING):
        # Without WordPress markup the thread is whatever list follows its "N thoughts" heading.
        _decompose_all([*_comment_lists_after(heading), heading])


def _comment_lists_after(heading: Tag) -> list[Tag]:
    return [
        sibling
        for sibling in heading.find_next_siblings(True)
        if sibling.name in ("ol", "ul") or markup_matches(sibling, COMMENT_MARKUP)
    ]


def _decompose_all(tags: Iterator[Tag] | list[Tag]) -> None:
    for tag in list(tags):
        # An earlier removal may already have taken this tag with its ancestor.
        if not tag.decomposed and not _is_protected(tag):
            tag.decompose()


def _small_widgets(soup: BeautifulSoup) -> Iterator[Tag]:
    for tag in soup.find_all(True):
        is_widget = any(markup_matches(tag, markup) for markup in WIDGET_MARKUPS)
        if is_widget and _text_within(tag, MAX_WIDGET_CHARS) is not None:
            yield tag


def _matches(soup: BeautifulSoup, rule: TextRule) -> list[Tag]:
    """The outermost elements that are wholly the boilerplate ``rule`` describes."""
    root = soup.body or soup
    found: list[Tag] = []
    for string in root.find_all(string=rule.trigger):
        if isinstance(string, PreformattedString):  # HTML comments, CDATA, doctypes
            continue
        tag = _largest_match(string, rule)
        # Identity, not ==: bs4 compares tags by markup, and two CTA boxes may be identical.
        if tag is not None and not any(tag is seen for seen in found):
            found.append(tag)
    return found


def _largest_match(string: NavigableString, rule: TextRule) -> Tag | None:
    # Climb from the text node while the ancestors stay small; the highest one whose whole text
    # is the boilerplate wins, so a box goes as a whole but its container never does.
    best = None
    tag = string.parent
    while tag is not None and tag.name not in NON_CONTENT_PARENTS:
        text = _text_within(tag, rule.max_chars)
        if text is None or _is_protected(tag):
            break
        if rule.whole.fullmatch(text) and _has_needed_tags(tag, rule.needs_tags):
            best = tag
        tag = tag.parent
    return best


def _text_within(tag: Tag, limit: int) -> str | None:
    """The tag's text, whitespace collapsed, or None once it is known to be over ``limit``.

    Stops early: the climb reaches page-sized ancestors, whose full text is costly to build."""
    parts: list[str] = []
    length = -1
    for string in tag.stripped_strings:
        parts.append(" ".join(string.split()))
        length += len(parts[-1]) + 1
        if length > limit:
            return None
    return " ".join(parts)


def _has_needed_tags(tag: Tag, needs_tags: tuple[str, ...]) -> bool:
    return not needs_tags or tag.name in needs_tags or tag.find(needs_tags) is not None


def _is_protected(tag: Tag) -> bool:
    if tag.name in PROTECTED_TAGS or tag.find("h1") is not None:
        return True
    if markup_matches(tag, ARTICLE_BODY_MARKUP) or tag.get("itemprop") == "articleBody":
        return True
    return (
        tag.find(class_=ARTICLE_BODY_MARKUP) is not None
        or tag.find(itemprop="articleBody") is not None
    )
