"""Incremental crawling: which known article URLs a crawl fetches again, and how.

A URL fetched before is left alone until its source's revisit interval has passed, or its feed or
sitemap says it changed since; then it is asked for conditionally, so that an unchanged page
costs a 304 and no body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from storage import checks
from storage.db import is_up_to_date, make_engine, make_sessionmaker, sqlite_file_missing
from storage.records import CheckRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Revisit:
    """Fetch a known URL again, with these conditional headers."""

    headers: Mapping[str, str]


@dataclass(frozen=True)
class Revisits:
    """The checked URLs of one source and when to fetch them again."""

    checks: Mapping[str, CheckRow] = field(default_factory=dict)
    interval: timedelta = timedelta(days=3)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def decide(self, url: str, lastmod: datetime | None = None) -> Revisit | None:
        """None to leave a known URL alone; else how to ask for it (an unknown URL: plainly)."""
        check = self.checks.get(url)
        if check is None:
            return Revisit({})
        changed = lastmod is not None and lastmod > check.checked_at
        if not changed and self.now - check.checked_at < self.interval:
            return None
        headers = {}
        if check.etag:
            headers["If-None-Match"] = check.etag
        if check.last_modified:
            headers["If-Modified-Since"] = check.last_modified
        return Revisit(headers)


def load_revisits(db_url: str | None, source: str, interval: timedelta) -> Revisits:
    """The source's checked URLs as the store has them; none when there is no store yet."""
    if not db_url or sqlite_file_missing(db_url):
        return Revisits(interval=interval)
    engine = make_engine(db_url)
    try:
        if not is_up_to_date(engine):  # `marquee crawl` upgrades first; bare `scrapy crawl` may not
            return Revisits(interval=interval)
        with make_sessionmaker(engine)() as session:
            known = checks.url_checks(session, source)
    except SQLAlchemyError as exc:
        logger.warning("%s: known URLs not loaded (%s); every page is fetched", source, exc)
        return Revisits(interval=interval)
    finally:
        engine.dispose()
    return Revisits(known, interval)
