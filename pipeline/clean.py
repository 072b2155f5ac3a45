"""Boilerplate removal before extraction: calls to action, "Also Read" links, ads, captions and
credits, author bios, newsletter boxes, cookie notices, share bars, comments and reply forms.

Two kinds of evidence are used. Markup (class, id, tag names) finds widgets whatever their words;
words find the same boxes on sites with meaningless class names (``sc-1x2y3``) and wherever a
theme drops them, inside the article's own container included. Either way only the smallest
element that is wholly boilerplate goes, never a container that also holds article prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from lxml import etree
from lxml.html import HtmlElement, tostring

from pipeline.dom import (
    BODY_TEXT,
    NON_CONTENT_TAGS,
    ClassIndex,
    is_attached,
    parse,
    remove_all,
    text_holder,
    text_of,
    text_within,
)
from pipeline.markup import ARTICLE_BODY_MARKUP

# --- Boilerplate recognised by its markup -----------------------------------------------------

# Comment threads and reply forms as WordPress, Disqus and the comment services name them (a
# whole class token or id). Removed whatever their size: a long thread is still a thread.
COMMENT_SECTION = re.compile(
    r"^(?:comments|comments-area|commentlist|comment-list|respond|comment-respond|commentform|"
    r"comment-form|disqus_thread|fb-comments)$",
    re.I,
)
COMMENT_MARKUP = re.compile(r"comment", re.I)
# Captions describe a picture; they are not part of the article's prose (<figcaption> too).
CAPTION_CLASS = re.compile(r"^(?:wp-caption-text|wp-element-caption)$", re.I)
# AMP's ad elements, whatever their size (AdSense and Google Publisher Tag slots are found by
# their names, AD_WIDGET).
AD_TAGS: tuple[str, ...] = ("amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads")


@dataclass(frozen=True, slots=True)
class MarkupRule:
    """A widget found by a fragment of a class token, id or test id (``pattern``). Such names
    are fuzzy, so a match is removed only while its text is at most ``max_chars`` long, and,
    with ``bio_only``, only when it says something (``MIN_BIO_WORDS``) and holds no date: a
    byline box in the header is not an author bio."""

    name: str  # as reports of what fired name it ("share-widget")
    pattern: re.Pattern[str]
    max_chars: int
    bio_only: bool = False


# Name fragments start a word of the name: "sharedaddy" and "heateor_sss_sharing" are share
# bars, Wix's "itemShared…" menu items are not. "social-media" ends the name: a
# "social-media-embed" is an embedded post the article quotes.
SHARE_WIDGET = MarkupRule(
    "share-widget",
    re.compile(
        r"(?<![a-z])shar(?:e|ing)|heateor|addtoany|a2a_kit|social-?(?:icons?|links|buttons|share)|"
        r"social-?media(?:-?(?:icons?|links|buttons|bar|share))?$",
        re.I,
    ),
    max_chars=2000,
)
RELATED_WIDGET = MarkupRule(
    "related-widget",
    re.compile(
        r"related[-_]?(?:posts?|articles?|stories|content|links?|reads?)|jp-relatedposts|yarpp|"
        r"crp_related|rp4wp|also[-_]?read|read[-_]?also|must[-_]?read|dont[-_]?miss|"
        r"recommended[-_]?(?:posts?|articles?|stories|reads?|content)|more[-_]?stories",
        re.I,
    ),
    max_chars=2000,
)
NEWSLETTER_WIDGET = MarkupRule(
    "newsletter-widget",
    re.compile(r"newsletter|mc4wp|mailchimp|(?<![a-z])opt-?in|subscribe|subscription", re.I),
    max_chars=2000,
)
# "ad", "ads", "ad-slot", "top_ad", "adsbygoogle", "advert": "ad" only as a whole word of the
# name, so that "header", "shadow" and "add-to-list" never match.
AD_WIDGET = MarkupRule(
    "ad-widget",
    re.compile(r"^ads?$|^ads?[-_]|[-_]ads?$|[-_]ads?[-_]|adsbygoogle|advert|gpt-ad|dfp-", re.I),
    max_chars=300,
)
COOKIE_WIDGET = MarkupRule(
    "cookie-widget",
    re.compile(r"cookie|consent|gdpr|onetrust|cookiebot|cc-(?:window|banner)", re.I),
    max_chars=1500,
)
# A caption box beside a picture: a sentence at most ...
CAPTION_WIDGET = MarkupRule("caption-widget", re.compile(r"caption", re.I), max_chars=300)
# ... and a credit: a name or two, never a sentence.
CREDIT_WIDGET = MarkupRule(
    "credit-widget",
    re.compile(r"(?:photo|image|img|media|picture|pic)[-_]?credits?|^credits?$", re.I),
    max_chars=80,
)
# Author cards after the article. The byline box at the top is spared: it holds the date, and
# the metadata reader still needs it.
AUTHOR_WIDGET = MarkupRule(
    "author-widget",
    re.compile(
        r"author[-_]?(?:box|bio|card|info|profile|details|block|about|wrap|section|widget)|"
        r"about[-_]?(?:the[-_]?)?author|saboxplugin|molongui|abh_box|pp-author",
        re.I,
    ),
    max_chars=1500,
    bio_only=True,
)
MARKUP_RULES: tuple[MarkupRule, ...] = (
    SHARE_WIDGET,
    RELATED_WIDGET,
    NEWSLETTER_WIDGET,
    AD_WIDGET,
    COOKIE_WIDGET,
    CAPTION_WIDGET,
    CREDIT_WIDGET,
    AUTHOR_WIDGET,
)
# A heading's id is an anchor made of its words by table-of-contents plugins
# ("h-4-share-your-screen-time", "adopting-rust"), not the name of a widget.
HEADINGS: tuple[str, ...] = ("h1", "h2", "h3", "h4", "h5", "h6")
# A bio says something about the author; "By Hana Lee" in a box is a byline.
MIN_BIO_WORDS = 8

# Never removed, whatever matches: the page skeleton and anything holding the article itself.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

# --- Boilerplate recognised by its words ------------------------------------------------------


class TextMatcher(Protocol):
    """What decides that an element's whole text is boilerplate: a compiled pattern, or a
    Vocabulary."""

    def fullmatch(self, string: str, /) -> object: ...


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Text made of a closed set of words: calls to action and share bars are, prose is not.

    The text must contain every ``required`` pattern and no ``vetoes`` word (declarative
    sentences have verbs like "is", "said"; a call to action is imperative), and, once the
    ``words`` are taken out, at most ``max_free_words`` other words (a site name, "K-drama").
    """

    words: re.Pattern[str]
    required: tuple[re.Pattern[str], ...]
    max_free_words: int = 0
    vetoes: re.Pattern[str] | None = None

    def fullmatch(self, string: str, /) -> bool:
        if not all(pattern.search(string) for pattern in self.required):
            return False
        if self.vetoes is not None and self.vetoes.search(string):
            return False
        return len(FREE_WORD.findall(self.words.sub(" ", string))) <= self.max_free_words


