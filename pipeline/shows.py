"""TV shows named in article titles: title patterns, season numbers and alias keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

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
ORDINALS = MappingProxyType(
    {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "fifth": 5,
        "sixth": 6,
        "seventh": 7,
        "eighth": 8,
        "ninth": 9,
        "tenth": 10,
    }
)
_NUMBER = r"(?P<number>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b"
_ORDINAL = r"(?P<ordinal>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
MAX_SEASON = 30  # a larger number after a show's name is something else ("Taxi Driver at 50:")

# What follows a show's name in a title. Each marker ends the name before it.
# "Season 2", "Season Two", "Season3", and the misspellings careless sites print ("Seaon 3").
# "Series 6" is how British sites say it.
SEASON_MARKER = re.compile(
    rf"\b(?:Season|Seaon|Seson|Sesaon|Seasn|Saeson|Series)\s*{_NUMBER}", re.I
)
ORDINAL_SEASON_MARKER = re.compile(rf"\b{_ORDINAL}(?:\s+and\s+final)?\s+season\b", re.I)
SHORT_SEASON_MARKER = re.compile(r"\bS(?P<number>\d{1,2})(?:\s?E\d{1,3})?\b")  # "S2", "S02E05"
PART_MARKER = re.compile(rf"\bPart\s+{_NUMBER}", re.I)  # Netflix splits seasons into parts
NUMBER_COLON_MARKER = re.compile(r"(?<=\w)\s+(?P<number>\d{1,2})\s*:")  # "Stranger Things 5:"
ENDING_EXPLAINED_MARKER = re.compile(r"\bEnding\s+Explained\b", re.I)
CAST_COLON_MARKER = re.compile(r"\bCast\s*:", re.I)  # "Queen of Tears Cast: ..."
# Only series have numbered episodes: "Love Next Door Episode 12 Recap".
EPISODE_MARKER = re.compile(r"\b(?:Episodes?|Ep\.?)\s*\d{1,4}\b", re.I)  # anime run long
# Only series have these: "Succession Series Finale", "Ozark's Final Season", and the daily
# "Written Update" of Indian serials.
SERIES_MARKER = re.compile(
    r"\b(?:(?:Series|Season|Mid-?season)\s+(?:Finale|Premiere)|(?:Final|Last)\s+Season|"
    r"Written\s+Update)\b",
    re.I,
)
# "<Show> Review: ...": films are reviewed too, but on the sites Marquee crawls a review title
# is mostly a series' (bench/shows: recall 0.971 / precision 0.961 with it, 0.953 / 0.966
# without).
REVIEW_MARKER = re.compile(r"\s+review\s*(?::|[-–—]\s)", re.I)
STRONG_MARKERS: tuple[re.Pattern[str], ...] = (
    SEASON_MARKER,
    ORDINAL_SEASON_MARKER,
    SHORT_SEASON_MARKER,
    PART_MARKER,
    NUMBER_COLON_MARKER,
    ENDING_EXPLAINED_MARKER,
    CAST_COLON_MARKER,
    EPISODE_MARKER,
    SERIES_MARKER,
    REVIEW_MARKER,
)
# Films and games have trailers and release dates too, and "A Fitting Finale" names nothing:
# what these follow is taken for a show only when the catalogue knows it ("Sucession Trailer"),
# never discovered as a new one.
WEAK_MARKER = re.compile(
    r"\b(?:Official\s+)?(?:Trailer|Teaser|Premiere|Finale|Recap|Rewatch|Release\s+Date|"
    r"Spoilers)\b",
    re.I,
)
MARKERS: tuple[re.Pattern[str], ...] = (*STRONG_MARKERS, WEAK_MARKER)
SEASON_WORD = re.compile(r"seas|\bS\d", re.I)

# A name never spans these: the text before them is another clause of the title.
NAME_BOUNDARY = re.compile(r"[:|?!;,()\[\]{}]|\s[-–—]\s")
# "Squid Game Season 3 and All of Us Are Dead Season 2": what joins two shows.
LEADING_CONNECTOR = re.compile(r"^(?:and|&|or|plus|vs\.?|versus)\s+", re.I)
# Headline verbs and "About" that end the clause before the name ("Netflix Greenlights X").
LAST_HEADLINE_VERB = re.compile(
    r"^.*\b(?:about|announces|beats|cancels|confirms|dethrones|drops|greenlights|overtakes|"
    r"releases|renews|reveals|shares|surpasses|teases|tops|unveils)(?:\s+|$)",
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
    r"crunchyroll)['’]s)(?:\s+|$)",
    re.I,
)
QUOTES = "'\"‘’“”«»"
# A quoted name right before a marker; an opening quote starts a word, a closing one ends it.
INNER_QUOTE = re.compile(r"[\"‘“”]|['’]\s|\s['’]")
QUOTED_END = re.compile(r"(?:^|\s)['\"‘“«](?P<name>[^'\"‘’“”«»]+)['\"’”»]\s*$")
POSSESSIVE_END = re.compile(r"['’]s$", re.I)
# Lowercase words allowed inside a title-cased name ("All of Us Are Dead", "Emily in Paris").
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "for", "from", "in", "no", "of", "on", "or", "the", "to",
     "x"}
)  # fmt: skip
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
# First words of a question: a name the catalogue lacks that starts with one is not taken for
# a new show ("Who's Returning for Season 5", "Will Wednesday Season 2 Beat ...").
QUESTION_WORDS = frozenset(
    {"are", "can", "could", "did", "does", "how", "is", "should", "what", "whats", "when",
     "where", "which", "who", "whos", "why", "will", "would"}
)  # fmt: skip
# Last words of a headline's phrase, never of a show's name ("Netflix Top 10:", "Day 10:").
GENERIC_LAST_WORDS = frozenset({"top", "best"})
# A number after these is a count or an age, not a season: "Box Office Collection Day 10:",
# "Top 10:", "The Office Turns 20:".
UNIT_WORDS = frozenset(
    {"act", "age", "aged", "at", "chapter", "day", "ep", "episode", "no", "number", "part", "top",
     "turns", "vol", "volume", "week"}
)  # fmt: skip
# Words that join two shows' names rather than sit inside one: "Stranger Things 5 vs Wednesday".
LIST_WORDS = frozenset({"v", "vs", "or", "and"})
# Headline verbs that follow a show's name: the name ends before them ("Severance Renewed for
# Season 3", "Squid Game Won't Get a Season 4"). Present-tense verbs ("Netflix Sets Squid Game
# Season 2 Date") come before the name as often, so only participles are here.
VERB_AFTER_NAME = re.compile(
    r"\s(?:renewed|cancell?ed|confirmed|greenlit|greenlighted|ordered|delayed|postponed|"
    r"announced|won['’]t)\b.*$",
    re.I,
)
# Words between a show's name and a season marker: "Exits Emily in Paris Ahead of Season 5".
LINK_WORDS = frozenset(
    {"about", "after", "ahead", "amid", "as", "before", "following", "into", "since", "until",
     "with"}
)  # fmt: skip
# Words after a name that say which season without numbering it: "MHA Final Season".
SEASON_WITHOUT_NUMBER = re.compile(r"\s+(?:the\s+)?(?:final|last|new|next|first)\s+season$", re.I)
# A part of a season, not a show's name: what follows "Stranger Things 5" in a longer name.
SEASON_PART = re.compile(r"\b(?:vol(?:ume)?|act|episodes?|ep|chapter|part)\b", re.I)
MAX_NAME_WORDS = 8
MAX_NAME_CHARS = 60
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
APOSTROPHES = re.compile(r"['’‘`´ʼ]")


@dataclass(frozen=True, slots=True)
class _Marker:
    start: int
    end: int
    season: int | None
    strong: bool


@dataclass(frozen=True, slots=True)
class Segment:
    """The title text between a marker and the marker before it, where a show's name ends."""

    before: str
    season: int | None
    strong: bool  # a series marker: an unknown name before it is a new show
    says_season: bool = False  # the marker is a season's ("Season 2", "S2"), not "Part 2" or "5:"


