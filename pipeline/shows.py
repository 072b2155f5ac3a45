"""TV shows named in article titles: title patterns, season numbers and alias keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

from pipeline.types import ShowMatch

SEASON_WORDS = MappingProxyType(
    {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    }
)
_NUMBER = r"(?P<number>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b"

# What follows a show's name in a title. Each marker ends the name before it.
SEASON_MARKER = re.compile(rf"\bSeason\s*{_NUMBER}", re.I)  # "Season 2", "Season Two", "Season3"
SHORT_SEASON_MARKER = re.compile(r"\bS(?P<number>\d{1,2})(?:\s?E\d{1,3})?\b")  # "S2", "S02E05"
PART_MARKER = re.compile(rf"\bPart\s+{_NUMBER}", re.I)  # Netflix splits seasons into parts
NUMBER_COLON_MARKER = re.compile(r"(?<=\w)\s+(?P<number>\d{1,2})\s*:")  # "Stranger Things 5:"
ENDING_EXPLAINED_MARKER = re.compile(r"\bEnding\s+Explained\b", re.I)
CAST_COLON_MARKER = re.compile(r"\bCast\s*:", re.I)  # "Queen of Tears Cast: ..."
# "<Show> Review: ...", "<Show> Episode 5 Review".
REVIEW_MARKER = re.compile(r"\s+(?:episodes?\s+\d+\s+)?review\s*:", re.I)
MARKERS: tuple[re.Pattern[str], ...] = (
    SEASON_MARKER,
    SHORT_SEASON_MARKER,
    PART_MARKER,
    NUMBER_COLON_MARKER,
    ENDING_EXPLAINED_MARKER,
    CAST_COLON_MARKER,
    REVIEW_MARKER,
)

# A name never spans these: the text before them is another clause of the title.
NAME_BOUNDARY = re.compile(r"[:|?!;,()\[\]{}]|\s[-–—]\s")
# "Squid Game Season 3 and All of Us Are Dead Season 2": what joins two shows.
LEADING_CONNECTOR = re.compile(r"^(?:and|&|or|plus|vs\.?|versus)\s+", re.I)
# Headline verbs and "About" that end the clause before the name ("Netflix Greenlights X").
LAST_HEADLINE_VERB = re.compile(
    r"^.*\b(?:about|announces|cancels|confirms|drops|greenlights|releases|renews|reveals|"
    r"shares|teases|unveils)\s+",
    re.I,
)
# Openings of question and round-up titles, and streamers' possessives ("Netflix's").
LEADING_FILLER = re.compile(
    r"^(?:everything (?:we|you) (?:know|need to know)(?: so far)?(?: about)?|"
    r"what (?:we|you) know(?: so far)?(?: about)?|what to expect (?:from|in)|"
    r"when will|when is|when does|where to watch|how to watch|will there be(?: an?)?|"
    r"is|are|does|did|has|exclusive|breaking|first look(?: at)?|"
    r"(?:netflix|hbo(?: max)?|max|disney\+?|disney plus|hulu|prime video|amazon(?: prime)?|"
    r"apple tv\+?|peacock|paramount\+?|starz|showtime|bbc|itv|tvn|jtbc|sbs|kbs|mbc|viki|"
    r"crunchyroll)['’]s)\s+",
    re.I,
)
QUOTES = "'\"‘’“”«»"
POSSESSIVE_END = re.compile(r"['’]s$", re.I)
# Lowercase words allowed inside a title-cased name ("All of Us Are Dead", "Emily in Paris").
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "for", "from", "in", "of", "on", "or", "the", "to"}
)
# Words that are a marker's neighbour, not a show ("Top 10:", "Episode 5:", "The Final Season").
GENERIC_NAMES = frozenset(
    {
        "all",
        "anime",
        "best",
        "cast",
        "chapter",
        "drama",
        "episode",
        "final",
        "k drama",
        "k dramas",
        "kdrama",
        "kdramas",
        "last",
        "movie",
        "netflix",
        "new",
        "next",
        "part",
        "release date",
        "review",
        "season",
        "series",
        "show",
        "the",
        "this",
        "top",
        "trailer",
        "volume",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
    }
)
# A part of an episode or season, not a show ("Volume 2", "Act 3", "Episode 6", "Finale").
GENERIC_NUMBERED = re.compile(
    r"(?:vol(?:ume)?|act|episode|ep|chapter|part|season|finale|premiere|recap)\.?\s*\d*", re.I
)
MAX_NAME_WORDS = 8
MAX_NAME_CHARS = 60
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
APOSTROPHES = re.compile(r"['’‘`´ʼ]")


@dataclass(frozen=True, slots=True)
class _Marker:
    start: int
    end: int
    season: int | None


def alias_key(name: str) -> str:
    """The key under which spellings of one show meet: NFKC, casefolded, "&" as "and",
    apostrophes dropped, other punctuation as spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = APOSTROPHES.sub("", text)
    text = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in text)
    return " ".join(text.split())


