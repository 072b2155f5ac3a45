"""URL checks: what a crawl needs to leave known articles alone or fetch them conditionally."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.db import upsert_insert
from storage.models import Source, UrlCheck
from storage.records import CheckRow
from storage.saving import ensure_source


def url_checks(session: Session, source: str) -> dict[str, CheckRow]:
    """Every checked URL of a source, by URL."""
    rows = session.execute(
        select(UrlCheck.url, UrlCheck.checked_at, UrlCheck.etag, UrlCheck.last_modified)
        .join(Source, Source.id == UrlCheck.source_id)
        .where(Source.name == source)
    )
    return {
        url: CheckRow(url, checked_at, etag, modified) for url, checked_at, etag, modified in rows
    }


def record_checks(session: Session, source: str, checks: Sequence[CheckRow]) -> None:
    """Remember when each URL was fetched (or answered 304) and its validators; the newest
    check of a URL wins."""
    if not checks:
        return
    source_id = ensure_source(session, source)
    newest = {check.url: check for check in sorted(checks, key=lambda check: check.checked_at)}
    rows = [
        {"url": check.url, "source_id": source_id, "checked_at": check.checked_at,
         "etag": check.etag, "last_modified": check.last_modified}
        for check in newest.values()
    ]  # fmt: skip
    session.execute(_upsert(session.get_bind().dialect.name), rows)


def _upsert(dialect: str) -> sqlite.Insert | postgresql.Insert:
    insert = upsert_insert(dialect, UrlCheck)
    return insert.on_conflict_do_update(
        index_elements=[UrlCheck.url],
        set_={
            "checked_at": insert.excluded.checked_at,
            # A 304 sends no new validators: keep the ones the last full response gave.
            "etag": func.coalesce(insert.excluded.etag, UrlCheck.etag),
            "last_modified": func.coalesce(insert.excluded.last_modified, UrlCheck.last_modified),
            "source_id": insert.excluded.source_id,
        },
    )
