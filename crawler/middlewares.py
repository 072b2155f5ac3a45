"""Downloader middlewares that keep crawling polite and safe: robots.txt per RFC 9309 with
Crawl-delay, retries that honour Retry-After, redirects kept to http(s) without loops, and HTML
decoded as the pipeline decodes it.

Each refusal is an IgnoreRequest subclass carrying a short ``reason``, so that the spider's
errback records it as a failure of the page (``failure_reason`` in crawler/spiders/news.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from scrapy.utils.url import strip_url
from twisted.internet import task
from twisted.internet.defer import Deferred
from w3lib.encoding import http_content_type_encoding
from w3lib.url import canonicalize_url, safe_url_string

from pipeline.errors import UnreadablePage
from pipeline.extract import decode_html

logger = logging.getLogger(__name__)

HTTP_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Scrapy schedules robots.txt ahead of the pages waiting for it.
ROBOTS_PRIORITY = 1000
# Seconds Crawl-delay (MARQUEE_CRAWL_DELAY_MAX) and Retry-After (MARQUEE_RETRY_AFTER_MAX) may
# hold a host at most, and the wait after a 429 or 503 without Retry-After.
CRAWL_DELAY_MAX = 30.0
RETRY_AFTER_MAX = 60.0
RETRY_AFTER_DEFAULT = 5.0
# 429 asks for less traffic, 503 says the server is overloaded: both get a wait before a retry.
SLOW_DOWN_STATUSES = frozenset({429, 503})


class RefusedRequest(IgnoreRequest):
    """A request Marquee will not download; ``reason`` is the failure's short code."""

    reason = "refused"


class RobotsUnavailable(RefusedRequest):
    """The host's robots.txt answered 5xx or 429, or not at all: RFC 9309 disallows the host."""

    reason = "robots-unavailable"


class RedirectScheme(RefusedRequest):
    """A redirect to something other than http(s): file://, ftp://, data: ..."""

    reason = "redirect-scheme"


class RedirectLoop(RefusedRequest):
    """A redirect back to a URL already in the request's redirect chain."""

    reason = "redirect-loop"


class TooManyRedirects(RefusedRequest):
    """A redirect chain longer than REDIRECT_MAX_TIMES hops."""

    reason = "redirect-limit"


class HostHolds:
    """Hosts that asked for a pause (Retry-After), and until when."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def hold(self, host: str, seconds: float) -> None:
        """Send the host nothing for the next ``seconds`` (a longer hold stands)."""
        until = self._clock() + seconds
        self._until[host] = max(self._until.get(host, until), until)

    def remaining(self, host: str) -> float:
        """Seconds until the host may be sent a request again."""
        return max(self._until.get(host, 0.0) - self._clock(), 0.0)


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (whichever reactor the crawl runs)."""
    if seconds <= 0:
        return
    from twisted.internet import reactor

    clock: Any = reactor  # twisted's interface stubs do not cover deferLater's reactor argument
    await maybe_deferred_to_future(task.deferLater(clock, seconds, lambda: None))


def _host(request: Request) -> str:
    return urlparse_cached(request).netloc


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What a host's robots.txt allows; ``unreachable`` says why the whole host is off limits."""

    parser: Protego | None = None  # None: no rules, everything allowed
    crawl_delay: float = 0.0
    unreachable: str | None = None


ALLOW_ALL = RobotsRules()


