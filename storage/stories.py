"""Which story a text belongs to: stored candidates by same text and shared LSH band keys, the
judge's verdict on them, and setting copy links again after texts change."""

# A story is an original article and its copies; every copy points at the original directly.
# The policy that says whether one signature copies another (pipeline.dedup) reaches this module
# as a CopyJudge, so storage imports nothing from pipeline.

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from storage import statements
from storage.driver import execute_plain
from storage.models import Article, ArticleBand
from storage.records import CopyJudge

# Near-duplicate candidates judged per text: those sharing the most band keys with it.
MAX_CANDIDATES = 20

# Bound parameters per look-up: far below SQLite's limit (32,766) and cheap on PostgreSQL.
_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Probe:
    """What is needed to find a text's story: its hash, signature, band keys and date."""

    text_hash: str
    minhash: bytes
    shingles: int
    bands: tuple[int, ...]
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article that may be copied by a probe. ``key`` is its id (negative for an article of
    the batch being saved, not yet stored); ``story`` the key of its story's original."""

    key: int
    story: int
    text_hash: str
    minhash: bytes
    shingles: int
    story_published: datetime | None
    shared: int = 0  # band keys shared with the probe


@dataclass(frozen=True, slots=True)
class Match:
    """The story a text copies, by the key of its original, and how alike the two texts are."""

    story: int
    similarity: float
    story_published: datetime | None


def best_match(
    candidates: Iterable[Candidate], probe: Probe, judge: CopyJudge | None
) -> Match | None:
    """The story whose member is most like the probe: a member with the same text first, else
    (given a judge) the one the judge finds most alike. Candidates come best-ranked first."""
    best: Match | None = None
    for candidate in candidates:
        if candidate.text_hash == probe.text_hash:
            return Match(candidate.story, 1.0, candidate.story_published)
        if judge is None or not candidate.minhash or not probe.minhash:
            continue
        found = judge(candidate.minhash, candidate.shingles, probe.minhash, probe.shingles)
        if found is not None and (best is None or found > best.similarity):
            best = Match(candidate.story, found, candidate.story_published)
    return best


class StoredCandidates:
    """The stored articles a set of probes may copy, fetched at once: those with the same text
    as any probe and those sharing band keys with any, with what judging them needs."""

    def __init__(self, session: Session, probes: Sequence[Probe], exclude: int = -1) -> None:
        self._same_text: dict[str, Candidate] = {}
        self._by_key: dict[int, list[int]] = defaultdict(list)
        self._rows: dict[int, Candidate] = {}
        hashes = sorted({probe.text_hash for probe in probes})
        for row in _fetch(session, statements.STORY_ROWS_BY_TEXT, "hashes", hashes):
            candidate = _candidate(row)
            if candidate.key != exclude and _better_same_text(candidate, self._same_text):
                self._same_text[candidate.text_hash] = candidate
        keys = sorted({key for probe in probes for key in probe.bands})
        for key, article_id in _band_rows(session, keys):
            if article_id != exclude:
                self._by_key[key].append(article_id)
        wanted = {top for probe in probes for top, _ in self._top(probe)}
        for row in _fetch(session, statements.STORY_ROWS_BY_ID, "ids", sorted(wanted)):
            self._rows[row.id] = _candidate(row)

    def candidates(self, probe: Probe) -> Iterator[Candidate]:
        """Best first: the stored article with the same text, then those sharing most keys."""
        same = self._same_text.get(probe.text_hash)
        if same is not None:
            yield same
        for article_id, shared in self._top(probe):
            row = self._rows.get(article_id)
            if row is not None and row.minhash:
                yield Candidate(
                    row.key, row.story, row.text_hash, row.minhash, row.shingles,
                    row.story_published, shared,
                )  # fmt: skip

    def _top(self, probe: Probe) -> list[tuple[int, int]]:
        shared = Counter(
            article_id for key in set(probe.bands) for article_id in self._by_key.get(key, ())
        )
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:MAX_CANDIDATES]


