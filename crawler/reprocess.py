"""Run extraction (and everything after it) again over stored raw HTML, so improvements reach the
existing corpus: `marquee reprocess`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from crawler.extraction import PagePool
from crawler.records import article_content
from crawler.shows import ShowLinker
from crawler.sources import Source
from pipeline.dedup import copy_similarity
from pipeline.errors import PipelineError
from pipeline.extract import decode_html
from pipeline.types import ExtractOptions, Processed
from storage import queries, repository, stories
from storage.records import StoredPage

Progress = Callable[[int], None]  # told how many articles were done since the last call


@dataclass(frozen=True, slots=True)
class ReprocessSummary:
    """What a reprocessing run did."""

    articles: int
    changed: int
    failed: int


def reprocess(
    session: Session,
    sources: Mapping[str, Source],
    pool: PagePool,
    *,
    source: str | None = None,
    show: str | None = None,
    progress: Progress = lambda done: None,
) -> ReprocessSummary:
    """Extract every chosen article again from its latest stored HTML, one transaction each.

    A page the pipeline now rejects keeps its stored fields (nothing is lost) and is counted
    as failed. Duplicate links (exact and near) are set again at the end for the texts that
    changed.
    """
    with session.begin():
        ids = queries.article_ids(session, show=show, source=source)
    options: dict[str, ExtractOptions] = {}
    linker = ShowLinker()
    changed, failed, hashes, changed_ids = 0, 0, set(), []
    for article_id in ids:
        with session.begin():
            page = repository.latest_page(session, article_id)
            if page.source not in options:
                options[page.source] = _options(session, sources.get(page.source), page.source)
            linker.refresh(session)
            try:
                processed = _extract(pool, page, options[page.source])
            except PipelineError:
                failed += 1
                progress(1)
                continue
            extracted = processed.extracted
            processed = replace(processed, shows=linker.link(extracted.title, extracted.text))
            old_hash = _text_hash(session, article_id)
            if repository.refresh_article(session, article_id, article_content(processed)):
                changed += 1
                changed_ids.append(article_id)
                hashes |= {old_hash, processed.fingerprint.text_hash}
        progress(1)
    with session.begin():
        stories.relink_duplicates(session, hashes)
        stories.relink_near_duplicates(session, changed_ids, copy_similarity)
    return ReprocessSummary(articles=len(ids), changed=changed, failed=failed)


def _options(session: Session, source: Source | None, name: str) -> ExtractOptions:
    """The source's extraction options with its learned template, as a crawl would use them."""
    template = repository.load_template(session, name)
    return source.extract_options(template) if source else ExtractOptions(template=template)


def _extract(pool: PagePool, page: StoredPage, options: ExtractOptions) -> Processed:
    html, _encoding = decode_html(page.raw_html, page.encoding)
    return pool.process(html, page.url, options)


def _text_hash(session: Session, article_id: int) -> str:
    row = queries.article_text_hash(session, article_id)
    assert row is not None
    return row
