"""Shared fixtures: the local fake news sites under tests/sites/, served on 127.0.0.1."""

from __future__ import annotations

import os
import uuid
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


@pytest.fixture
def postgres_db_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server, dropped afterwards."""
    base = os.environ.get("MARQUEE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MARQUEE_TEST_POSTGRES_URL not set: PostgreSQL crawl test skipped")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"marquee_e2e_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
