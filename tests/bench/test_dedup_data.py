"""The near-duplicate benchmark data: edits that behave like syndication, honest labels."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from bench.dedup import corpus
from bench.dedup.corpus import Article, Pair
from bench.extraction import datasets

needs_data = pytest.mark.skipif(
    not datasets.available(),
    reason=f"public data sets not found under {datasets.DATA_ROOT} (see bench/README.md)",
)

SENTENCES = [
    f"Sentence number {n} tells the {word} story of the show and its cast."
    for n, word in enumerate(["first", "second", "third", "fourth", "fifth", "sixth"] * 4)
]
POOL = [
    Article(f"fake/{n}", "example.com", f"Headline {n}", f"Donor {n} lead line here.\n\n{s}")
    for n, s in enumerate(SENTENCES)
]


def made_up_text(sep: str, paragraphs: int = 10) -> str:
    """A text of numbered two-sentence paragraphs joined by sep."""
    return sep.join(f"{SENTENCES[i]} {SENTENCES[i + 1]}" for i in range(paragraphs))


def words(text: str) -> set[str]:
    """The text's lowercased words."""
    return set(re.findall(r"\w+", text.lower()))


# --- edits, on made-up text (no data needed) ----------------------------------------------------


@pytest.mark.parametrize("sep", ["\n\n", "\n"])
def test_drop_paragraph_removes_one_later_paragraph_with_either_separator(sep: str) -> None:
    text = made_up_text(sep)
    original = text.split(sep)
    for seed in range(20):
        kept = corpus.drop_paragraph(text, random.Random(seed), POOL).split(sep)
        assert len(kept) == len(original) - 1
        assert kept[0] == original[0]
        assert all(paragraph in original for paragraph in kept)


@pytest.mark.parametrize("sep", ["\n\n", "\n"])
def test_truncate_keeps_the_first_half_to_four_fifths_of_paragraphs(sep: str) -> None:
    text = made_up_text(sep)
    for seed in range(20):
        kept = corpus.truncate(text, random.Random(seed), POOL)
        assert text.startswith(kept)
        assert 5 <= len(kept.split(sep)) <= 8


@pytest.mark.parametrize("kind", corpus.KINDS)
def test_every_edit_changes_the_text_and_repeats_for_a_seed(kind: str) -> None:
    text = made_up_text("\n\n")
    edit = corpus.EDITS[kind]
    for seed in range(5):
        edited = edit(text, random.Random(seed), POOL)
        assert edited != text
        assert edited == edit(text, random.Random(seed), POOL)


def test_typos_touch_few_words() -> None:
    text = made_up_text("\n\n")
    before, after = text.split(), corpus.typos(text, random.Random(1), POOL).split()
    assert len(before) == len(after)
    assert 1 <= sum(x != y for x, y in zip(before, after, strict=True)) <= 0.03 * len(before) + 1


def test_boilerplate_and_also_read_lines_are_added_whole() -> None:
    text = made_up_text("\n")
    boiled = corpus.inject_boilerplate(text, random.Random(2), POOL)
    assert any(line in corpus.BOILERPLATE for line in boiled.split("\n"))
    linked = corpus.insert_also_read(text, random.Random(2), POOL).split("\n")
    assert sum(line.startswith(corpus.ALSO_READ) for line in linked) == 1


def test_cast_list_is_a_header_and_8_to_15_name_as_role_lines() -> None:
    for seed in range(20):
        header, *lines = corpus.cast_list(random.Random(seed)).split("\n")
        assert header in corpus.CAST_HEADERS
        assert 8 <= len(lines) <= 15
        assert all(re.match(r"[A-Z][a-z]+ [A-Z][a-z]+-[a-z]+ as [A-Z]", line) for line in lines)


# --- pairs and the throughput stream, on the real articles --------------------------------------


@pytest.fixture(scope="module")
def sample() -> list[Article]:
    """Articles of sites with several (for same-site pairs) and every tenth of the rest."""
    everything = corpus.articles()
    sites = Counter(article.site for article in everything)
    shared = [a for a in everything if a.site and sites[a.site] > 1][:40]
    chosen = {article.id for article in shared}
    return shared + [a for a in everything if a.id not in chosen][::10]


