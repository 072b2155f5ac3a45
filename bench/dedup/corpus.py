"""Real article texts, syndication-style edits, labelled near-duplicate pairs, a throughput corpus.

The articles are the human ground-truth texts of the two public extraction benchmarks
(bench/extraction/datasets.py); everything else is derived from them with a seeded random.Random,
so the same seed gives the same pairs and the same synthetic stream on every machine.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from bench.extraction import datasets

MIN_WORDS = 150
TITLE_CHARS = 120
SHORT_NAMES = {datasets.ZYTE: "zyte", datasets.WCXB: "wcxb"}
NEGATIVE_KINDS = ("same-site", "same-topic", "shared-block")
MAX_PAIRS_PER_SITE = 10
# A negative whose two source texts already share this much (word 5-shingles, of the shorter
# text) would be an ambiguous label: the data holds a page twice and template-sharing pages.
CLOSE_CONTAINMENT = 0.5
SHINGLE_WORDS = 5
TOPIC_SHARE = 0.02  # same-topic: words in more of the texts than this are left out
RESERVOIR = 256  # recent synthetic originals that a synthetic copy may be made from
SYNTHETIC_WORDS = (250, 600)
MAX_SENTENCE_WORDS = 40  # keeps synthetic articles inside SYNTHETIC_WORDS and apart

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SENTENCE_BREAK = re.compile(r"([.!?][\"”’')]?)\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_SENTENCE_END = re.compile(r"[.!?][\"”’')]?$")

ALSO_READ = ("Also Read:", "ALSO READ:", "Also read:", "Read More:", "READ MORE:", "Related:")
BOILERPLATE = (
    "WhatsApp Group Join Now",
    "Telegram Group Join Now",
    "Share this: Facebook Twitter WhatsApp",
    "Follow us on Google News",
    "Subscribe to our newsletter",
    "Join our WhatsApp Channel",
    "Click here to join our Telegram channel",
)
FALLBACK_LEADS = (
    "Here is everything we know so far.",
    "Fans have been waiting for this news for a long time.",
    "The announcement was made earlier this week.",
)
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "big": "large",
    "large": "big",
    "small": "little",
    "new": "latest",
    "also": "additionally",
    "start": "begin",
    "started": "began",
    "begin": "start",
    "help": "assist",
    "people": "individuals",
    "many": "numerous",
    "important": "significant",
    "however": "still",
    "recently": "lately",
    "reported": "revealed",
    "announced": "revealed",
    "revealed": "disclosed",
    "show": "series",
    "movie": "film",
    "film": "movie",
    "fans": "viewers",
    "actor": "star",
    "famous": "well-known",
    "popular": "well-liked",
    "big-screen": "cinema",
    "quickly": "rapidly",
    "often": "frequently",
    "begins": "starts",
    "buy": "purchase",
    "get": "obtain",
    "need": "require",
    "use": "utilise",
    "using": "utilising",
    "make": "create",
    "made": "created",
    "about": "around",
    "because": "since",
    "before": "prior to",
    "after": "following",
    "next": "upcoming",
    "latest": "newest",
    "show's": "series'",
    "huge": "massive",
    "great": "excellent",
    "good": "fine",
    "hard": "difficult",
    "easy": "simple",
    "job": "role",
    "shows": "reveals",
    "whole": "entire",
    "enough": "sufficient",
    "around": "about",
}
STOPWORDS = frozenset({
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "day", "get", "has", "him", "his", "how", "man", "new", "now", "old",
    "see", "two", "way", "who", "boy", "did", "its", "let", "put", "say", "she", "too", "use",
    "that", "with", "have", "this", "will", "your", "from", "they", "know", "want", "been",
    "good", "much", "some", "time", "very", "when", "come", "here", "just", "like", "long",
    "make", "many", "more", "only", "over", "such", "take", "than", "them", "well", "were",
    "what", "which", "their", "there", "would", "about", "after", "again", "being", "could",
    "every", "first", "other", "these", "those", "where", "while", "should", "because", "into",
    "also", "said", "says", "most", "then", "year", "years",
})  # fmt: skip
SURNAMES = (
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
    "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
)  # fmt: skip
SYLLABLES = (
    "Min", "Ji", "Seo", "Hyun", "Woo", "Jin", "Soo", "Young", "Eun", "Ha",
    "Joon", "Hee", "Yeon", "Ho", "Kyung", "Da", "Bin", "Na", "Rae", "Sung",
    "Tae", "Won", "Mi", "Jae", "Yoon", "Rin", "Hwa", "Gyu", "Chan", "Hye",
)  # fmt: skip
ROLES = (
    "a rookie detective", "his estranged wife", "a top-star actress", "the crown prince",
    "a genius surgeon", "her childhood friend", "the chaebol heir", "a webtoon artist",
)  # fmt: skip
CAST_HEADERS = ("Cast:", "Main cast:", "The cast includes:", "Cast and characters:")
_LOWER_FIRST = frozenset({
    "the", "a", "an", "it", "this", "that", "in", "on", "at", "as", "but", "and",
    "so", "when", "while", "after", "before", "if", "for", "with",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Article:
    """One real article: a benchmark page's human ground-truth text."""

    id: str
    site: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Pair:
    """Two texts, whether b is a copy of a, and how b was made (an edit or a negative kind)."""

    a: str
    b: str
    label: bool
    kind: str
    a_id: str
    b_id: str


