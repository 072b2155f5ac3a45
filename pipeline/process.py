"""The whole pure pipeline for one page: extract, identify, fingerprint, find shows."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.dedup import fingerprint
from pipeline.extract import DEFAULT_OPTIONS, extract
from pipeline.identity import identify
from pipeline.shows import find_shows
from pipeline.types import ExtractOptions, Processed


def process_page(
    html: str,
    url: str,
    options: ExtractOptions = DEFAULT_OPTIONS,
    seen_urls: Sequence[str] = (),
) -> Processed:
    """Turn one fetched page into plain data; raises the pipeline's errors (see errors.py)."""
    extracted = extract(html, url, options)
    return Processed(
        extracted=extracted,
        identity=identify(url, extracted.declared_urls, seen_urls),
        fingerprint=fingerprint(extracted.text),
        shows=find_shows(extracted.title),
    )
