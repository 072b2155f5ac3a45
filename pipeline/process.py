"""The whole pure pipeline for one page: extract, identify, fingerprint, link shows."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.dedup import fingerprint
from pipeline.extract import DEFAULT_OPTIONS, extract
from pipeline.identity import identify
from pipeline.linking import link_shows
from pipeline.types import ExtractOptions, Processed


def process_page(
    html: str,
    url: str,
    options: ExtractOptions = DEFAULT_OPTIONS,
    seen_urls: Sequence[str] = (),
) -> Processed:
    """Turn one fetched page into plain data; raises the pipeline's errors (see errors.py).

    Shows are linked by the title patterns alone: the crawler links them again against the
    store's show registry (crawler/shows.py), which a worker process does not hold.
    """
    extracted = extract(html, url, options)
    return Processed(
        extracted=extracted,
        identity=identify(url, extracted.declared_urls, seen_urls),
        fingerprint=fingerprint(extracted.text),
        shows=link_shows(extracted.title, body=extracted.text),
    )