def alias_key(name: str) -> str:
    """The key under which spellings of one show meet: NFKC, casefolded, "&" as "and",
    apostrophes dropped, other punctuation as spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = APOSTROPHES.sub("", text)
    text = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in text)
    return " ".join(text.split())


def marked_segments(title: str) -> list[Segment]:
    """For each season or show marker in a title, the text between it and the marker before
    it (where the show's name ends), with the season the marker states."""
    segments = []
    start = 0
    for marker in _markers(title):
        says_season = SEASON_WORD.search(title[marker.start : marker.end]) is not None
        segment = Segment(title[start : marker.start], marker.season, marker.strong, says_season)
        segments.append(segment)
        start = marker.end
    return segments


def _markers(title: str) -> list[_Marker]:
    found = [
        _marker(match, pattern is not WEAK_MARKER)
        for pattern in MARKERS
        for match in pattern.finditer(title)
    ]
    found = [marker for marker in found if _plausible_marker(title, marker)]
    kept: list[_Marker] = []
    # Earliest first, and the longer one where two start together; overlaps are one marker.
    for marker in sorted(found, key=lambda m: (m.start, -m.end)):
        if not kept or marker.start >= kept[-1].end:
            kept.append(marker)
    return kept


def _plausible_marker(title: str, marker: _Marker) -> bool:
    if marker.season is not None and marker.season > MAX_SEASON:
        return False
    before = title[: marker.start].split()
    return not (before and alias_key(before[-1]) in UNIT_WORDS and title[marker.start] == " ")


def _marker(match: re.Match[str], strong: bool) -> _Marker:
    groups = match.groupdict()
    number, ordinal = groups.get("number"), groups.get("ordinal")
    season = None if number is None else SEASON_WORDS.get(number.lower()) or int(number)
    if ordinal is not None:
        season = ORDINALS[ordinal.lower()]
    return _Marker(match.start(), match.end(), season, strong)


def name_before(segment: str) -> str | None:
    """The show name at the end of the title text before a marker, or None."""
    clause = NAME_BOUNDARY.split(segment)[-1]
    quoted = QUOTED_END.search(clause)
    if quoted is not None:  # "K-Drama 'Moving' Season 2": the quotes mark the name
        return quoted["name"] if _plausible(quoted["name"]) else None
    name = _capitalised_tail(clause)
    name = LAST_HEADLINE_VERB.sub("", name)
    name = VERB_AFTER_NAME.sub("", name)
    name = _strip_repeatedly(name, (LEADING_FILLER, LEADING_CONNECTOR))
    name = POSSESSIVE_END.sub("", name.strip().strip(QUOTES).strip()).strip(QUOTES).strip()
    name = SEASON_WITHOUT_NUMBER.sub("", name)
    return name if _plausible(name) else None


def _capitalised_tail(text: str) -> str:
    # Titles are title-cased; the name is the run of capitalised words right before the
    # marker, so "BTS's Jin opens up about" leaves nothing and "Fans react to X" leaves "X".
    words = text.split()
    tail: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        # A short lowercase particle between capitalised words: "Oshi ni Ko", "Spy x Family".
        particle = bool(tail) and index > 0 and len(word) <= 2 and word.isalpha()
        particle = particle and word.lower() not in LIST_WORDS
        if not (_name_word(word) or (particle and _name_word(words[index - 1]))):
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
    if GENERIC_NUMBERED.fullmatch(name) or alias_key(words[-1]) in GENERIC_LAST_WORDS:
        return False
    if not (name[-1].isalnum() or name[-1] in ".!?)"):  # "-Arise from the Shadow-"
        return False
    if INNER_QUOTE.search(name):  # "Wicked: For Good' Is Basically Wicked"
        return False
    return alias_key(name) not in GENERIC_NAMES and YEAR.search(name) is None
