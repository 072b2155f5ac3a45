"""The whole pure pipeline on the fixture pages: identity, fingerprint and shows together."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.dedup import fingerprint
from pipeline.errors import NotAnArticle
from pipeline.process import process_page
from tests.pipeline.pipeline_pages import (
    LISTING_URL,
    REELRUNDOWN_AMP_URL,
    REELRUNDOWN_URL,
    TECHRADAR_URL,
    read_page,
)


def test_canonical_page() -> None:
    processed = process_page(read_page("reelrundown_aouad_s2.html"), REELRUNDOWN_URL)
    assert processed.identity.canonical_url == REELRUNDOWN_URL
    assert processed.identity.urls == (REELRUNDOWN_URL,)
    assert processed.fingerprint == fingerprint(processed.extracted.text)
    assert [(s.name, s.key, s.season) for s in processed.shows] == [
        ("All Of Us Are Dead", "all of us are dead", 2)
    ]


def test_amp_page_is_the_same_article() -> None:
    canonical = process_page(read_page("reelrundown_aouad_s2.html"), REELRUNDOWN_URL)
    tracked = REELRUNDOWN_AMP_URL + "?utm_source=twitter"
    amp = process_page(
        read_page("reelrundown_aouad_s2_amp.html"), REELRUNDOWN_AMP_URL, seen_urls=[tracked]
    )
    assert amp.identity.canonical_url == canonical.identity.canonical_url
    assert amp.identity.urls == (REELRUNDOWN_URL, REELRUNDOWN_AMP_URL, tracked)
    assert amp.fingerprint == canonical.fingerprint
    assert amp.shows == canonical.shows


def test_broken_canonical_and_tracking_params() -> None:
    fetched = TECHRADAR_URL + "?utm_source=newsletter&fbclid=xyz"
    processed = process_page(read_page("techradar247_aouad_s2.html"), fetched)
    assert processed.identity.canonical_url == TECHRADAR_URL
    assert processed.identity.urls == (TECHRADAR_URL, fetched)
    assert [(s.name, s.season) for s in processed.shows] == [("All Of Us Are Dead", 2)]


def test_both_seeds_are_about_the_same_show_but_different_articles() -> None:
    a = process_page(read_page("reelrundown_aouad_s2.html"), REELRUNDOWN_URL)
    b = process_page(read_page("techradar247_aouad_s2.html"), TECHRADAR_URL)
    assert a.shows[0].key == b.shows[0].key
    assert a.fingerprint != b.fingerprint


def test_results_do_not_depend_on_earlier_calls() -> None:
    html = read_page("reelrundown_aouad_s2.html")
    first = process_page(html, REELRUNDOWN_URL)
    process_page(read_page("techradar247_aouad_s2.html"), TECHRADAR_URL)
    process_page(read_page("reelrundown_aouad_s2_amp.html"), REELRUNDOWN_AMP_URL)
    assert process_page(html, REELRUNDOWN_URL) == first


def test_listing_page_is_rejected() -> None:
    with pytest.raises(NotAnArticle):
        process_page(read_page("listing_kdrama.html"), LISTING_URL)


def test_pipeline_imports_no_framework() -> None:
    code = (
        "import sys, pipeline.process\n"
        "bad = {'scrapy', 'twisted', 'sqlalchemy', 'alembic', 'crawler', 'storage'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