# A word for Vocabulary's count: "K-drama" and "don't" are one word each.
FREE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class TextRule:
    """Boilerplate found by its text: ``trigger`` spots a text node, ``whole`` must match the
    entire text of the element removed, which is at most ``max_chars`` long and, when
    ``needs_tags`` is set, contains (or is) one of those tags; ``accepts``, when set, has the
    last word on the element. ``followed_by`` accepts the next sibling element that goes with
    the match (the list under an "Also Read" label)."""

    name: str  # as reports of what fired name it ("social-cta")
    trigger: re.Pattern[str]
    whole: TextMatcher
    max_chars: int
    # Lowercase literals, one of which starts a word of every text the trigger matches: a cheap
    # first test that spares most of a page's text nodes the (many, case-insensitive) triggers.
    keywords: tuple[str, ...]
    needs_tags: tuple[str, ...] = ()
    accepts: Callable[[HtmlElement], bool] | None = None
    followed_by: Callable[[HtmlElement], bool] | None = None


# Statements, not calls to action: a text with one of these words is prose.
PROSE_WORDS = re.compile(
    r"\b(?:is|are|was|were|has|have|had|can|could|will|would|should|said|says|told|"
    r"he|she|they|his|her|their|its|who|which|when|after|because)\b",
    re.I,
)
SOCIAL_PLATFORMS = (
    r"whats\s?app|telegram|google\s+news|youtube|instagram|facebook|twitter|tiktok|threads|"
    r"discord|pinterest|snapchat|linkedin"
)
CTA_VERB = re.compile(r"\b(?:join|follow|subscribe)\b", re.I)
# Where a CTA sends you; "Click here to join" names no platform but is a button label.
CTA_CHANNEL = re.compile(
    rf"\b(?:{SOCIAL_PLATFORMS})\b|\b(?:join|follow|subscribe)\s+now\b|"
    r"\b(?:click|tap)\s+here\b",
    re.I,
)
# Whom a CTA addresses: the reader. "Follow the cast on Instagram" as a heading addresses nobody.
CTA_ADDRESS = re.compile(r"\b(?:us|our|now|here)\b", re.I)
CTA_WORDS = re.compile(
    rf"\b(?:{SOCIAL_PLATFORMS}|join|follow|subscribe|like|us|on|our|now|here|click|tap|to|"
    r"the|for|and|of|with|at|in|get|stay|updated|connected|latest|instant|daily|quick|fast|"
    r"all|more|first|free|exclusive|official|news|updates?|alerts?|stories|videos?|reviews?|"
    r"trailers?|group|channel|community|page|handle|account|x|button|link|today)\b",
    re.I,
)
# "WhatsApp Group Join Now", "Join our Telegram channel", "Follow us on Google News",
# "Subscribe to our YouTube channel", "Click here to join": a closed vocabulary plus at most a
# site name or a topic, so a sentence that merely mentions WhatsApp never matches.
SOCIAL_CTA = TextRule(
    "social-cta",
    trigger=re.compile(rf"\b(?:{SOCIAL_PLATFORMS}|join|follow|subscribe)\b", re.I),
    whole=Vocabulary(
        words=CTA_WORDS,
        required=(CTA_VERB, CTA_CHANNEL, CTA_ADDRESS),
        max_free_words=2,
        vetoes=PROSE_WORDS,
    ),
    max_chars=200,
    keywords=(
        "whats",
        "telegram",
        "google",
        "youtube",
        "instagram",
        "facebook",
        "twitter",
        "tiktok",
        "threads",
        "discord",
        "pinterest",
        "snapchat",
        "linkedin",
        "join",
        "follow",
        "subscri",
    ),
)
# ... and as a link or button, which needs no "us" to be one: "Follow HallyuHub on Google
# News", "Join Telegram".
SOCIAL_CTA_BUTTON = TextRule(
    "social-cta-button",
    trigger=SOCIAL_CTA.trigger,
    whole=Vocabulary(
        words=CTA_WORDS,
        required=(CTA_VERB, CTA_CHANNEL),
        max_free_words=2,
        vetoes=PROSE_WORDS,
    ),
    max_chars=200,
    keywords=SOCIAL_CTA.keywords,
    needs_tags=("a", "button"),
)
PLATFORM = re.compile(rf"\b(?:{SOCIAL_PLATFORMS})\b", re.I)
MIN_PLATFORMS = 2


