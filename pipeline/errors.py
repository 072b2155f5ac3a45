"""The pipeline's exceptions; each carries a short machine-readable ``reason``."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: a page could not be turned into an article."""

    reason: str = "pipeline-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


class UnreadablePage(PipelineError):
    """The bytes could not be decoded or parsed as HTML (empty, binary, broken)."""

    reason = "unreadable"


class PageTooLarge(PipelineError):
    """The HTML exceeds ``ExtractOptions.max_html_chars``."""

    reason = "too-large"


class NotAnArticle(PipelineError):
    """The page has no main text long enough to be an article (a listing page, a stub)."""

    reason = "not-an-article"