Edit = Callable[[str, random.Random, Sequence[Article]], str]


# --- the real articles ---------------------------------------------------------------------


def articles() -> list[Article]:
    """Both data sets' ground-truth texts of >= MIN_WORDS words, each page once, in id order."""
    return list(_articles())


@cache
def _articles() -> tuple[Article, ...]:
    """The articles, loaded once per process."""
    found: list[Article] = []
    seen: set[str] = set()
    for name in datasets.available():
        for page in datasets.load(name):
            text = page.truth.strip()
            key = _url_key(page.url)
            if len(text.split()) < MIN_WORDS or (key and key in seen):
                continue
            seen.add(key)
            article_id = f"{SHORT_NAMES[name]}/{page.id}"
            found.append(Article(article_id, _site(page.url), _title(text), text))
    return tuple(found)


def _site(url: str) -> str:
    """The URL's host without www. ('' for no URL)."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _url_key(url: str) -> str:
    """The page's address without scheme, www. and trailing slash ('' when it has none)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{_site(url)}{parts.path.rstrip('/')}{query}"


def _title(text: str) -> str:
    """The text's first line, at most TITLE_CHARS characters."""
    return text.split("\n", 1)[0].strip()[:TITLE_CHARS]


# --- text pieces -----------------------------------------------------------------------------


def _paragraphs(text: str) -> tuple[list[str], str]:
    """The text's paragraphs and its separator: blank lines when it has any, else newlines."""
    if _BLANK_LINE.search(text):
        parts, sep = _BLANK_LINE.split(text), "\n\n"
    else:
        parts, sep = text.split("\n"), "\n"
    return [part.strip() for part in parts if part.strip()], sep


