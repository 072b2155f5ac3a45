"""The items the spider yields: a fetched article page, a known one that has not changed, or a
page that could not be fetched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True, repr=False)
class FetchedPage:
    """An article candidate as downloaded; the item pipeline turns it into a stored article."""

    source: str
    url: str  # response URL, after redirects
    request_url: str  # the URL as it was linked, before redirects
    status: int
    body: bytes  # raw bytes as received (decompressed transfer encoding)
    html: str  # the body decoded by Scrapy (BOM > Content-Type > <meta> > sniffing)
    encoding: str | None
    fetched_at: datetime
    etag: str | None = None  # validators for asking again conditionally
    last_modified: str | None = None

    def __repr__(self) -> str:
        # Scrapy logs dropped items: name the page, never dump its body into the log.
        return f"<FetchedPage {self.source} {self.status} {self.url}>"


@dataclass(slots=True)
class NotModified:
    """A known article its server says has not changed since the last fetch (HTTP 304)."""

    source: str
    url: str
    fetched_at: datetime


@dataclass(slots=True)
class FetchFailed:
    """An article candidate that could not be fetched: recorded with its reason, then skipped."""

    source: str
    url: str
    reason: str  # short code: "http-404", "timeout", "dns", "connection", ...
    detail: str = ""