def _names_platforms(element: HtmlElement) -> bool:
    found = {name.lower() for name in PLATFORM.findall(text_of(element))}
    return len(found) >= MIN_PLATFORMS


# ... and as a sentence of its own that sends the reader to several platforms: "Follow Newsbeat
# on Instagram, Facebook, Twitter and YouTube." ("Follow the cast on Instagram" names one.)
SOCIAL_CTA_SENTENCE = TextRule(
    "social-cta-sentence",
    trigger=re.compile(r"^\W*(?:follow|join|subscribe to|like)\b", re.I),
    whole=re.compile(r"\W*(?:follow|join|subscribe to|like)\b.*", re.I | re.S),
    max_chars=250,
    keywords=("follow", "join", "subscri", "like"),
    accepts=_names_platforms,
)
# "4 thoughts on “All Of Us Are Dead Season 2: …”", "One Response to “…”".
COMMENTS_HEADING = TextRule(
    "comments-heading",
    trigger=re.compile(r"\b(?:thoughts?|comments?|responses?|replies)\s+(?:on|to)\b", re.I),
    whole=re.compile(
        r"\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?:thoughts?|comments?|responses?|replies)\s+(?:on|to)\s+[“\"‘'«„].*[”\"’'»“]\s*",
        re.I | re.S,
    ),
    max_chars=400,
    keywords=("thought", "comment", "respons", "repl"),
)
# "Comments", "3 Comments", "Comments (3)", "Join the discussion" as a heading. Only a heading:
# "3 Comments" is also the link beside the date in a byline.
COMMENTS_TITLE = TextRule(
    "comments-title",
    trigger=re.compile(r"\bcomments?\b|\bdiscussion\b|\bconversation\b", re.I),
    whole=re.compile(
        r"\s*(?:(?:\d+\s+)?(?:reader\s+)?comments?(?:\s*\(\d+\))?|"
        r"join the (?:discussion|conversation))\s*:?\s*",
        re.I,
    ),
    max_chars=40,
    keywords=("comment", "discussion", "conversation"),
    needs_tags=HEADINGS,
)
# The reply form's headings and notes, for themes that do not use WordPress' own markup.
COMMENT_FORM = TextRule(
    "comment-form",
    trigger=re.compile(
        r"leave a (?:reply|comment)|post a comment|cancel reply|add a comment|write a comment|"
        r"email address will not be published|save my name, email|be the first to comment|"
        r"comments are closed|log in to (?:comment|reply)",
        re.I,
    ),
    whole=re.compile(
        r"(?:\s*(?:leave a (?:reply|comment)|post a comment|cancel reply|add a comment|"
        r"write a comment|be the first to comment|comments are closed|"
        r"log in to (?:comment|reply)|your email address will not be published|"
        r"required fields are marked|"
        r"save my name, email, and website in this browser for the next time i comment)"
        r"[\s.*!]*)+",
        re.I,
    ),
    max_chars=300,
    keywords=(
        "leave a",
        "post a comment",
        "cancel reply",
        "add a comment",
        "write a comment",
        "will not be published",
        "save my name",
        "be the first",
        "comments are closed",
        "log in to",
    ),
)
# The labels sites put before a link to another of their articles.
RELATED_LABEL = (
    r"also read|read also|read more|must read|also see|see also|see more|also on [\w.-]+|"
    r"also watch|must watch|"
    r"related(?: posts?| articles?| stories| news| reads?| coverage)?|don['’]?t miss|"
    r"recommended(?: for you| reads?| stories| articles)?|you (?:may|might) also like|"
    r"more (?:stories|news|to read)|most (?:read|popular|viewed)|"
    # The same labels on sites in other languages (Italian, Portuguese, Spanish, German, French).
    r"leggi anche(?: su)?|leia (?:também|mais)|veja também|lea también|lee también|"
    r"te puede interesar|lesen sie auch|auch interessant|mehr zum thema|(?:à )?lire aussi"
)
RELATED_KEYWORDS: tuple[str, ...] = (
    "read", "see", "watch", "related", "miss", "recommended", "you may", "you might", "more",
    "most", "leggi", "leia", "veja", "lea", "lee", "te puede", "lesen", "auch", "mehr", "lire",
    "à lire",
    "also",
)  # fmt: skip
# A label needs its colon, or a text node of its own: "Read more about the finale" is prose.
RELATED_START = re.compile(rf"^\s*\(?\s*(?:{RELATED_LABEL})\s*(?:[:\-–—|»>]|$)", re.I)
# Links must be most of the text after the label: a teaser, not a paragraph with a link in it.
MIN_TEASER_LINK_SHARE = 0.6


