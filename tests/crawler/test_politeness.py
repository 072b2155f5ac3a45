"""Politeness (issue 6), crawled for real: robots.txt per RFC 9309 (4xx: no rules; 5xx, 429 or
unreachable: the host is off limits), Crawl-delay, Retry-After (capped) and per-host concurrency,
each on a local fault server of its own, all crawled by one `marquee crawl`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

import crawler.settings
from crawler.middlewares import HostHolds, retry_after
from tests import faultserver as fs
from tests.faultserver import Crawled, FaultServer, Site

pytestmark = pytest.mark.crawl

ATTEMPTS = 2  # RETRY_TIMES=1 in faultserver.QUICK
CRAWL_DELAY_MAX = 1.5  # MARQUEE_CRAWL_DELAY_MAX of this crawl
RETRY_AFTER_MAX = 2.0  # MARQUEE_RETRY_AFTER_MAX of this crawl
RETRY_AFTER_DEFAULT = 0.5  # MARQUEE_RETRY_AFTER_DEFAULT of this crawl
EARLY = 0.15  # timer and clock rounding: a wait may seem this much shorter, seen from the server
LATE = 60.0  # how much later than asked a wait may end on a loaded machine (3600 s: capped)

ROBOTS_ALL_DISALLOWED = "User-agent: *\nDisallow: /\n"
ROBOTS_WITH_DELAY = (
    "User-agent: *\nDisallow: /\n\n"
    "User-agent: Marquee\nCrawl-delay: {delay}\nDisallow: /a/private\n"
)
ROBOTS_UNREACHABLE = {
    "robots-500": fs.status(500),
    "robots-429": fs.status(429),
    "robots-timeout": fs.hang_before_headers(),
    "robots-reset": fs.reset_at_once(),
}
ROBOTS_4XX = {
    # RFC 9309 2.3.1.3: "unavailable", so no rules, even if the error page reads like some.
    "robots-404": fs.page(ROBOTS_ALL_DISALLOWED, "text/plain", status=404),
    "robots-403": fs.page(ROBOTS_ALL_DISALLOWED, "text/plain", status=403),
}
DELAYED = {"crawl-delay": 1.0, "crawl-delay-capped": 3600.0}  # site: robots.txt Crawl-delay
RETRIED = {  # site: its article's first answer
    "retry-after-seconds": fs.status(503, "1"),
    "retry-after-date": fs.status_retry_at(503, 3),
    "retry-after-capped": fs.status(429, "3600"),
    "retry-no-header": fs.status(429),
}
PAGES = 4  # article pages per site


@dataclass(frozen=True)
class Polite:
    """The sites by name, and the one crawl of them all."""

    servers: dict[str, FaultServer]
    crawled: Crawled

    def server(self, site: str) -> FaultServer:
        return self.servers[site]

    def url(self, site: str, path: str) -> str:
        return self.servers[site].base + path

    def page_hits(self, site: str) -> list[fs.Hit]:
        return [hit for hit in self.servers[site].hits() if hit.path != "/robots.txt"]

    def stored(self, site: str, path: str) -> bool:
        return bool(self.crawled.article_ids(self.url(site, path)))


def _articles(server: FaultServer, seed: int, pause: float = 0.0) -> list[str]:
    """Route PAGES article pages, each answered after ``pause`` seconds; returns their paths."""
    paths = [f"/a/page-{n}" for n in range(PAGES)]
    for n, path in enumerate(paths):
        html = fs.article_html(f"Politeness {seed} page {n}", fs.prose(seed * 100 + n))
        server.route(path, fs.slow(fs.page(html), pause))
    return paths


def _build(servers: dict[str, FaultServer]) -> None:
    """Route every site: its robots.txt, its home page, its articles."""
    for seed, (name, server) in enumerate(servers.items()):
        links = _articles(server, seed, pause=0.5 if name == "concurrency" else 0.0)
        if name in ROBOTS_UNREACHABLE:
            server.route("/robots.txt", ROBOTS_UNREACHABLE[name])
        elif name in ROBOTS_4XX:
            server.route("/robots.txt", ROBOTS_4XX[name])
        elif name in DELAYED:
            robots = ROBOTS_WITH_DELAY.format(delay=DELAYED[name])
            server.route("/robots.txt", fs.page(robots, "text/plain"))
            server.route("/a/private", fs.page(fs.article_html("Private", fs.prose(999))))
            links.append("/a/private")
        elif name in RETRIED:
            html = fs.article_html(f"Retried {name}", fs.prose(500 + seed))
            server.route("/a/retried", fs.sequence(RETRIED[name], fs.page(html)))
            links = ["/a/retried"]
        elif name == "retry-exhausted":
            server.route("/a/retried", fs.status(503, "1"))
            links = ["/a/retried"]
        server.route("/", fs.page(fs.links_page(links)))


@pytest.fixture(scope="module")
def polite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Polite]:
    tmp = tmp_path_factory.mktemp("politeness")
    names = [
        *ROBOTS_UNREACHABLE,
        *ROBOTS_4XX,
        *DELAYED,
        *RETRIED,
        "retry-exhausted",
        "concurrency",
    ]
    servers = {name: FaultServer().start() for name in names}
    try:
        _build(servers)
        sites = [Site(name, server) for name, server in servers.items()]
        crawled = fs.crawl(
            tmp,
            sites,
            # AutoThrottle on, as in production; it must never undo a Crawl-delay.
            "AUTOTHROTTLE_ENABLED=True",
            "AUTOTHROTTLE_START_DELAY=0",
            f"MARQUEE_CRAWL_DELAY_MAX={CRAWL_DELAY_MAX}",
            f"MARQUEE_RETRY_AFTER_MAX={RETRY_AFTER_MAX}",
            f"MARQUEE_RETRY_AFTER_DEFAULT={RETRY_AFTER_DEFAULT}",
        )
        yield Polite(servers, crawled)
    finally:
        for server in servers.values():
            server.stop()


# ---------------------------------------------------------------- robots.txt


@pytest.mark.parametrize("site", list(ROBOTS_4XX))
def test_a_4xx_robots_txt_means_no_rules(polite: Polite, site: str) -> None:
    assert len(polite.server(site).hits("/robots.txt")) == 1
    assert all(polite.stored(site, f"/a/page-{n}") for n in range(PAGES))
    assert polite.crawled.rows("SELECT reason FROM failures WHERE source = ?", site) == []


@pytest.mark.parametrize("site", list(ROBOTS_UNREACHABLE))
def test_an_unreachable_robots_txt_keeps_the_whole_host_off_limits(
    polite: Polite, site: str
) -> None:
    server = polite.server(site)
    # robots.txt was tried (and retried), and nothing else was ever requested.
    assert len(server.hits("/robots.txt")) == ATTEMPTS
    assert polite.page_hits(site) == []
    failures = polite.crawled.rows("SELECT url, reason FROM failures WHERE source = ?", site)
    assert failures == [(server.base + "/", "robots-unavailable")]
    assert polite.crawled.rows(
        "SELECT count(*) FROM article_urls WHERE url LIKE ?", server.base + "%"
    ) == [(0,)]


def _span(hits: list[fs.Hit]) -> float:
    """Seconds from the first request to the last."""
    return hits[-1].at - hits[0].at


# Arrival times jitter on a loaded machine (a request held up in the crawler or the server
# arrives with the next one), so Crawl-delay is checked over the whole run: its requests take
# at least one delay less than they would a delay apart, and without it they take no time.


def test_crawl_delay_spaces_the_requests_of_its_group(polite: Polite) -> None:
    site = "crawl-delay"
    hits = polite.page_hits(site)  # the home page, then the articles
    assert len(hits) == PAGES + 1
    assert _span(hits) >= (len(hits) - 2) * DELAYED[site], [hit.at for hit in hits]
    # The Marquee group applies, not the catch-all one that disallows everything.
    assert all(polite.stored(site, f"/a/page-{n}") for n in range(PAGES))
    assert polite.server(site).hits("/a/private") == []


def test_crawl_delay_is_capped(polite: Polite) -> None:
    site = "crawl-delay-capped"
    hits = polite.page_hits(site)
    # Every page was fetched within this test run: an hour apart they would not have been.
    assert len(hits) == PAGES + 1
    assert all(polite.stored(site, f"/a/page-{n}") for n in range(PAGES))
    assert _span(hits) >= (len(hits) - 2) * CRAWL_DELAY_MAX, [hit.at for hit in hits]


# ---------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(
    ("site", "wait"),
    [
        ("retry-after-seconds", 1.0),  # Retry-After: 1 (not the cap, not the default)
        ("retry-after-date", RETRY_AFTER_MAX),  # an HTTP date 2 to 3 s ahead, capped at 2
        ("retry-after-capped", RETRY_AFTER_MAX),  # Retry-After: 3600, capped
        ("retry-no-header", RETRY_AFTER_DEFAULT),  # a 429 without Retry-After
    ],
)
def test_retry_after_is_waited_out_capped_then_the_page_is_stored(
    polite: Polite, site: str, wait: float
) -> None:
    (gap,) = polite.server(site).gaps("/a/retried")
    assert wait - EARLY <= gap <= wait + LATE
    assert polite.stored(site, "/a/retried")


def test_retries_that_run_out_record_the_status_and_attempts(polite: Polite) -> None:
    site = "retry-exhausted"
    server = polite.server(site)
    assert len(server.hits("/a/retried")) == ATTEMPTS
    assert server.gaps("/a/retried")[0] >= 1.0 - EARLY
    ((reason, detail),) = polite.crawled.failures(server.base + "/a/retried")
    assert reason == "http-503"
    assert f"(attempts: {ATTEMPTS})" in detail
    assert not polite.stored(site, "/a/retried")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        (b"Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        (b"Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        (b"soon", None),
        (None, None),
    ],
)
def test_retry_after_values(value: bytes | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after(value, now=now) == seconds


def test_an_http_date_retry_after_counts_from_now() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (retry_after(later.encode()) or 0) <= 90


def test_a_hold_keeps_its_host_waiting_and_no_other() -> None:
    now = [0.0]
    holds = HostHolds(lambda: now[0])
    holds.hold("a", 5.0)
    holds.hold("a", 1.0)  # a shorter hold does not cut the longer one short
    now[0] = 2.0
    assert (holds.remaining("a"), holds.remaining("b")) == (3.0, 0.0)
    now[0] = 6.0
    assert holds.remaining("a") == 0.0


# ---------------------------------------------------------------- concurrency and settings


def test_a_host_gets_at_most_two_requests_at_once(polite: Polite) -> None:
    server = polite.server("concurrency")
    assert len(server.hits()) == PAGES + 2  # robots.txt, the home page, the articles
    assert 1 <= server.max_in_flight <= 2


def test_politeness_settings() -> None:
    assert crawler.settings.ROBOTSTXT_OBEY is True
    assert crawler.settings.AUTOTHROTTLE_ENABLED is True
    assert 1 <= crawler.settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 2
    assert crawler.settings.DOWNLOAD_DELAY >= 1.0
    assert 0 < crawler.settings.DOWNLOAD_WARNSIZE < crawler.settings.DOWNLOAD_MAXSIZE