@pytest.fixture(scope="module")
def sample_pairs(sample: list[Article]) -> list[Pair]:
    """The sample's pairs for seed 1."""
    return corpus.pairs(1, sample)


@needs_data
def test_articles_are_long_enough_and_unique(sample: list[Article]) -> None:
    everything = corpus.articles()
    assert len(everything) > 500
    assert all(len(article.text.split()) >= corpus.MIN_WORDS for article in everything)
    assert len({article.id for article in everything}) == len(everything)
    assert len({article.text for article in everything}) == len(everything)
    assert all(not article.site.startswith("www.") for article in everything)


@needs_data
def test_pairs_are_deterministic_for_a_seed(sample: list[Article]) -> None:
    few = sample[::6]
    first = corpus.pairs(1, few)
    assert corpus.pairs(1, few) == first
    assert corpus.pairs(2, few) != first


@needs_data
def test_every_edit_kind_is_well_represented_among_positives(sample_pairs: list[Pair]) -> None:
    positives = [pair for pair in sample_pairs if pair.label]
    kinds = Counter(pair.kind for pair in positives)
    assert set(kinds) == set(corpus.KINDS)
    assert min(kinds.values()) >= len(positives) // len(corpus.KINDS)


@needs_data
def test_positives_differ_from_their_source_but_keep_most_of_its_words(
    sample: list[Article], sample_pairs: list[Pair]
) -> None:
    texts = {article.id: article.text for article in sample}
    positives = [pair for pair in sample_pairs if pair.label]
    assert len(positives) == len(sample)
    for pair in positives:
        assert pair.a_id == pair.b_id and pair.a == texts[pair.a_id]
        assert pair.b != pair.a
        a, b = words(pair.a), words(pair.b)
        assert len(a & b) >= 0.5 * min(len(a), len(b)), pair.kind


@needs_data
def test_negatives_outnumber_positives_and_pair_different_articles(
    sample: list[Article], sample_pairs: list[Pair]
) -> None:
    by_id = {article.id: article for article in sample}
    negatives = [pair for pair in sample_pairs if not pair.label]
    assert len(negatives) >= len(sample)
    assert {pair.kind for pair in negatives} == set(corpus.NEGATIVE_KINDS)
    for pair in negatives:
        assert pair.a_id != pair.b_id
        if pair.kind == "same-site":
            assert by_id[pair.a_id].site == by_id[pair.b_id].site != ""
        if pair.kind in ("same-site", "same-topic"):
            assert (pair.a, pair.b) == (by_id[pair.a_id].text, by_id[pair.b_id].text)


@needs_data
def test_shared_block_negatives_share_a_long_block_their_sources_lack(
    sample: list[Article], sample_pairs: list[Pair]
) -> None:
    texts = {article.id: article.text for article in sample}
    shared_block = [pair for pair in sample_pairs if pair.kind == "shared-block"]
    assert shared_block
    for pair in shared_block:
        new_in_a = set(pair.a.split("\n")) - set(texts[pair.a_id].split("\n"))
        new_in_b = set(pair.b.split("\n")) - set(texts[pair.b_id].split("\n"))
        block = new_in_a & new_in_b
        assert sum(len(line.split()) for line in block) >= 40


@needs_data
def test_no_pair_has_identical_texts(sample_pairs: list[Pair]) -> None:
    assert all(pair.a != pair.b for pair in sample_pairs)


@needs_data
def test_synthetic_articles_are_distinct_with_about_the_requested_copy_share() -> None:
    stream = corpus.synthetic_articles(2000, seed=1, copy_share=0.1)
    assert isinstance(stream, Iterator)
    items = list(stream)
    assert len(items) == 2000
    assert len({text for text, _ in items}) == 2000
    copies = [(index, key) for index, (_, key) in enumerate(items) if key is not None]
    assert 0.07 <= len(copies) / len(items) <= 0.13
    for index, key in copies:
        assert int(key) < index and items[int(key)][1] is None
    originals = [text for text, key in items if key is None]
    assert all(250 <= len(text.split()) <= 600 for text in originals)