def _is_teaser(element: HtmlElement) -> bool:
    first = next((" ".join(t.split()) for t in element.itertext() if t.strip()), "")
    label = RELATED_START.match(first)
    if label is None:  # the label must open the element, not be a link somewhere inside it
        return False
    after_label = text_of(element)[label.end() :].strip()
    # A label alone is a link itself: "Read more" under a teaser.
    return not after_label or _link_share(element, len(after_label)) >= MIN_TEASER_LINK_SHARE


# "Also Read: <a>Other headline</a>", "<span>READ MORE</span><a>Other headline</a>": teasers
# for other articles dropped into the article body.
RELATED_LINK = TextRule(
    "related-link",
    trigger=RELATED_START,
    whole=re.compile(rf"\s*\(?\s*(?:{RELATED_LABEL})\b.*", re.I | re.S),
    max_chars=250,
    keywords=RELATED_KEYWORDS,
    needs_tags=("a",),
    accepts=_is_teaser,
)
# ... and the lists of links under a label of their own ("Also Read" heading, then a list).
MIN_LINK_LIST_SHARE = 0.8
MAX_LINK_LIST_CHARS = 1000


def _is_link_list(element: HtmlElement) -> bool:
    text = text_within(element, MAX_LINK_LIST_CHARS)
    return bool(text) and _link_share(element, len(text or "")) >= MIN_LINK_LIST_SHARE