def _sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences (a line break ends one too), each a substring of it."""
    sentences: list[str] = []
    for line in paragraph.split("\n"):
        parts = _SENTENCE_BREAK.split(line)
        ends = [*parts[1::2], ""]
        sentences += [body + end for body, end in zip(parts[::2], ends, strict=True)]
    return [sentence for sentence in sentences if sentence.strip()]


def _units(text: str) -> tuple[list[str], str]:
    """Paragraphs, or the sentences of a text that is one paragraph, with their separator."""
    paragraphs, sep = _paragraphs(text)
    if len(paragraphs) > 1:
        return paragraphs, sep
    return _sentences(paragraphs[0]) if paragraphs else [], " "


def _insertable(text: str) -> tuple[list[str], str]:
    """Paragraphs to put a block between; a one-paragraph text is split at a middle sentence."""
    paragraphs, sep = _paragraphs(text)
    if len(paragraphs) == 1:
        sentences = _sentences(paragraphs[0])
        if len(sentences) > 1:
            middle = len(sentences) // 2
            return [" ".join(sentences[:middle]), " ".join(sentences[middle:])], "\n"
    return paragraphs, sep


def _insert(text: str, block: str, rng: random.Random, where: str) -> str:
    """The text with block as a paragraph of its own at the start, the end or in the middle."""
    paragraphs, sep = _insertable(text)
    if where == "start":
        index = 0
    elif where == "end" or len(paragraphs) < 2:
        index = len(paragraphs)
    else:
        index = rng.randint(1, len(paragraphs) - 1)
    return sep.join([*paragraphs[:index], block, *paragraphs[index:]])


def _count(text: str) -> int:
    """The number of whitespace-separated words."""
    return len(text.split())


def _replace_once(text: str, old: str, new: str) -> str:
    """The text with the first occurrence of old (which it contains) replaced by new."""
    index = text.find(old)
    return text[:index] + new + text[index + len(old) :]


def _cut_words(text: str, rng: random.Random) -> str:
    """Fallback for a text without paragraphs or sentences: a run of 5-15 % of words removed."""
    words = text.split()
    cut = max(1, round(len(words) * rng.uniform(0.05, 0.15)))
    start = rng.randint(1, max(1, len(words) - cut))
    return " ".join(words[:start] + words[start + cut :])


def _donor(rng: random.Random, pool: Sequence[Article], text: str) -> Article | None:
    """Another article of the pool (None when the pool has none)."""
    for _ in range(8):
        if not pool:
            return None
        article = rng.choice(pool)
        if article.text != text:
            return article
    return None


def _donor_sentence(rng: random.Random, pool: Sequence[Article], text: str) -> str:
    """One of another article's first sentences (6-40 words) that the text does not contain."""
    for _ in range(8):
        donor = _donor(rng, pool, text)
        if donor is None:
            break
        sentences = _sentences(_paragraphs(donor.text)[0][0])[:3]
        fitting = [s for s in sentences if 6 <= _count(s) <= 40 and s not in text]
        if fitting:
            return rng.choice(fitting)
    return next((lead for lead in FALLBACK_LEADS if lead not in text), "Read on for more.")


def _run(sentences: Sequence[str], start: int, low: int, high: int) -> str:
    """Consecutive sentences from start up to high words (words cut when one is longer)."""
    taken: list[str] = []
    total = 0
    for sentence in sentences[start:]:
        if total + _count(sentence) > high:
            if total < low:
                taken.append(" ".join(sentence.split()[: high - total]))
            break
        taken.append(sentence)
        total += _count(sentence)
        if total >= low:
            break
    return " ".join(taken)


def _donor_paragraph(
    rng: random.Random, pool: Sequence[Article], text: str, low: int, high: int
) -> str:
    """A paragraph of another article of low-high words (sentences taken when none fits)."""
    for _ in range(8):
        donor = _donor(rng, pool, text)
        if donor is None:
            break
        paragraphs = _paragraphs(donor.text)[0]
        fitting = [p for p in paragraphs if low <= _count(p) <= high and p not in text]
        if fitting:
            return rng.choice(fitting)
        sentences = [s for paragraph in paragraphs for s in _sentences(paragraph)]
        block = _run(sentences, rng.randrange(len(sentences)), low, high)
        if _count(block) >= low and block not in text:
            return block
    return " ".join(FALLBACK_LEADS)


def _headline(article: Article) -> str:
    """The article's title as a headline: its first sentence, at most 14 words."""
    first = _sentences(article.title)[0] if article.title else article.text[:80]
    return " ".join(first.split()[:14]).rstrip(".,;:")


# --- syndication edits -------------------------------------------------------------------------


