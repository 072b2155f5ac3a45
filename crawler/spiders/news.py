"""The one generic spider: walks a Source's feeds, sitemaps and listing pages for article pages."""

from __future__ import annotations

import builtins
import struct
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, Self
from urllib.parse import urldefrag, urlsplit
from xml.sax import SAXException

import feedparser
import scrapy.exceptions
import twisted.internet.error
import twisted.web.client
from lxml import etree
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.items import FetchedPage, FetchFailed, NotModified
from crawler.middlewares import RefusedRequest
from crawler.revisits import Revisit, Revisits, load_revisits
from crawler.sources import Source, default_sources_path, load_sources, select_sources
from pipeline.identity import site_key

Kind = Literal["feed", "sitemap", "listing", "article"]
Output = Request | FetchedPage | FetchFailed | NotModified

KIND_META = "marquee_kind"  # request meta key: what the requested page is expected to be
DEFAULT_MAX_SIZE = 10 * 1024 * 1024  # gunzip limit when the spider runs without a crawler


def _classes(module: ModuleType, *names: str) -> tuple[type[BaseException], ...]:
    """The named exception classes that this version of a library has."""
    return tuple(getattr(module, name) for name in names if hasattr(module, name))


# Scrapy 2.13 hands Twisted's exceptions to errbacks; later versions wrap them in their own.
_TIMEOUT = _classes(twisted.internet.error, "TimeoutError", "TCPTimedOutError") + _classes(
    scrapy.exceptions, "DownloadTimeoutError"
)
_DNS = _classes(twisted.internet.error, "DNSLookupError") + _classes(
    scrapy.exceptions, "CannotResolveHostError"
)
_CONNECTION = (
    _classes(twisted.internet.error, "ConnectionRefusedError", "ConnectionLost", "ConnectError")
    + _classes(twisted.web.client, "ResponseNeverReceived", "ResponseFailed")
    + _classes(scrapy.exceptions, "DownloadConnectionRefusedError", "DownloadFailedError")
    + (builtins.ConnectionError,)
)
_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((*_TIMEOUT, builtins.TimeoutError), "timeout"),
    (_DNS, "dns"),
    (_CONNECTION, "connection"),
)


def failure_reason(exc: BaseException | None) -> str:
    """A short, stable code for why a download failed ("http-404", "timeout", "robots" ...)."""
    if isinstance(exc, HttpError):
        return f"http-{exc.response.status}"
    if isinstance(exc, RefusedRequest):  # robots-unavailable, redirect-loop, redirect-scheme ...
        return exc.reason
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return "robots"
    # Over DOWNLOAD_MAXSIZE: Scrapy cancels the download, or drops a body whose decompression
    # outgrows it (a compression bomb) with a plain IgnoreRequest that names the setting.
    cancelled = _classes(scrapy.exceptions, "DownloadCancelledError")
    if isinstance(exc, cancelled) or (
        isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc)
    ):
        return "too-large"
    if isinstance(exc, _classes(scrapy.exceptions, "ResponseDataLossError")):
        return "data-loss"  # a body shorter than announced, or a broken chunked encoding
    if isinstance(exc, scrapy.exceptions.NotSupported):
        return "unsupported-scheme"  # only http(s) has a download handler
    for classes, reason in _REASONS:
        if isinstance(exc, classes):
            return reason
    return type(exc).__name__