class RobotsTxtMiddleware:
    """Obeys robots.txt as RFC 9309 says, Crawl-delay included (replaces Scrapy's middleware)."""

    # 2xx: the rules apply; Crawl-delay, capped at MARQUEE_CRAWL_DELAY_MAX, becomes the least
    # delay of the host's download slot. 4xx, or redirects that never reach a file: no rules.
    # 5xx, 429, a timeout or a connection failure (after the retries): the whole host is
    # disallowed for this crawl, each of its requests refused with RobotsUnavailable.

    def __init__(self, crawler: Crawler, user_agent: str, crawl_delay_max: float) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self.crawl_delay_max = crawl_delay_max
        self._rules: dict[str, RobotsRules] = {}
        self._waiting: dict[str, list[Deferred[RobotsRules]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        delay_max = settings.getfloat("MARQUEE_CRAWL_DELAY_MAX", CRAWL_DELAY_MAX)
        return cls(crawler, str(user_agent), delay_max)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        if urlparse_cached(request).scheme not in HTTP_SCHEMES:
            return  # refused by the download handlers: only http(s) has one
        rules = await self._rules_for(request)
        self._check(rules, request)
        if rules.crawl_delay:
            self._slow_down(request, rules.crawl_delay)

    def _check(self, rules: RobotsRules, request: Request) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if rules.unreachable is not None:
            stats.inc_value("robotstxt/host_unavailable")
            raise RobotsUnavailable(f"robots.txt unavailable ({rules.unreachable}): host skipped")
        if rules.parser is not None and not rules.parser.can_fetch(request.url, self.user_agent):
            stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest("Forbidden by robots.txt")

    def _slow_down(self, request: Request, delay: float) -> None:
        """Keep the request's download slot at least ``delay`` seconds between requests."""
        # AutoThrottle would lower the delay and jitter shorten it; a slot Scrapy drops when
        # idle is made anew from per_slot_settings (DOWNLOAD_SLOTS).
        request.meta["autothrottle_dont_adjust_delay"] = True
        engine = self.crawler.engine
        assert engine is not None
        downloader = engine.downloader
        key = downloader.get_slot_key(request)
        pinned = downloader.per_slot_settings.setdefault(key, {})
        # "jitter" in newer Scrapy (DOWNLOAD_DELAY_JITTER), "randomize_delay" in older ones.
        pinned.update(delay=max(delay, pinned.get("delay", 0.0)), jitter=0.0, randomize_delay=False)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            if hasattr(slot, "jitter"):
                slot.jitter = 0.0
            else:
                slot.randomize_delay = False

    async def _rules_for(self, request: Request) -> RobotsRules:
        """The host's rules, fetched once; requests arriving meanwhile wait for that fetch."""
        host = _host(request)
        if host in self._rules:
            return self._rules[host]
        if host in self._waiting:
            waiter: Deferred[RobotsRules] = Deferred()
            self._waiting[host].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiting[host] = []
        try:
            rules = await self._fetch(request)
        except BaseException as exc:  # the crawl is shutting down: let the waiters go too
            for waiter in self._waiting.pop(host):
                waiter.errback(exc)
            raise
        self._rules[host] = rules
        for waiter in self._waiting.pop(host):
            waiter.callback(rules)
        return rules

    async def _fetch(self, request: Request) -> RobotsRules:
        parts = urlparse_cached(request)
        robots = Request(
            f"{parts.scheme}://{parts.netloc}/robots.txt",
            priority=ROBOTS_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        engine = self.crawler.engine
        assert engine is not None
        try:
            response = await engine.download_async(robots)
        except IgnoreRequest as exc:
            # A redirect loop, a refused scheme, too many hops: "unavailable", RFC 9309 2.3.1.2.
            logger.info("%s: robots.txt unavailable (%s): no rules", parts.netloc, exc)
            return ALLOW_ALL
        except Exception as exc:
            return self._unreachable(parts.netloc, type(exc).__name__)
        return self._read(parts.netloc, response)

    def _read(self, host: str, response: Response) -> RobotsRules:
        status = response.status
        if status == 429 or status >= 500:
            return self._unreachable(host, f"http-{status}")
        if status >= 300:
            return ALLOW_ALL  # 4xx, or a redirect left unfollowed: no robots.txt to obey
        parser = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = min(parser.crawl_delay(self.user_agent) or 0.0, self.crawl_delay_max)
        if delay:
            logger.info("%s: Crawl-delay %g s", host, delay)
        return RobotsRules(parser=parser, crawl_delay=delay)

    def _unreachable(self, host: str, why: str) -> RobotsRules:
        logger.warning("%s: robots.txt unreachable (%s): host not crawled in this run", host, why)
        return RobotsRules(unreachable=why)


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, each after the wait a Retry-After asks for (capped), host-wide."""

    # The wait: Retry-After's seconds or HTTP date, MARQUEE_RETRY_AFTER_DEFAULT for a 429 or
    # 503 without one, at most MARQUEE_RETRY_AFTER_MAX; it holds every request to the host.
    # Once the retries run out the response goes on, and the page fails with its status.

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.wait_max = settings.getfloat("MARQUEE_RETRY_AFTER_MAX", RETRY_AFTER_MAX)
        self.wait_default = settings.getfloat("MARQUEE_RETRY_AFTER_DEFAULT", RETRY_AFTER_DEFAULT)
        self._holds = HostHolds()

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        await sleep(self._holds.remaining(_host(request)))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=response_status_message(response.status),
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )
        if retry is None:
            return response
        wait = self.wait_for(response)
        if wait > 0:
            logger.info("%s: HTTP %d, retrying in %g s", request.url, response.status, wait)
            self._holds.hold(_host(request), wait)
        return retry

    def wait_for(self, response: Response) -> float:
        """Seconds to wait before the retry of this response, at most ``wait_max``."""
        asked = retry_after(response.headers.get("Retry-After"))
        if asked is None:
            asked = self.wait_default if response.status in SLOW_DOWN_STATUSES else 0.0
        return min(asked, self.wait_max)


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """The seconds a Retry-After header value asks for (delay-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP dates are GMT
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class RedirectGuardMiddleware:
    """Refuses redirects to other schemes, back into their own chain, or past the hop limit."""

    # Scrapy's RedirectMiddleware (which this runs just before) would hand a file:// or ftp://
    # redirect on as a 3xx page, let the duplicate filter drop a loop without a trace, and end
    # a long chain with a plain IgnoreRequest; each becomes a failure with its own reason here.

    def __init__(self, max_hops: int) -> None:
        self.max_hops = max_hops

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured("REDIRECT_ENABLED is off")
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES"))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        if request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location))
        scheme = urlsplit(target).scheme
        if scheme not in HTTP_SCHEMES:
            where = _loggable(target)
            raise RedirectScheme(f"redirect to a {scheme or 'schemeless'} URL refused: {where}")
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        if canonicalize_url(target) in {canonicalize_url(url) for url in chain}:
            raise RedirectLoop("redirect loop: " + " -> ".join(map(_loggable, [*chain, target])))
        if len(chain) > self.max_hops:
            start = _loggable(chain[0])
            raise TooManyRedirects(f"more than {self.max_hops} redirects from {start}")
        return response


def _loggable(url: str) -> str:
    """The URL without user name and password, fit for logs and failure details."""
    return strip_url(url, strip_credentials=True, strip_default_port=False, strip_fragment=False)


class HtmlEncodingMiddleware:
    """Decodes HTML pages as pipeline.extract.decode_html does: BOM > header > meta > sniffing."""

    # So that a crawl, `marquee reprocess` and `marquee extract` read a page alike. Scrapy agrees
    # on declared encodings, but guesses undeclared ones statistically (a Western page came out
    # as cp1257); decode_html takes UTF-8 when the bytes are valid UTF-8, else cp1252.

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            _text, encoding = decode_html(response.body, http_content_type_encoding(content_type))
        except UnreadablePage:
            return response  # empty or binary: the pipeline records it as unreadable
        return response.replace(encoding=encoding)