RELATED_HEADING = TextRule(
    "related-heading",
    trigger=RELATED_START,
    # Not a bare "Read more" or "Related": those end teasers and start real sections.
    whole=re.compile(
        r"\s*(?:also read|read also|must read|also see|see also|don['’]?t miss|"
        r"related (?:posts?|articles?|stories|news|reads?|coverage)|"
        r"recommended (?:for you|reads?|stories|articles)|you (?:may|might) also like|"
        r"more (?:stories|news|to read)|most (?:read|popular|viewed)(?: in [\w ]{1,30})?)"
        r"\s*[:\-–—|»>]?\s*",
        re.I,
    ),
    max_chars=60,
    keywords=RELATED_KEYWORDS,
    followed_by=_is_link_list,
)
NEWSLETTER_WORD = re.compile(r"\bnewsletters?\b", re.I)
# "Subscribe to our newsletter", "Sign up for the free K-drama newsletter here".
NEWSLETTER_CTA = TextRule(
    "newsletter-cta",
    trigger=NEWSLETTER_WORD,
    whole=Vocabulary(
        words=re.compile(
            r"\b(?:newsletters?|subscribe|sign\s?up|join|get|never|miss|our|the|to|for|free|"
            r"daily|weekly|here|now|today|a|an|e-?mail|inbox|updates?|news|latest|in|your|"
            r"straight|delivered|and|more|of|stories|me|up|click|tap)\b",
            re.I,
        ),
        required=(re.compile(r"\b(?:subscribe|sign\s?up|join|get)\b", re.I), NEWSLETTER_WORD),
        max_free_words=2,
        vetoes=PROSE_WORDS,
    ),
    max_chars=200,
    keywords=("newsletter",),
)
# A sign-up box: a form or an input (never article content) with sign-up words about it.
SIGN_UP_WORDS = r"newsletters?|inbox|subscribe|sign\s?(?:me\s)?up|mailing list"
NEWSLETTER_BOX = TextRule(
    "newsletter-box",
    trigger=re.compile(rf"\b(?:{SIGN_UP_WORDS})\b", re.I),
    # The box opens with its pitch: a container that opens with prose is not the box.
    whole=re.compile(rf".{{0,80}}?\b(?:{SIGN_UP_WORDS})\b.*", re.I | re.S),
    max_chars=500,
    keywords=("newsletter", "inbox", "subscri", "sign", "mailing list"),
    needs_tags=("form", "input"),
)
# "Advertisement", "ADVERTISEMENT", "Sponsored", "Story continues below advertisement",
# "Scroll to continue with content": labels over ad slots, the slot itself often empty.
AD_LABEL = TextRule(
    "ad-label",
    trigger=re.compile(
        r"advert|sponsored|promoted|continues? below|continue reading below|"
        r"scroll (?:down )?to continue|^\W*ads?\W*$",
        re.I,
    ),
    whole=re.compile(
        r"(?:\W*(?:advertisement|advertisment|advertising|advert|ads?|"
        r"sponsored(?: content| post| links?| stories)?|promoted(?: content| stories)?|"
        r"(?:the )?(?:story|article|content|text) continues below(?: (?:this|the))?"
        r"(?: (?:advertisement|advert|ad))?|continue reading below|"
        r"scroll (?:down )?to continue(?: (?:with|reading)(?: (?:the )?(?:content|article))?)?"
        r"))+\W*",
        re.I,
    ),
    max_chars=80,
    keywords=("advert", "sponsored", "promoted", "continue", "scroll", "ad"),
)
# Picture credits: "Photo: tvN", "Image credit: Netflix", "(Image: Netflix)", "Credit: Getty
# Images", "Photo by Jane Doe/Getty Images", "Photo © JTBC", and a caption ending in "(Image: …)".
# Whole lines only, with no sentence inside: "the caption reads: “…”" in prose stays. A bare
# "© 2024 Site" is the footer's, which trafilatura leaves out anyway.
CREDIT_SOURCE = r"(?:[^.!?()\n]|\.(?=\S)){1,80}"
PICTURE_WORD = r"(?:photo|image|picture|pic|img|poster|screenshot|screengrab)s?"
IMAGE_CREDIT = TextRule(
    "image-credit",
    trigger=re.compile(rf"\b(?:{PICTURE_WORD}|credits?|courtesy)\b|©", re.I),
    whole=re.compile(
        rf"\s*(?:\(?\s*(?:(?:featured |cover |header |top )?{PICTURE_WORD}(?: credits?| source)?"
        rf"|credit|courtesy(?: of)?)\s*[:\-–—|]\s*{CREDIT_SOURCE}\)?"
        rf"|{PICTURE_WORD} (?:by|via|from|courtesy of) {CREDIT_SOURCE}"
        rf"|{PICTURE_WORD} ©\s*{CREDIT_SOURCE}"
        rf"|[^()\n]{{0,160}}\(\s*(?:{PICTURE_WORD}|credits?|courtesy|source)(?: credits?)?"
        rf"\s*[:\-–—]\s*{CREDIT_SOURCE}\))\s*",
        re.I,
    ),
    max_chars=200,
    keywords=("photo", "image", "pic", "img", "poster", "screen", "credit", "courtesy", "©"),
)
MAX_BIO_CHARS = 800


def _is_short_bio(element: HtmlElement) -> bool:
    text = text_within(element, MAX_BIO_CHARS)
    return (
        element.tag in ("p", "div") and bool(text) and next(element.iter(*HEADINGS), None) is None
    )