def find_shows(title: str | None) -> tuple[ShowMatch, ...]:
    """The shows a title names, in title order, one per alias key, with the season if stated."""
    matches: dict[str, ShowMatch] = {}
    for before, season in marked_segments(title or ""):
        name = name_before(before)
        if name is not None:
            matches.setdefault(alias_key(name), ShowMatch(name, alias_key(name), season))
    return tuple(matches.values())


def marked_segments(title: str) -> list[tuple[str, int | None]]:
    """For each season or show marker in a title, the text between it and the marker before
    it (where the show's name ends), with the season the marker states."""
    segments = []
    start = 0
    for marker in _markers(title):
        segments.append((title[start : marker.start], marker.season))
        start = marker.end
    return segments


def _markers(title: str) -> list[_Marker]:
    found = [_marker(m) for pattern in MARKERS for m in pattern.finditer(title)]
    kept: list[_Marker] = []
    # Earliest first, and the longer one where two start together; overlaps are one marker.
    for marker in sorted(found, key=lambda m: (m.start, -m.end)):
        if not kept or marker.start >= kept[-1].end:
            kept.append(marker)
    return kept


def _marker(match: re.Match[str]) -> _Marker:
    number = match.groupdict().get("number")
    season = None if number is None else SEASON_WORDS.get(number.lower()) or int(number)
    return _Marker(match.start(), match.end(), season)


def name_before(segment: str) -> str | None:
    """The show name at the end of the title text before a marker, or None."""
    name = _capitalised_tail(NAME_BOUNDARY.split(segment)[-1])
    name = LAST_HEADLINE_VERB.sub("", name)
    name = _strip_repeatedly(name, (LEADING_FILLER, LEADING_CONNECTOR))
    name = POSSESSIVE_END.sub("", name.strip().strip(QUOTES).strip()).strip(QUOTES).strip()
    return name if _plausible(name) else None


def _capitalised_tail(text: str) -> str:
    # Titles are title-cased; the name is the run of capitalised words right before the
    # marker, so "BTS's Jin opens up about" leaves nothing and "Fans react to X" leaves "X".
    words = text.split()
    tail: list[str] = []
    for word in reversed(words):
        if not _name_word(word):
            break
        tail.insert(0, word)
    while tail and tail[0].lower() in SMALL_WORDS and not tail[0][0].isupper():
        tail.pop(0)
    while tail and tail[-1].lower() in SMALL_WORDS:  # "Netflix Renews Wednesday for Season 3"
        tail.pop()
    return " ".join(tail)


def _name_word(word: str) -> bool:
    core = word.strip(QUOTES)
    if not core:
        return False
    return core[0].isupper() or core[0].isdigit() or core in ("&", "+") or core in SMALL_WORDS


def _strip_repeatedly(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    previous = None
    while text != previous:
        previous = text
        for pattern in patterns:
            text = pattern.sub("", text.strip(QUOTES + " "))
    return text


def _plausible(name: str) -> bool:
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
        return False
    if not (name[0].isupper() or name[0].isdigit()) or not any(c.isalpha() for c in name):
        return False
    if GENERIC_NUMBERED.fullmatch(name):
        return False
    return alias_key(name) not in GENERIC_NAMES and YEAR.search(name) is None
