"""The exceptions the crawler side raises on purpose; the CLI turns them into exit codes."""

from __future__ import annotations

from pipeline.errors import PipelineError


class MarqueeError(Exception):
    """Base class: an expected failure with a message meant for the user (no traceback)."""

    exit_code: int = 1


class SourceError(MarqueeError):
    """The sources file is missing, unreadable or invalid; the message names the source and key."""

    exit_code = 2


class FetchError(MarqueeError):
    """A page given on the command line could not be fetched or read."""


class CrawlError(MarqueeError):
    """A crawl process could not start or ended abnormally."""


class ExtractionTimeout(PipelineError):
    """Extracting a page took longer than the crawl's limit (MARQUEE_EXTRACT_TIMEOUT)."""

    reason = "timeout"


class ExportError(MarqueeError):
    """An export cannot be written (a missing library, an unusable path)."""


class QueryError(MarqueeError):
    """A search query has nothing to look for."""

    exit_code = 2


class ChartError(MarqueeError):
    """A chart has nothing in it, cannot be drawn here (no matplotlib) or cannot be written."""