def new_first_sentence(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Replace the first sentence with another article's lead, or put that lead before it."""
    lead = _donor_sentence(rng, pool, text)
    first = _sentences(_paragraphs(text)[0][0])[0]
    if rng.random() < 0.5 and _count(first) <= 0.2 * _count(text):
        return _replace_once(text, first, lead)
    return _replace_once(text, first, f"{lead} {first}")


def drop_paragraph(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Remove one paragraph other than the first (a sentence, when each is over a third of
    the text or the text is one paragraph)."""
    units, sep = _units(text)
    if len(units) < 2:
        return _cut_words(text, rng)
    small = [i for i in range(1, len(units)) if _count(units[i]) <= 0.35 * _count(text)]
    if small:
        drop = rng.choice(small)
        return sep.join(units[:drop] + units[drop + 1 :])
    sentences = [s for unit in units[1:] for s in _sentences(unit)]
    if len(sentences) < 2:
        return _cut_words(text, rng)
    return _replace_once(text, rng.choice(sentences), "")


def add_paragraph(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Insert a paragraph (15-120 words) of another article after the first paragraph."""
    block = _donor_paragraph(rng, pool, text, 15, 120)
    return _insert(text, block, rng, rng.choice(("middle", "end")))


def insert_also_read(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Insert an 'Also Read: <another article's title>' line between two paragraphs."""
    donor = _donor(rng, pool, text)
    headline = _headline(donor) if donor else "Everything we know so far"
    return _insert(text, f"{rng.choice(ALSO_READ)} {headline}", rng, "middle")


def inject_boilerplate(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Insert 1-3 lines of share/join/follow boilerplate at one or two of start, middle, end."""
    for where in rng.sample(("start", "middle", "end"), rng.randint(1, 2)):
        lines = rng.sample(BOILERPLATE, rng.randint(1, 3))
        text = _insert(text, "\n".join(lines), rng, where)
    return text


def truncate(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Keep the first 50-80 % of paragraphs (at least one, never all)."""
    units, sep = _units(text)
    if len(units) < 2:
        words = text.split()
        return " ".join(words[: max(1, round(len(words) * rng.uniform(0.5, 0.8)))])
    keep = round(len(units) * rng.uniform(0.5, 0.8))
    return sep.join(units[: min(len(units) - 1, max(1, keep))])


def typos(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Swap two letters or drop one in 1-3 % of the words (of four letters or more)."""
    found = list(_LONG_WORD.finditer(text))
    if not found:
        return _cut_words(text, rng)
    count = max(1, round(len(found) * rng.uniform(0.01, 0.03)))
    pieces: list[str] = []
    last = 0
    for index in sorted(rng.sample(range(len(found)), count)):
        match = found[index]
        pieces += [text[last : match.start()], _typo(match.group(), rng)]
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _typo(word: str, rng: random.Random) -> str:
    """The word with two inner neighbours swapped (when they differ) or one inner letter gone."""
    i = rng.randint(1, len(word) - 2)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def reword_sentence(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Reword one sentence: a few words swapped for synonyms, or its two clauses swapped."""
    sentences = [s for p in _paragraphs(text)[0] for s in _sentences(p)]
    order = rng.sample(range(len(sentences)), len(sentences))
    methods = [(_synonym_words, _use_synonyms), (_clause_split, _swap_clauses)]
    if rng.random() < 0.5:
        methods.reverse()
    for usable, reword in methods:
        sentence = next((sentences[i] for i in order if usable(sentences[i])), None)
        if sentence is not None:
            return _replace_once(text, sentence, reword(sentence, rng))
    return typos(text, rng, pool)


def _synonym_words(sentence: str) -> list[re.Match[str]]:
    """The sentence's words that SYNONYMS has a replacement for."""
    return [m for m in _WORD.finditer(sentence) if m.group().lower() in SYNONYMS]


def _use_synonyms(sentence: str, rng: random.Random) -> str:
    """The sentence with 1-3 of its words replaced by synonyms, in the original's case."""
    found = _synonym_words(sentence)
    chosen = sorted(rng.sample(found, min(len(found), rng.randint(1, 3))), key=lambda m: m.start())
    pieces: list[str] = []
    last = 0
    for match in chosen:
        word = match.group()
        synonym = SYNONYMS[word.lower()]
        if word.isupper() and len(word) > 1:
            synonym = synonym.upper()
        elif word[0].isupper():
            synonym = synonym[0].upper() + synonym[1:]
        pieces += [sentence[last : match.start()], synonym]
        last = match.end()
    pieces.append(sentence[last:])
    return "".join(pieces)


def _clause_split(sentence: str) -> int | None:
    """Where a comma splits the sentence into two clauses of three words or more."""
    for match in re.finditer(r", ", sentence):
        if _count(sentence[: match.start()]) >= 3 and _count(sentence[match.end() :]) >= 3:
            return match.start()
    return None


def _swap_clauses(sentence: str, rng: random.Random) -> str:
    """'A, B.' as 'B, a.' (the first word lowered only when it is a function word)."""
    split = _clause_split(sentence)
    assert split is not None
    left, right = sentence[:split], sentence[split + 2 :]
    end_match = _SENTENCE_END.search(right)
    end = end_match.group() if end_match else ""
    body = right[: len(right) - len(end)]
    first, _, rest = left.partition(" ")
    if first.lower() in _LOWER_FIRST:
        left = f"{first.lower()} {rest}"
    return f"{body[:1].upper()}{body[1:]}, {left}{end}"


_SIMPLE_EDITS: dict[str, Edit] = {
    "new_first_sentence": new_first_sentence,
    "drop_paragraph": drop_paragraph,
    "add_paragraph": add_paragraph,
    "insert_also_read": insert_also_read,
    "inject_boilerplate": inject_boilerplate,
    "truncate": truncate,
    "typos": typos,
    "reword_sentence": reword_sentence,
}


def combined(text: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """Two or three of the other edits, one after the other."""
    for kind in rng.sample(sorted(_SIMPLE_EDITS), rng.randint(2, 3)):
        text = _SIMPLE_EDITS[kind](text, rng, pool)
    return text


EDITS: dict[str, Edit] = {**_SIMPLE_EDITS, "combined": combined}
KINDS = tuple(EDITS)


def copy_of(text: str, kind: str, rng: random.Random, pool: Sequence[Article]) -> str:
    """The text edited by one edit kind; always different from the text."""
    edited = EDITS[kind](text, rng, pool)
    return edited if edited != text else _cut_words(text, rng)


# --- labelled pairs ----------------------------------------------------------------------------


def pairs(seed: int = 1, source: Sequence[Article] | None = None) -> list[Pair]:
    """One edited copy per article (positives), then at least as many negatives of three kinds."""
    corpus = list(articles() if source is None else source)
    rng = random.Random(seed)
    positives = _positives(corpus, rng)
    return positives + _negatives(corpus, rng, len(positives))


def _positives(corpus: list[Article], rng: random.Random) -> list[Pair]:
    """Each article and an edited copy, the edit kinds taken in turn over a shuffled order."""
    order = corpus[:]
    rng.shuffle(order)
    result: list[Pair] = []
    for index, article in enumerate(order):
        kind = KINDS[index % len(KINDS)]
        copy = copy_of(article.text, kind, rng, corpus)
        result.append(Pair(article.text, copy, True, kind, article.id, article.id))
    return result


def _negatives(corpus: list[Article], rng: random.Random, wanted: int) -> list[Pair]:
    """Same-site and same-topic pairs of originals, then shared-block pairs up to wanted."""
    words = [article.text.lower().split() for article in corpus]
    close = _Closeness(corpus, words)
    taken: set[tuple[str, str]] = set()
    result: list[Pair] = []
    candidates = [("same-site", pair) for pair in _same_site(corpus, rng)]
    candidates += [("same-topic", pair) for pair in _same_topic(corpus, words)]
    for kind, (x, y) in candidates:
        key = (min(x.id, y.id), max(x.id, y.id))
        if key in taken or close(x, y):
            continue
        taken.add(key)
        result.append(Pair(x.text, y.text, False, kind, x.id, y.id))
    shared = max(len(corpus) // 2, wanted - len(result))
    return result + _shared_block(corpus, rng, shared, close)


class _Closeness:
    """Whether two articles already share much text (word 5-shingles, of the shorter).

    Shingles are kept as Python hashes: only compared within one process, where they are stable.
    """

    def __init__(self, corpus: list[Article], words: list[list[str]]) -> None:
        self._words = {article.id: tokens for article, tokens in zip(corpus, words, strict=True)}
        self._shingles: dict[str, set[int]] = {}

    def __call__(self, x: Article, y: Article) -> bool:
        """True when most of the shorter text's shingles are in the other text."""
        a, b = self._of(x), self._of(y)
        smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
        return len(smaller & larger) >= CLOSE_CONTAINMENT * max(1, len(smaller))

    def _of(self, article: Article) -> set[int]:
        if article.id not in self._shingles:
            tokens = self._words[article.id]
            grams = zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)
            self._shingles[article.id] = set(map(hash, grams))
        return self._shingles[article.id]


def _same_site(corpus: list[Article], rng: random.Random) -> list[tuple[Article, Article]]:
    """Pairs of different articles from one site (at most MAX_PAIRS_PER_SITE per site)."""
    by_site: defaultdict[str, list[Article]] = defaultdict(list)
    for article in corpus:
        if article.site:
            by_site[article.site].append(article)
    result: list[tuple[Article, Article]] = []
    for site in sorted(by_site):
        combos = list(itertools.combinations(by_site[site], 2))
        if len(combos) > MAX_PAIRS_PER_SITE:
            combos = rng.sample(combos, MAX_PAIRS_PER_SITE)
        result += combos
    return result


def _same_topic(corpus: list[Article], words: list[list[str]]) -> list[tuple[Article, Article]]:
    """Each article with its nearest other article (cosine over topical word counts)."""
    bags = _topic_bags(words)
    norms = [math.sqrt(sum(c * c for c in bag.values())) or 1.0 for bag in bags]
    postings: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, bag in enumerate(bags):
        for word, count in bag.items():
            postings[word].append((index, count))
    result: list[tuple[Article, Article]] = []
    for index, bag in enumerate(bags):
        scores: defaultdict[int, int] = defaultdict(int)
        for word, count in bag.items():
            for other, other_count in postings[word]:
                scores[other] += count * other_count
        scores.pop(index, None)
        if scores:
            nearest = max(scores, key=lambda j: (scores[j] / norms[j], -j))
            result.append((corpus[index], corpus[nearest]))
    return result


def _topic_bags(words: list[list[str]]) -> list[dict[str, int]]:
    """Counts of the topical words: lowercased, 3+ letters (no punctuation attached), no stopword,
    in 2 to TOPIC_SHARE of the texts (a word of one text links nothing; common words say little
    and cost the most)."""
    frequency: Counter[str] = Counter()
    for tokens in words:
        frequency.update(set(tokens))
    limit = max(5, round(len(words) * TOPIC_SHARE))
    topical = {
        word
        for word, texts in frequency.items()
        if 2 <= texts <= limit and len(word) > 2 and word.isalpha() and word not in STOPWORDS
    }
    bags: list[dict[str, int]] = []
    for tokens in words:
        counts = Counter(tokens)
        bags.append({word: counts[word] for word in sorted(counts.keys() & topical)})
    return bags


def _shared_block(
    corpus: list[Article], rng: random.Random, wanted: int, close: _Closeness
) -> list[Pair]:
    """Pairs of different articles that both got the same cast list or the same paragraph."""
    result: list[Pair] = []
    used: set[tuple[str, str]] = set()
    for _ in range(50):
        if len(result) >= wanted or len(corpus) < 2:
            break
        order = corpus[:]
        rng.shuffle(order)
        for x, y in zip(order[::2], order[1::2], strict=False):
            key = (min(x.id, y.id), max(x.id, y.id))
            if len(result) >= wanted or key in used or close(x, y):
                continue
            used.add(key)
            block = _block(rng, corpus, x, y, len(result))
            a = _insert(x.text, block, rng, rng.choice(("middle", "end")))
            b = _insert(y.text, block, rng, rng.choice(("middle", "end")))
            result.append(Pair(a, b, False, "shared-block", x.id, y.id))
    return result


def _block(rng: random.Random, pool: Sequence[Article], x: Article, y: Article, n: int) -> str:
    """A made-up cast list (even n) or a third article's 60-120-word paragraph (odd n)."""
    if n % 2 == 0:
        return cast_list(rng)
    picks = (rng.choice(pool) for _ in range(8))
    third = next((a for a in picks if a.id not in (x.id, y.id)), None)
    return _donor_paragraph(rng, [third] if third else pool, x.text, 60, 120)


def cast_list(rng: random.Random) -> str:
    """A header and 8-15 'Name as Role' lines of made-up Korean-style names."""
    names: list[str] = []
    size = rng.randint(8, 15)
    while len(names) < 2 * size:
        name = korean_name(rng)
        if name not in names:
            names.append(name)
    lines = [rng.choice(CAST_HEADERS)]
    for actor, role in zip(names[::2], names[1::2], strict=True):
        extra = f", {rng.choice(ROLES)}" if rng.random() < 0.3 else ""
        lines.append(f"{actor} as {role}{extra}")
    return "\n".join(lines)


def korean_name(rng: random.Random) -> str:
    """A made-up Korean-style name such as 'Park Seo-rin'."""
    given = f"{rng.choice(SYLLABLES)}-{rng.choice(SYLLABLES).lower()}"
    return f"{rng.choice(SURNAMES)} {given}"


# --- throughput corpus -------------------------------------------------------------------------


def synthetic_articles(
    n: int, seed: int = 1, copy_share: float = 0.1
) -> Iterator[tuple[str, str | None]]:
    """n (text, copy_of) items made lazily from real sentences; about copy_share of them are
    edited copies of a recent original (copy_of: its 0-based position in the stream, as str;
    None for an original)."""
    sources = _sentence_pool()
    if not sources:
        raise LookupError("no articles: the public data sets are absent (see bench/README.md)")
    pool = _articles()
    rng = random.Random(seed)
    recent: deque[tuple[int, str]] = deque(maxlen=RESERVOIR)
    for index in range(n):
        if recent and rng.random() < copy_share:
            original_index, original = rng.choice(recent)
            yield copy_of(original, rng.choice(KINDS), rng, pool), str(original_index)
        else:
            text = _compose(rng, sources)
            recent.append((index, text))
            yield text, None


@cache
def _sentence_pool() -> tuple[str, ...]:
    """The articles' distinct sentences of 5 to MAX_SENTENCE_WORDS words, whitespace collapsed."""
    found: dict[str, None] = {}
    for article in _articles():
        for paragraph in _paragraphs(article.text)[0]:
            for sentence in _sentences(paragraph):
                if 5 <= _count(sentence) <= MAX_SENTENCE_WORDS:
                    found[" ".join(sentence.split())] = None
    return tuple(found)


def _compose(rng: random.Random, sentences: Sequence[str]) -> str:
    """An article of 250-600 words: paragraphs of 2-5 sentences, each drawn on its own from the
    whole pool (runs of consecutive sentences would make originals share whole paragraphs)."""
    low, high = SYNTHETIC_WORDS
    target = rng.randint(low, high)
    paragraphs: list[list[str]] = []
    total = 0
    while total < target:
        sentence = rng.choice(sentences)
        if total + _count(sentence) > high:
            break  # already over high - MAX_SENTENCE_WORDS >= low words
        if not paragraphs or len(paragraphs[-1]) >= rng.randint(2, 5):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
        total += _count(sentence)
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)
