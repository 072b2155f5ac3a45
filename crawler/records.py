"""Turn the pure pipeline's output into the records the store takes."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from crawler.shows import show_refs
from pipeline.health import PageFigures
from pipeline.types import Processed
from storage.records import ArticleContent, ArticleRecord, HealthFigures, SourceCounts


def article_content(processed: Processed) -> ArticleContent:
    """The fields extraction decides: what a crawl stores and a reprocess replaces."""
    extracted = processed.extracted
    return ArticleContent(
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        modified=extracted.modified,
        tags=extracted.tags,
        language=extracted.language,
        text=extracted.text,
        text_hash=processed.fingerprint.text_hash,
        image=extracted.image,
        shows=show_refs(processed.shows),
        minhash=processed.fingerprint.minhash,
        shingles=processed.fingerprint.shingles,
        bands=processed.fingerprint.bands,
    )


def article_record(
    processed: Processed,
    *,
    source: str,
    fetched_url: str,
    raw_html: bytes,
    encoding: str | None,
    fetched_at: datetime,
    run_id: int | None,
) -> ArticleRecord:
    """A fetched page, processed, as the store saves it: its content, identity and raw HTML."""
    content = article_content(processed)
    return ArticleRecord(
        source=source,
        canonical_url=processed.identity.canonical_url,
        urls=processed.identity.urls,
        fetched_url=fetched_url,
        raw_html=raw_html,
        encoding=encoding,
        fetched_at=fetched_at,
        run_id=run_id,
        **{field.name: getattr(content, field.name) for field in fields(content)},
    )


def health_figures(figures: PageFigures, counts: SourceCounts) -> HealthFigures:
    """A source's health in one run, as the store keeps it: its pages fetched and lost, and
    what extraction made of its articles."""
    return HealthFigures(
        pages=counts.pages,
        failed=counts.failed,
        **{field.name: getattr(figures, field.name) for field in fields(figures)},
    )
