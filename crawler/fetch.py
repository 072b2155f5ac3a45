"""Fetch one page outside a crawl (`marquee extract URL`): bounded size and time, our user agent."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from crawler.exceptions import FetchError

USER_AGENT = "Marquee/0.1 (+https://github.com/marquee-news/marquee)"
MAX_BYTES = 10 * 1024 * 1024  # same cap as the crawler's DOWNLOAD_MAXSIZE
TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class RawPage:
    """Bytes of a page and what its transport said about them."""

    data: bytes
    url: str | None  # where the page came from, when known
    declared_encoding: str | None


def is_url(value: str) -> bool:
    """True for http(s) URLs; everything else is treated as a local file path."""
    return value.startswith(("http://", "https://"))


def read_input(value: str) -> RawPage:
    """Read a URL or a local .html / .html.gz file."""
    return fetch_url(value) if is_url(value) else read_file(Path(value))


def read_file(path: Path) -> RawPage:
    """Read a local page; .gz files are decompressed."""
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise FetchError(f"{path}: cannot read: {exc}") from exc
    return RawPage(data=data, url=None, declared_encoding=None)


def fetch_url(url: str) -> RawPage:
    """GET a URL; refuse bodies over MAX_BYTES rather than buffering them."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_BYTES + 1)
            final_url = response.geturl()
            charset = _charset(response.headers)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise FetchError(f"{url}: cannot fetch: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
    return RawPage(data=data, url=final_url, declared_encoding=charset)


def _charset(headers: Message) -> str | None:
    charset = headers.get_content_charset()
    return str(charset) if charset else None