# "About the author" and the bio under it, whether the card wraps both or not.
AUTHOR_BIO = TextRule(
    "author-bio",
    trigger=re.compile(r"^\W*about the (?:author|writer)\b", re.I),
    whole=re.compile(r"\W*about the (?:author|writer)\b.*", re.I | re.S),
    max_chars=MAX_BIO_CHARS,
    keywords=("about the",),
    followed_by=_is_short_bio,
)
# "We use cookies …" banners: a consent sentence first, then a button or a policy link.
COOKIE_NOTICE = TextRule(
    "cookie-notice",
    trigger=re.compile(r"\bcookies?\b", re.I),
    whole=re.compile(
        r"\W*(?:we(?: and our partners)? use cookies|(?:this|our) (?:web)?site uses cookies|"
        r"by (?:using|continuing to (?:use|browse)) (?:this|our) (?:web)?site|"
        r"we value your privacy|cookie (?:notice|policy|settings|preferences|consent))\b.*",
        re.I | re.S,
    ),
    max_chars=500,
    keywords=("cookie",),
    needs_tags=("button", "a", "input"),
)
# "Share this:", "Share on Facebook X WhatsApp Email": share vocabulary only, with links.
SHARE_BAR = TextRule(
    "share-bar",
    trigger=re.compile(r"\b(?:share|tweet|spread the love)\b", re.I),
    whole=Vocabulary(
        words=re.compile(
            rf"\b(?:{SOCIAL_PLATFORMS}|share|sharing|shares|tweet|this|article|story|post|page|"
            r"on|via|with|the|your|friends|spread|love|x|pin|it|reddit|e-?mail|mail|print|"
            r"copy|copied|link|url|messenger|tumblr|flipboard|sms|more|options)\b",
            re.I,
        ),
        required=(re.compile(r"\b(?:share|tweet|spread the love)\b", re.I),),
    ),
    max_chars=200,
    keywords=("share", "tweet", "spread the love"),
    needs_tags=("a", "button"),
)
TEXT_RULES: tuple[TextRule, ...] = (
    SOCIAL_CTA,
    SOCIAL_CTA_BUTTON,
    SOCIAL_CTA_SENTENCE,
    COMMENT_FORM,
    RELATED_LINK,
    RELATED_HEADING,
    NEWSLETTER_BOX,  # before the CTA rule takes its heading, the box's trigger
    NEWSLETTER_CTA,
    AD_LABEL,
    IMAGE_CREDIT,
    AUTHOR_BIO,
    COOKIE_NOTICE,
    SHARE_BAR,
)

ALL_TEXT_RULES: tuple[TextRule, ...] = (COMMENTS_HEADING, COMMENTS_TITLE, *TEXT_RULES)


def _keyword_pattern(rules: tuple[TextRule, ...]) -> re.Pattern[str]:
    """Any of the rules' keywords, at the start of a word ("©" aside), as their triggers' words
    are: "ad" in "had" wakes no rule."""
    words = sorted({re.escape(k) for rule in rules for k in rule.keywords if k != "©"}, key=len)
    return re.compile(r"\b(?:" + "|".join(reversed(words)) + ")|©")


@dataclass(frozen=True, slots=True)
class KeywordTier:
    """The text rules that can apply to a text node of at most ``max_chars`` characters (a
    longer text cannot lie inside what a rule removes), and one pattern for their keywords."""

    max_chars: int
    rules: tuple[TextRule, ...]
    keywords: re.Pattern[str]

    def candidates(self, lowered: str) -> set[TextRule]:
        """The rules one of whose keywords ``lowered`` contains."""
        found = self.keywords.findall(lowered)
        if not found:  # most texts
            return set()
        words = set(found)
        return {rule for rule in self.rules if not words.isdisjoint(rule.keywords)}


# One tier per distinct limit, longest first: long paragraphs are checked for the few rules
# that allow long texts with a small pattern; short texts meet every rule's keywords at once.
KEYWORD_TIERS: tuple[KeywordTier, ...] = tuple(
    KeywordTier(limit, rules, _keyword_pattern(rules))
    for limit in sorted({rule.max_chars for rule in ALL_TEXT_RULES}, reverse=True)
    for rules in [tuple(rule for rule in ALL_TEXT_RULES if rule.max_chars >= limit)]
)
MAX_RULE_CHARS = KEYWORD_TIERS[0].max_chars


def _tier(length: int) -> KeywordTier:
    """The tier of the rules whose limit a text of ``length`` characters is within."""
    return next(tier for tier in reversed(KEYWORD_TIERS) if tier.max_chars >= length)


# Paragraphs and headings holding a link, for the lone-link teasers; a teaser is a headline,
# a few words to a couple of lines.
LINKED_BLOCKS = etree.XPath(" | ".join(f"//body//{tag}[.//a]" for tag in ("p", "h2", "h3", "h4")))
# ... and lists whose every item is such a link: "more on this" lists of other headlines.
LINK_LISTS = etree.XPath("//body//ul[li//a] | //body//ol[li//a]")
MIN_LONE_LINK_WORDS = 3
MAX_LONE_LINK_CHARS = 200

# Elements that sit inside a line of text rather than make one.
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "small", "span", "strong", "u"}
)
# Class and id tokens: a prefilter for the markup rules' patterns (every one contains one of
# these), so most of a page's names cost one cheap search.
WIDGET_HINTS = re.compile(
    "shar|heateor|addtoany|a2a|social|related|yarpp|crp_|rp4wp|also|read|must|dont|recommend|"
    "stories|newsletter|mc4wp|mailchimp|opt|subscri|ad|advert|gpt|dfp|cookie|consent|gdpr|"
    "onetrust|cookiebot|cc-|caption|credit|author|about|sabox|molongui|abh_|pp-"
)

# A text node some rule's trigger matches: its element, its text, and those rules.
TextNodes = list[tuple[HtmlElement, str, frozenset[TextRule]]]


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
    # The rules that removed something, in the order they ran ("comments", "social-cta" ...).
    fired: tuple[str, ...] = ()