class NewsSpider(Spider):
    """Crawls one Source; every page it schedules counts against the source's page budget."""

    name = "news"

    def __init__(
        self,
        source: Source | str,
        limit: int | str | None = None,
        sources_file: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source = _resolve_source(source, sources_file)
        self.budget = self.source.effective_max_pages(None if limit is None else int(limit))
        self.scheduled = 0
        self.max_size = DEFAULT_MAX_SIZE
        self._budget_reached = False
        self._seen: set[str] = set()
        self._sites = {site_key(url) for url in _entry_points(self.source)}
        self._links = LinkExtractor(unique=True)
        # Known article URLs and when to fetch them again; from_crawler loads them from the store.
        self.revisits = Revisits(interval=timedelta(seconds=self.source.revisit_seconds))
        self._left_alone: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        # `scrapy crawl news -a source=NAME` gives a name; MARQUEE_SOURCES says where to look it up.
        if isinstance(kwargs.get("source"), str) and not kwargs.get("sources_file"):
            kwargs["sources_file"] = crawler.settings.get("MARQUEE_SOURCES")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE") or DEFAULT_MAX_SIZE
        spider.revisits = load_revisits(
            crawler.settings.get("MARQUEE_DB"), spider.source.name, spider.revisits.interval
        )
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """Feeds first (freshest, cheapest), then sitemaps, then the listing pages."""
        entry_points: list[tuple[Iterable[str], Kind]] = [
            (self.source.feeds, "feed"),
            (self.source.sitemaps, "sitemap"),
            (self.source.start_urls, "listing"),
        ]
        for urls, kind in entry_points:
            for request in self._schedule_all(urls, kind):
                yield request

    def parse_feed(self, response: Response) -> Iterator[Output]:
        """An RSS or Atom feed: each entry's link is an article unless the source denies it.
        A feed that is broken but readable is read as far as it goes; an unreadable one is
        recorded as a failure."""
        self._mark_seen(response)
        # content-location lets feedparser resolve relative entry links against the feed's URL.
        feed = feedparser.parse(response.body, response_headers={"content-location": response.url})
        error = feed.get("bozo_exception")
        # feedparser reads on past XML errors (and flags mere charset mix-ups too): the errors
        # are recorded, and whatever entries it recovered are still followed.
        if feed.bozo and (not feed.entries or isinstance(error, SAXException)):
            self.logger.warning("%s: malformed feed: %s", response.url, error)
            yield self._failed(response.url, "malformed-xml", f"feed: {error}")
        entries = [entry for entry in feed.entries if entry.get("link")]
        changed = {response.urljoin(entry["link"]): _feed_lastmod(entry) for entry in entries}
        links = [url for url in changed if self._same_site(url) and self.source.follows(url)]
        yield from self._schedule_all(links, "article", changed)

    def parse_sitemap(self, response: Response) -> Iterator[Output]:
        """A sitemap index (follow its sitemaps), a urlset (its articles), or a robots.txt."""
        self._mark_seen(response)
        if urlsplit(response.url).path == "/robots.txt":
            yield from self._schedule_all(self._robots_sitemaps(response), "sitemap")
            return
        sitemap, error = self._read_sitemap(response)
        if error is not None:  # recorded; what recover mode could read is still followed
            self.logger.warning("%s: malformed sitemap: %s", response.url, error)
            yield self._failed(response.url, "malformed-xml", f"sitemap: {error}")
        if sitemap is None:
            return
        entries = _newest_first(sitemap)
        urls = [response.urljoin(entry["loc"]) for entry in entries]
        if sitemap.type == "sitemapindex":
            follow = [url for url in urls if self._same_site(url) and self.source.follows(url)]
            yield from self._schedule_all(follow, "sitemap")
        else:
            articles = [
                url for url in urls if self._same_site(url) and self.source.is_article_url(url)
            ]
            lastmods = (_w3c_datetime(entry.get("lastmod")) for entry in entries)
            changed = dict(zip(urls, lastmods, strict=True))
            yield from self._schedule_all(articles, "article", changed)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A home, section or tag page: its articles first, then the other pages it links to."""
        self._mark_seen(response)
        links = [url for url in self._page_links(response) if self.source.follows(url)]
        yield from self._schedule_all(filter(self.source.is_article_url, links), "article")
        others = (url for url in links if not self.source.is_article_url(url))
        yield from self._schedule_all(others, "listing")

    def parse_article(self, response: Response) -> Iterator[Output]:
        """The page itself, then any further article it links to."""
        self._mark_seen(response)
        if response.status == HTTPStatus.NOT_MODIFIED:  # a conditional revisit: nothing changed
            yield NotModified(self.source.name, response.url, datetime.now(UTC))
            return
        if not isinstance(response, TextResponse):
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            yield self._failed(response.url, "not-html", content_type)
            return
        yield self._page(response)
        articles = filter(self.source.is_article_url, self._page_links(response))
        yield from self._schedule_all(articles, "article")

    def on_error(self, failure: Failure) -> Iterator[FetchFailed]:
        """A page that could not be fetched becomes a FetchFailed item: reason, then attempts."""
        request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        reason = failure_reason(failure.value)
        kind = request.meta.get(KIND_META, "page")
        if reason == "robots" and kind != "article":
            # A listing page robots.txt excludes is the site's wish, not a fault to record.
            self.logger.info("%s %s not fetched: robots.txt", kind, request.url)
            return
        # The failed request is the last retry: RetryMiddleware counts the ones before it.
        attempts = int(request.meta.get("retry_times", 0)) + 1
        self.logger.warning(
            "%s %s not fetched: %s (attempts: %d)", kind, request.url, reason, attempts
        )
        error = str(failure.value) or type(failure.value).__name__  # some carry no message
        yield self._failed(request.url, reason, f"{kind}: {error} (attempts: {attempts})")

    def _schedule_all(
        self,
        urls: Iterable[str],
        kind: Kind,
        lastmods: Mapping[str, datetime | None] | None = None,
    ) -> Iterator[Request]:
        for url in urls:
            request = self._schedule(url, kind, (lastmods or {}).get(url))
            if request is not None:
                yield request

    def _schedule(self, url: str, kind: Kind, lastmod: datetime | None = None) -> Request | None:
        """A request for a page not seen yet, while the source's page budget lasts; a known
        article only when it is due a revisit (see crawler/revisits.py), and conditionally."""
        url = urldefrag(url).url
        key = canonicalize_url(url)
        if key in self._seen:
            return None
        revisit = self.revisits.decide(key, lastmod) if kind == "article" else Revisit({})
        if revisit is None:
            # Not marked seen: the sitemap may yet list it with a newer lastmod than the feed.
            if key not in self._left_alone:
                self._left_alone.add(key)
                self._inc("known-skipped")
            return None
        if self.scheduled >= self.budget:
            self._note_budget_reached()
            return None
        self._seen.add(key)
        self.scheduled += 1
        meta = {KIND_META: kind, "handle_httpstatus_list": [HTTPStatus.NOT_MODIFIED]}
        return Request(
            url,
            headers=dict(revisit.headers),
            callback=self._callback(kind),
            errback=self.on_error,
            meta=meta,
        )

    def _inc(self, key: str) -> None:
        stats = self.crawler.stats if hasattr(self, "crawler") else None
        if stats is not None:
            stats.inc_value(f"marquee/{key}")

    def _note_budget_reached(self) -> None:
        if not self._budget_reached:
            self._budget_reached = True
            self.logger.info("%s: page budget of %d reached", self.source.name, self.budget)

    def _callback(self, kind: Kind) -> Callable[[Response], Iterator[Output]]:
        match kind:
            case "feed":
                return self.parse_feed
            case "sitemap":
                return self.parse_sitemap
            case "listing":
                return self.parse_listing
            case "article":
                return self.parse_article

    def _mark_seen(self, response: Response) -> None:
        # After a redirect the final URL is known too; links back to it need no second request.
        self._seen.add(canonicalize_url(response.url))

    def _same_site(self, url: str) -> bool:
        return site_key(url) in self._sites

    def _page_links(self, response: Response) -> list[str]:
        """Same-site links of an HTML page, without fragments, in page order."""
        if not isinstance(response, TextResponse):
            return []
        urls = [urldefrag(link.url).url for link in self._links.extract_links(response)]
        return [url for url in dict.fromkeys(urls) if self._same_site(url)]

    def _robots_sitemaps(self, response: Response) -> list[str]:
        urls = sitemap_urls_from_robots(response.body, base_url=response.url)
        return [url for url in urls if self._same_site(url)]

    def _read_sitemap(self, response: Response) -> tuple[Sitemap | None, str | None]:
        """The sitemap as recover mode reads it (None: not a sitemap), and what is wrong with
        it, if anything. Entities are never resolved and nothing is fetched while parsing."""
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.max_size)
            except (OSError, EOFError, ValueError, struct.error) as exc:
                return None, f"not a readable gzip file: {exc}"
        error = _xml_error(body)
        try:
            sitemap = Sitemap(body)  # lxml, recover=True, resolve_entities=False
        except (SyntaxError, StopIteration):  # lxml's XMLSyntaxError is a SyntaxError
            return None, error or "not XML"
        if sitemap.type not in ("sitemapindex", "urlset"):
            return None, error or f"not a sitemap: <{sitemap.type}>"
        return sitemap, error

    def _page(self, response: TextResponse) -> FetchedPage:
        return FetchedPage(
            source=self.source.name,
            url=response.url,
            request_url=response.meta.get("redirect_urls", [response.url])[0],
            status=response.status,
            body=response.body,
            html=response.text,
            encoding=response.encoding,
            fetched_at=datetime.now(UTC),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        )

    def _failed(self, url: str, reason: str, detail: str = "") -> FetchFailed:
        return FetchFailed(source=self.source.name, url=url, reason=reason, detail=detail)


def _resolve_source(source: Source | str, sources_file: str | Path | None) -> Source:
    """A Source as given, or looked up by name (as `scrapy crawl news -a source=NAME` passes it)."""
    if isinstance(source, Source):
        return source
    path = sources_file or default_sources_path()
    return select_sources(load_sources(path), [source])[0]


def _entry_points(source: Source) -> tuple[str, ...]:
    return source.start_urls + source.feeds + source.sitemaps


def _newest_first(sitemap: Sitemap) -> list[dict[str, Any]]:
    """Sitemap entries by lastmod, newest first, so a small page budget goes to recent articles."""
    entries = [entry for entry in sitemap if entry.get("loc")]
    # W3C datetimes sort as strings; the sort is stable, so undated entries keep their order.
    return sorted(entries, key=lambda entry: entry.get("lastmod") or "", reverse=True)


def _xml_error(body: bytes) -> str | None:
    """What a strict XML parser finds wrong with the document, if anything."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        return str(exc) or "malformed XML"
    return None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _w3c_datetime(value: str | None) -> datetime | None:
    """A sitemap's lastmod ("2024-05-20", "2024-05-20T09:15:00+00:00") in UTC, or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _feed_lastmod(entry: Mapping[str, Any]) -> datetime | None:
    """When a feed entry says it was last updated (else published), in UTC, or None."""
    parsed = entry.get("updated_parsed") or entry.get("published_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