def _band_rows(session: Session, keys: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(key, article id) for every stored band key among ``keys``."""
    connection = session.connection()
    size = statements.BAND_CHUNK
    for start in range(0, len(keys), size):
        chunk = list(keys[start : start + size])
        chunk += [chunk[-1]] * (size - len(chunk))
        rows = execute_plain(connection, statements.BAND_ROWS, statements.BAND_KEYS, [tuple(chunk)])
        for key, article_id in rows:
            yield int(key), int(article_id)


def _fetch(
    session: Session, statement: object, name: str, values: Sequence[object]
) -> Iterator[Row]:
    connection = session.connection()
    for start in range(0, len(values), _CHUNK):
        yield from connection.execute(statement, {name: values[start : start + _CHUNK]})  # type: ignore[call-overload]


def _candidate(row: Row) -> Candidate:
    return Candidate(
        row.id, row.duplicate_of_id or row.id, row.text_hash, row.minhash or b"",
        row.shingles or 0, row.story_published,
    )  # fmt: skip


def _better_same_text(candidate: Candidate, chosen: dict[str, Candidate]) -> bool:
    """Prefer an original to a copy, then the earliest stored, among articles of one text."""
    current = chosen.get(candidate.text_hash)
    if current is None:
        return True
    rank = (candidate.story != candidate.key, candidate.key)
    return rank < (current.story != current.key, current.key)


def repoint_copies(
    session: Session, old_original: int, new_original: int, similarity: float
) -> None:
    """Make the old original, and every copy of it, copies of the new original."""
    session.execute(update(Article).where(Article.id == old_original).values(similarity=similarity))
    session.execute(
        update(Article)
        .where((Article.id == old_original) | (Article.duplicate_of_id == old_original))
        .values(duplicate_of_id=new_original)
    )


def relink_duplicates(session: Session, text_hashes: Iterable[str]) -> None:
    """Set duplicate_of again among the articles with each of these texts: the earliest
    published (else the first stored) is the original, every other one copies it."""
    for text_hash in set(text_hashes):
        members = list(
            session.scalars(
                select(Article)
                .where(Article.text_hash == text_hash)
                .order_by(Article.published.asc().nulls_last(), Article.id)
            )
        )
        for index, article in enumerate(members):
            article.duplicate_of_id = None if index == 0 else members[0].id
        # Copies of an article whose text moved on are not copies of it any more.
        ids = [member.id for member in members]
        session.execute(
            update(Article)
            .where(Article.duplicate_of_id.in_(ids), Article.text_hash != text_hash)
            .values(duplicate_of_id=None)
        )
    session.flush()


def relink_near_duplicates(session: Session, article_ids: Iterable[int], judge: CopyJudge) -> None:
    """Decide near-duplicate links again for articles whose text changed (after a reprocess):
    a copy that no longer matches its original stands alone; an original without copies that
    now matches an earlier story joins it."""
    for article_id in article_ids:
        article = session.get_one(Article, article_id)
        if article.minhash is None or article.shingles is None:
            continue
        if article.duplicate_of_id is not None:
            original = session.get_one(Article, article.duplicate_of_id)
            found = None
            if original.minhash is not None and original.shingles is not None:
                found = judge(
                    original.minhash, original.shingles, article.minhash, article.shingles
                )
            if article.text_hash == original.text_hash:
                found = 1.0
            article.duplicate_of_id = None if found is None else article.duplicate_of_id
            article.similarity = found
        elif not _has_copies(session, article_id):
            match = _near_original(session, article, judge)
            if match is not None and _is_earlier(session, match.story, article):
                article.duplicate_of_id, article.similarity = match.story, match.similarity
    session.flush()


def _near_original(session: Session, article: Article, judge: CopyJudge) -> Match | None:
    assert article.minhash is not None and article.shingles is not None
    bands = tuple(
        session.scalars(select(ArticleBand.key).where(ArticleBand.article_id == article.id))
    )
    probe = Probe(article.text_hash, article.minhash, article.shingles, bands)
    stored = StoredCandidates(session, [probe], exclude=article.id)
    best = best_match(stored.candidates(probe), probe, judge)
    return best if best is not None and best.story != article.id else None


def _has_copies(session: Session, article_id: int) -> bool:
    return (
        session.scalar(select(Article.id).where(Article.duplicate_of_id == article_id).limit(1))
        is not None
    )


def _is_earlier(session: Session, original_id: int, article: Article) -> bool:
    """Whether the stored original came first: published earlier, else stored earlier."""
    original = session.get_one(Article, original_id)
    if original.published is not None and article.published is not None:
        return original.published <= article.published
    return original.id < article.id


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a batch's new article goes: the story it copies (None: it is an original), how
    alike it is to it, and the story it took over by being published first (if any)."""

    original: int | None
    similarity: float | None
    displaced: int | None = None


class BatchStories:
    """Places each new article of a batch, in order, among the stored articles (fetched once
    for the batch) and the batch's earlier new articles, which are not stored yet.

    Keys are stored ids, or negative for the batch's own articles; ``story(key)`` follows the
    take-overs: an earlier-published copy arriving later becomes its story's original.
    """

    def __init__(self, stored: StoredCandidates, judge: CopyJudge | None) -> None:
        self._stored = stored
        self._judge = judge
        self._by_key: dict[int, list[Candidate]] = defaultdict(list)
        self._same_text: dict[str, Candidate] = {}
        self._published: dict[int, datetime | None] = {}
        self._moved: dict[int, int] = {}

    def place(self, key: int, probe: Probe) -> Placement:
        """Decide the story of the batch's next new article (``key`` < 0) and remember it."""
        match = best_match(self._candidates(probe), probe, self._judge)
        placement = Placement(None, None)
        if match is not None and _published_before(probe.published, match.story_published):
            self._moved[match.story] = key
            placement = Placement(None, match.similarity, displaced=match.story)
        elif match is not None:
            placement = Placement(match.story, match.similarity)
        if placement.original is None:
            self._published[key] = probe.published
        self._remember(key, probe, placement.original)
        return placement

    def story(self, key: int) -> int:
        """The key of the original of the story ``key`` stands for, after any take-overs."""
        while key in self._moved:
            key = self._moved[key]
        return key

    def _candidates(self, probe: Probe) -> Iterator[Candidate]:
        """Same text first, then by band keys shared; stored before the batch's on a tie."""
        found = list(self._stored.candidates(probe))
        same = self._same_text.get(probe.text_hash)
        if same is not None:
            found.append(same)
        members = [member for band in set(probe.bands) for member in self._by_key.get(band, ())]
        shared = Counter(member.key for member in members)
        found += [
            replace(member, shared=shared.pop(member.key))
            for member in members
            if member.key in shared
        ]
        found.sort(key=lambda c: (c.text_hash != probe.text_hash, -c.shared, c.key < 0, abs(c.key)))
        for candidate in found[: MAX_CANDIDATES + 1]:
            story = self.story(candidate.story)
            published = self._published.get(story, candidate.story_published)
            yield replace(candidate, story=story, story_published=published)

    def _remember(self, key: int, probe: Probe, original: int | None) -> None:
        member = Candidate(
            key, original if original is not None else key, probe.text_hash, probe.minhash,
            probe.shingles, None,
        )  # fmt: skip
        self._same_text.setdefault(probe.text_hash, member)
        for band in set(probe.bands):
            self._by_key[band].append(member)


def _published_before(published: datetime | None, story_published: datetime | None) -> bool:
    """Whether a new copy predates its story's original: the earliest publication wins."""
    return published is not None and story_published is not None and published < story_published
