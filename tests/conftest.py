"""Shared fixtures: the local fake news sites under tests/sites/, served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sitesserver import LocalSites

SITES_DIR = Path(__file__).parent / "sites"


@pytest.fixture(scope="session")
def sites() -> Iterator[LocalSites]:
    """Every tests/sites/<name>/ as its own website, for the whole test session."""
    local = LocalSites(SITES_DIR)
    local.start()
    yield local
    local.stop()


@pytest.fixture
def sites_reset(sites: LocalSites) -> Iterator[LocalSites]:
    """The sites, with this test's hits and overrides forgotten afterwards."""
    yield sites
    sites.reset()