def remove_boilerplate(root: HtmlElement, index: ClassIndex | None = None) -> Removed:
    """Remove boilerplate elements from the parsed page ``root`` in place."""
    index = index or ClassIndex.of(root)
    nodes = _text_nodes(root)
    fired: list[str] = []
    comments = _remove_comment_sections(root, index, nodes)
    if comments:
        fired.append("comments")
    captions = [*root.iter("figcaption"), *index.find(CAPTION_CLASS)]
    _note(fired, "captions", _remove(root, captions))
    _note(fired, "ad-tags", _remove(root, list(root.iter(*AD_TAGS))))
    # Words before markup: a box found by its words goes whole, while a widget class on one of
    # its parts (a sign-up form's "subscriptions") would leave the rest of the box behind.
    for rule in TEXT_RULES:
        _note(fired, rule.name, _remove(root, _with_followers(_matches(root, nodes, rule), rule)))
    widgets = list(_small_widgets(root, index))
    for widget in MARKUP_RULES:
        _note(fired, widget.name, _remove(root, [e for e, found in widgets if found is widget]))
    _note(fired, "lone-links", _remove(root, _lone_links(root)))
    return Removed(comment_areas=(*comments, *index.find(COMMENT_MARKUP)), fired=tuple(fired))


def _note(fired: list[str], name: str, removed: int) -> None:
    if removed:
        fired.append(name)


def _remove(root: HtmlElement, elements: list[HtmlElement] | Iterator[HtmlElement]) -> int:
    """Remove the elements that are not protected; how many went."""
    return remove_all((e for e in list(elements) if not _is_protected(e)), root)


def _remove_comment_sections(
    root: HtmlElement, index: ClassIndex, nodes: TextNodes
) -> list[HtmlElement]:
    sections = index.find(COMMENT_SECTION, names=("class", "id"))
    sections += [form for form in root.iter("form") if form.find(".//textarea") is not None]
    _remove(root, sections)
    for rule in (COMMENTS_HEADING, COMMENTS_TITLE):
        for heading in _matches(root, nodes, rule):
            # Without a comment service's markup the thread is the section the heading opens,
            # or else whatever lists follow it.
            thread = [*_comment_lists_after(heading), _comment_section(heading)]
            _remove(root, thread)
            sections += thread
    return sections


def _comment_section(heading: HtmlElement) -> HtmlElement:
    parent = heading.getparent()
    if parent is not None and _first_child(parent) is heading and not _is_protected(parent):
        return parent
    return heading


def _first_child(element: HtmlElement) -> HtmlElement | None:
    return next(element.iterchildren(tag=etree.Element), None)


def _comment_lists_after(heading: HtmlElement) -> list[HtmlElement]:
    return [
        sibling
        for sibling in heading.itersiblings(tag=etree.Element)
        if sibling.tag in ("ol", "ul") or COMMENT_MARKUP.search(sibling.get("class") or "")
    ]


def _lone_links(root: HtmlElement) -> Iterator[HtmlElement]:
    """Paragraphs and headings that are nothing but one link to another page: teasers for
    other articles ("CLICK HERE TO GET THE APP", a related headline), not the article's prose."""
    for element in LINKED_BLOCKS(root):
        if _is_lone_link(element):
            yield element
    for linked_list in LINK_LISTS(root):
        items = list(linked_list.iterchildren("li"))
        if len(items) >= 2 and all(_is_lone_link(item) for item in items):
            yield linked_list


def _is_lone_link(element: HtmlElement) -> bool:
    links = list(element.iter("a"))
    if len(links) != 1 or (links[0].get("href") or "#").startswith("#"):
        return False
    text = text_within(element, MAX_LONE_LINK_CHARS)
    return (
        bool(text)
        and len((text or "").split()) >= MIN_LONE_LINK_WORDS
        and text == text_of(links[0])
    )


def _small_widgets(
    root: HtmlElement, index: ClassIndex
) -> Iterator[tuple[HtmlElement, MarkupRule]]:
    rules: dict[HtmlElement, MarkupRule] = {}
    for name, owners in index.names.items():
        if not WIDGET_HINTS.search(name):
            continue
        rule = next((rule for rule in MARKUP_RULES if rule.pattern.search(name)), None)
        if rule is None:
            continue
        for element, attribute in owners:
            if attribute == "id" and element.tag in HEADINGS:
                continue  # a heading's id is an anchor made of its words
            rules.setdefault(element, rule)
    for element, rule in rules.items():
        if is_attached(element, root) and _is_widget(element, rule):
            yield element, rule


def _is_widget(element: HtmlElement, rule: MarkupRule) -> bool:
    text = text_within(element, rule.max_chars)
    if text is None:
        return False
    if rule.bio_only:
        return next(element.iter("time"), None) is None and len(text.split()) >= MIN_BIO_WORDS
    return True


