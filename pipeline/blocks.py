"""Last pass over the extracted text, block by block: lines that are page furniture, not prose.

Boilerplate that survives into the main text in the same few shapes on many sites: the headline
repeated, a dateline standing alone ("October 12, 2017", "Updated at 1:23 p.m."), a copyright
or ISSN line. Each is a whole block; a sentence that merely contains a date or a "©" stays.
"""

from __future__ import annotations

import re

from pipeline.dates import parse_datetime

BLOCK_SEPARATOR = "\n\n"
DIGIT = re.compile(r"\d")
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
WEEKDAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?"
DATE = (
    rf"(?:{WEEKDAYS},?\s+)?(?:{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS},?\s+\d{{4}}|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}})"
)
# A block that is only a dateline: "Published Monday, Nov. 18, 2019", "October 12, 2017 - 11:28
# AMT", "Updated at 1:23 p.m.", "(Published Monday, Nov. 18, 2019)".
DATELINE = re.compile(
    rf"\(?\s*(?:(?:first published|published|posted|updated|last updated|modified)"
    rf"(?:\s+on|\s+at)?\s*:?\s*)?"
    rf"(?:{DATE}(?:\s*(?:[-–—|,]|at)?\s*{TIME})?|{TIME})\s*\)?\.?",
    re.I,
)
# "© 2019 Site", "Copyright Inexhibit 2019 - ISSN: 2283-5474", "All rights reserved.", and a
# caption that ends in its picture's copyright: "Jewels, installation views, photos © Inexhibit".
COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright\b).{0,120}|.{0,80}\ball rights reserved\b.{0,40}|.{0,80}\bissn\b.{0,40}|"
    r".{0,150}\b(?:photos?|images?|pictures?)\s*©\s*.{1,60}",
    re.I,
)


def drop_furniture(text: str, title: str | None, tags: tuple[str, ...] = ()) -> str:
    """The text without blocks that are the headline again, a lone dateline, a credit line, a
    copyright, a bare URL, a control's label or the page's own tags listed again. In a list,
    each item is judged on its own."""
    headings = _headline_forms(title or "")
    known_tags = {tag.casefold() for tag in tags}

    def is_furniture(line: str) -> bool:
        line = _normalised(line)
        return _is_furniture(line, headings) or _is_tag_line(line, known_tags)

    def is_heading_or_dateline(line: str) -> bool:
        line = _normalised(line)
        return line.casefold() in headings or DATELINE.fullmatch(line) is not None

    kept = []
    for block in text.split(BLOCK_SEPARATOR):
        lines = block.split("\n")
        if len(lines) > 1 and all(line.startswith("- ") for line in lines):
            block = "\n".join(line for line in lines if not is_furniture(line))
        elif len(lines) > 1:
            # Lines held together by <br>: a headline or dateline among them goes on its own.
            block = "\n".join(line for line in lines if not is_heading_or_dateline(line))
        if block and not is_furniture(block):
            kept.append(block)
    return BLOCK_SEPARATOR.join(kept)


def _headline_forms(title: str) -> set[str]:
    """The headline as the body may repeat it: whole, or without a "Section | " prefix or a
    " | Site" suffix the title carries."""
    title = _normalised(title).casefold()
    if not title:
        return set()
    head, _, tail = title.partition(" | ")
    return {title, head, tail} - {""} if tail else {title}


def _is_tag_line(block: str, tags: set[str]) -> bool:
    """ "Tags: a, b, c" or just "a, b, c" where most of the items are the page's own tags."""
    items = [item.strip().casefold() for item in TAGS_LABEL.sub("", block).split(",")]
    items = [item for item in items if item]
    if len(items) < MIN_TAG_ITEMS or not tags:
        return False
    return sum(item in tags for item in items) >= TAG_LINE_SHARE * len(items)


# Wire-service credit lines: "Reporting by A; Editing by B".
CREDIT_LINE = re.compile(
    r"\(?(?:reporting|additional reporting|writing|editing|compiled|produced) by\b.{0,400}", re.I
)
# Leftovers of comment sections and bare links: "3 comments", "Tell us what you think", a URL.
COMMENT_STUB = re.compile(
    r"(?:\d+\s+)?comments?|post (?:a )?comment\W*|tell us what you think\W*|https?://\S+", re.I
)
# Controls and labels of the page's chrome that survive as lines of their own (reading time
# and table-of-contents labels included).
UI_LABEL = re.compile(
    r"(?:print(?: this)?(?: article| story| page)?|order reprints|reprints|text size|font size|"
    r"e-?mail(?: this)?(?: article| story)?|share(?: this)?(?: article| story)?|by|close|menu|"
    r"skip to (?:main )?content|an error has occurred, please try again later|"
    r"updated \d+ (?:minutes?|hours?|days?) ago|back to top|published|table of contents|contents|"
    r"in this article|(?:\w+\s+)?\d+\s*(?:min(?:ute)?s?\.?|minutes?)\s*"
    r"(?:read(?:ing)?(?: time)?))\W*",
    re.I,
)
TAGS_LABEL = re.compile(r"^(?:tags|tagged|tagged with|topics|keywords)\s*:\s*", re.I)
MIN_TAG_ITEMS = 3
TAG_LINE_SHARE = 0.8
# The author's contact line: "Write to Al Root at allen.root@dowjones.com", "Have a tip? Amy
# Kuperinsky may be reached at ...@...": an address and words that hand it to the reader.
CONTACT_LINE = re.compile(
    r"(?=.{0,300}$)(?=.*\b(?:write to|reached at|reach (?:him|her|them|us|me)|contact|e-?mail|"
    r"tips?)\b).*\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b.*",
    re.I,
)
FURNITURE: tuple[re.Pattern[str], ...] = (
    DATELINE,
    COPYRIGHT,
    CREDIT_LINE,
    COMMENT_STUB,
    UI_LABEL,
    CONTACT_LINE,
)


def _normalised(block: str) -> str:
    # A one-line list item is judged by its words: "- Published 18 November 2019".
    return " ".join(block.split()).removeprefix("- ")


def _is_furniture(block: str, headings: set[str]) -> bool:
    if block.casefold() in headings:
        return True
    if any(pattern.fullmatch(block) for pattern in FURNITURE):
        return True
    return (
        len(block) <= 40 and DIGIT.search(block) is not None and parse_datetime(block) is not None
    )
