"""The extraction worker: real worker processes, a hard time limit, errors carried back."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from crawler.exceptions import ExtractionTimeout
from crawler.extraction import PagePool
from pipeline.errors import NotAnArticle
from pipeline.types import ExtractOptions, Processed
from tests.pipeline.pipeline_pages import read_page

URL = "https://techradar247.example/all-of-us-are-dead-season-2/"


def slow_page(html: str, url: str, options: ExtractOptions, seen: Sequence[str]) -> Processed:
    """A stand-in for a pathological page: takes far longer than any limit in these tests."""
    time.sleep(30)
    raise AssertionError("not reached")


def test_a_page_is_processed_in_the_worker() -> None:
    with PagePool(timeout=60) as pool:
        processed = pool.process(read_page("techradar247_aouad_s2.html"), URL, ExtractOptions())
    assert processed.identity.canonical_url.startswith("https://")
    assert "Nam On-jo did not die at the finale." in processed.extracted.text


def test_pipeline_errors_come_back_with_their_reason() -> None:
    with PagePool(timeout=60) as pool, pytest.raises(NotAnArticle) as raised:
        pool.process(read_page("listing_kdrama.html"), "https://x.example/", ExtractOptions())
    assert raised.value.reason == "not-an-article"


def test_a_page_over_the_time_limit_fails_and_the_next_page_still_works() -> None:
    pool = PagePool(timeout=1.0, target=slow_page)
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout) as raised:
        pool.process("<html></html>", URL, ExtractOptions())
    assert time.monotonic() - started < 15  # gave up at the limit, did not wait for the page
    assert raised.value.reason == "timeout"
    pool.target = PagePool(timeout=60).target  # the real pipeline again, in a fresh worker
    pool.timeout = 60
    processed = pool.process(read_page("techradar247_aouad_s2.html"), URL, ExtractOptions())
    assert processed.extracted.text
    pool.close()