def _text_nodes(root: HtmlElement) -> TextNodes:
    """The body's text nodes that some text rule's trigger matches, with those rules."""
    nodes: TextNodes = []
    for text in BODY_TEXT(root):
        # A text longer than a rule's limit cannot lie inside what the rule removes: long prose
        # is ruled out before any pattern runs on it.
        length = len(text) if len(text) <= MAX_RULE_CHARS else len(" ".join(text.split()))
        if length > MAX_RULE_CHARS:
            continue
        candidates = _tier(length).candidates(text.lower())
        rules = frozenset(rule for rule in candidates if rule.trigger.search(text))
        if not rules:
            continue
        holder = text_holder(text)
        if holder is not None and holder.tag not in NON_CONTENT_TAGS:
            nodes.append((holder, str(text), rules))
    return nodes


def _matches(root: HtmlElement, nodes: TextNodes, rule: TextRule) -> list[HtmlElement]:
    """The outermost elements that are wholly the boilerplate ``rule`` describes."""
    found: dict[HtmlElement, None] = {}
    for holder, _text, rules in nodes:
        # An earlier rule may have removed the text with its element.
        if rule not in rules or not is_attached(holder, root):
            continue
        element = _largest_match(holder, rule)
        if element is not None:
            found[element] = None
    return list(found)


def _with_followers(elements: list[HtmlElement], rule: TextRule) -> list[HtmlElement]:
    if rule.followed_by is None:
        return elements
    followers = [next(e.itersiblings(tag=etree.Element), None) for e in elements]
    accepted = [f for f in followers if f is not None and rule.followed_by(f)]
    return [*elements, *accepted]


def _largest_match(start: HtmlElement, rule: TextRule) -> HtmlElement | None:
    # Climb from the text's element while the ancestors stay small; the highest one whose whole
    # text is the boilerplate wins, so a box goes as a whole but its container never does.
    matches: list[HtmlElement] = []
    element: HtmlElement | None = start
    while element is not None and element.tag not in NON_CONTENT_TAGS:
        text = text_within(element, rule.max_chars)
        if text is None:
            break
        if _is_match(element, text, rule) and not _in_running_text(element):
            matches.append(element)
        element = element.getparent()
    # Whatever holds a protected element is protected too, so the first unprotected match from
    # the top is the largest one (and the costly check runs only on matches).
    return next((match for match in reversed(matches) if not _is_protected(match)), None)


def _is_match(element: HtmlElement, text: str, rule: TextRule) -> bool:
    if not rule.whole.fullmatch(text) or not _has_needed_tags(element, rule.needs_tags):
        return False
    return rule.accepts is None or rule.accepts(element)


def _in_running_text(element: HtmlElement) -> bool:
    """Whether ``element`` is a few words of a sentence, as in "You can also <a>subscribe to
    this newsletter</a> here": taking them out would leave the sentence with a hole."""
    if element.tag not in INLINE_TAGS:
        return False
    return _text_before(element) or _text_after(element)


def _text_before(element: HtmlElement) -> bool:
    # Whitespace and HTML comments between them do not part two runs of words; a <br> does.
    node = element.getprevious()
    while node is not None and not isinstance(node.tag, str):
        if _has_words(node.tail):
            return True
        node = node.getprevious()
    if node is None:
        parent = element.getparent()
        return parent is not None and _has_words(parent.text)
    return _has_words(node.tail) or _inline_with_words(node)


def _text_after(element: HtmlElement) -> bool:
    if _has_words(element.tail):
        return True
    node = element.getnext()
    while node is not None and not isinstance(node.tag, str):
        if _has_words(node.tail):
            return True
        node = node.getnext()
    return node is not None and _inline_with_words(node)


def _has_words(text: str | None) -> bool:
    return bool(text and text.strip())


def _inline_with_words(element: HtmlElement) -> bool:
    return element.tag in INLINE_TAGS and bool(text_of(element))


def _link_share(element: HtmlElement, text_chars: int) -> float:
    """How much of ``text_chars`` characters of the element's text is the text of its links."""
    links = [element] if element.tag == "a" else element.iter("a")
    link_chars = sum(len(text_of(link)) for link in links)
    return link_chars / text_chars if text_chars else 0.0


def _has_needed_tags(element: HtmlElement, needs_tags: tuple[str, ...]) -> bool:
    return not needs_tags or next(element.iter(*needs_tags), None) is not None


def _is_protected(element: HtmlElement) -> bool:
    """The page skeleton, the headline, and anything holding the article body are never removed."""
    if element.tag in PROTECTED_TAGS:
        return True
    return any(
        node.tag == "h1"
        or node.get("itemprop") == "articleBody"
        or ARTICLE_BODY_MARKUP.search(node.get("class") or "") is not None
        or ARTICLE_BODY_MARKUP.search(node.get("id") or "") is not None
        for node in element.iter(etree.Element)
    )
