"""NewsSpider's callbacks, fed real responses from the local sites (no Scrapy engine involved)."""

from __future__ import annotations

import asyncio
import gzip
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, HtmlResponse, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure

from crawler.items import FetchedPage, FetchFailed
from crawler.sources import Source, SourceError, load_sources
from crawler.spiders.news import KIND_META, NewsSpider, failure_reason
from tests.sitesserver import LocalSites

# Loopback only: never let an HTTP(S)_PROXY from the environment see these requests.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

A = "/2024/05/all-of-us-are-dead-season-2-release-date-latest-updates/"
B = "/2024/05/all-of-us-are-dead-season-2-cast-production-update/"
C = "/2024/05/squid-game-season-3-release-date-cast/"
D = "/2024/05/seo-ha-neul-best-new-actress-speech/"
DEAD = "/2024/04/sweet-home-season-3-ending-explained/"
TRACKING = B + "?utm_source=twitter&utm_medium=social&fbclid=abc"
AMP = A + "amp/"


def fetch(url: str, **meta: Any) -> Response:
    """Download a page as Scrapy would see it: the response class chosen from its headers."""
    try:
        with OPENER.open(url, timeout=5) as answer:
            status, header_items, body = answer.status, answer.headers.items(), answer.read()
    except urllib.error.HTTPError as failure:
        status, header_items, body = failure.code, failure.headers.items(), failure.read()
    headers = Headers(dict(header_items))
    response_class = responsetypes.from_args(headers=headers, url=url, body=body)
    request = Request(url, meta=meta)
    return response_class(url=url, status=status, headers=headers, body=body, request=request)


def source_for(sites: LocalSites, tmp_path: Path, name: str, **overrides: Any) -> Source:
    path = sites.write_sources(tmp_path / f"{name}.toml", [name], **overrides)
    (source,) = load_sources(path)
    return source


def spider_for(
    sites: LocalSites, tmp_path: Path, name: str = "kdramabuzz", **overrides: Any
) -> NewsSpider:
    return NewsSpider(source_for(sites, tmp_path, name, **overrides))


def requests(outputs: Iterable[object]) -> list[Request]:
    items = list(outputs)
    assert all(isinstance(item, Request) for item in items), items
    return [item for item in items if isinstance(item, Request)]


def paths(requests_: Iterable[Request], base: str) -> list[str]:
    return [request.url.removeprefix(base) for request in requests_]


async def collect(spider: NewsSpider) -> list[Request]:
    return [request async for request in spider.start()]


def start_requests(spider: NewsSpider) -> list[Request]:
    return asyncio.run(collect(spider))


# ---------------------------------------------------------------- start


def test_start_requests_feeds_then_sitemaps_then_listing_pages(
    sites: LocalSites, tmp_path: Path
) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    started = start_requests(spider)
    assert paths(started, base) == ["/feed.xml", "/sitemap_index.xml", "/"]
    assert [r.callback for r in started] == [
        spider.parse_feed,
        spider.parse_sitemap,
        spider.parse_listing,
    ]
    assert [r.meta[KIND_META] for r in started] == ["feed", "sitemap", "listing"]
    assert all(r.errback == spider.on_error for r in started)
    assert spider.scheduled == 3


# ---------------------------------------------------------------- feeds


def test_feed_entries_become_article_requests(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    found = requests(spider.parse_feed(fetch(base + "/feed.xml")))
    assert paths(found, base) == [D, C]
    assert all(r.callback == spider.parse_article and r.meta[KIND_META] == "article" for r in found)


def test_feed_entries_off_site_or_denied_are_skipped(
    sites_reset: LocalSites, tmp_path: Path
) -> None:
    spider = spider_for(sites_reset, tmp_path)
    base = sites_reset.base("kdramabuzz")
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><link>{{SITE:syndicator}}/news/x.html</link></item>
      <item><link>{{BASE}}/tag/kdrama/</link></item>
      <item><link>/2024/05/relative-link/</link></item>
      <item><link>http://elsewhere.example/2024/05/elsewhere/</link></item>
    </channel></rss>"""
    sites_reset.override("kdramabuzz", "/feed.xml", feed)
    found = requests(spider.parse_feed(fetch(base + "/feed.xml")))
    assert paths(found, base) == ["/2024/05/relative-link/"]


def test_a_broken_feed_is_recorded_and_warned_about(
    sites_reset: LocalSites, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spider = spider_for(sites_reset, tmp_path)
    sites_reset.override("kdramabuzz", "/feed.xml", "<html><body>Moved</body>")
    url = sites_reset.base("kdramabuzz") + "/feed.xml"
    with caplog.at_level(logging.WARNING):
        [failed] = list(spider.parse_feed(fetch(url)))
    assert isinstance(failed, FetchFailed)
    assert (failed.url, failed.reason) == (url, "malformed-xml")
    assert failed.detail.startswith("feed: ")
    assert "malformed feed" in caplog.text


# ---------------------------------------------------------------- sitemaps


def test_sitemap_index_follows_its_sitemaps_newest_first(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    found = requests(spider.parse_sitemap(fetch(base + "/sitemap_index.xml")))
    assert paths(found, base) == ["/sitemap-posts.xml", "/sitemap-pages.xml"]
    assert all(r.callback == spider.parse_sitemap for r in found)


def test_urlset_gives_its_articles_newest_first(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    found = requests(spider.parse_sitemap(fetch(base + "/sitemap-posts.xml")))
    assert paths(found, base) == [D, C, A, B]
    assert all(r.callback == spider.parse_article for r in found)


def test_urlset_entries_that_are_not_articles_are_skipped(
    sites: LocalSites, tmp_path: Path
) -> None:
    spider = spider_for(sites, tmp_path)
    assert (
        requests(spider.parse_sitemap(fetch(sites.base("kdramabuzz") + "/sitemap-pages.xml"))) == []
    )


def test_google_news_sitemap(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path, "syndicator")
    base = sites.base("syndicator")
    found = requests(spider.parse_sitemap(fetch(base + "/news-sitemap.xml")))
    assert paths(found, base) == [
        "/news/stranger-things-5-final-season-what-we-know.html",
        "/news/all-of-us-are-dead-season-2-release-date.html",
    ]


def test_gzipped_sitemap(sites_reset: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites_reset, tmp_path)
    base = sites_reset.base("kdramabuzz")
    template = (Path(sites_reset.root) / "kdramabuzz" / "sitemap-posts.xml").read_text()
    compressed = gzip.compress(sites_reset.render("kdramabuzz", template).encode())
    sites_reset.override("kdramabuzz", "/sitemap-posts.xml.gz", compressed)
    found = requests(spider.parse_sitemap(fetch(base + "/sitemap-posts.xml.gz")))
    assert paths(found, base) == [D, C, A, B]


def test_robots_txt_as_a_sitemap_source(sites: LocalSites, tmp_path: Path) -> None:
    base = sites.base("kdramabuzz")
    spider = spider_for(sites, tmp_path, sitemaps=[base + "/robots.txt"])
    found = requests(spider.parse_sitemap(fetch(base + "/robots.txt")))
    assert paths(found, base) == ["/sitemap_index.xml"]
    assert found[0].callback == spider.parse_sitemap


def test_a_page_that_is_not_a_sitemap_is_recorded_and_followed_no_further(
    sites: LocalSites, tmp_path: Path
) -> None:
    spider = spider_for(sites, tmp_path)
    [failed] = list(spider.parse_sitemap(fetch(sites.base("kdramabuzz") + "/about/")))
    assert isinstance(failed, FetchFailed) and failed.reason == "malformed-xml"


# ---------------------------------------------------------------- listing pages


def test_home_page_articles_first_then_listing_pages(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    found = requests(spider.parse_listing(fetch(base + "/")))
    kinds = [r.meta[KIND_META] for r in found]
    articles = [r for r in found if r.meta[KIND_META] == "article"]
    listings = [r for r in found if r.meta[KIND_META] == "listing"]
    assert kinds == sorted(kinds)  # "article" < "listing": every article comes first
    assert set(paths(articles, base)) == {A, B, C, D, TRACKING, AMP, DEAD}
    assert all(r.callback == spider.parse_article for r in articles)
    # /private/ is robots.txt's business (the middleware drops it), not the spider's.
    assert set(paths(listings, base)) == {"/about/", "/private/leak/"}
    assert all(r.callback == spider.parse_listing for r in listings)


def test_listing_never_follows_denied_or_other_sites(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    found = requests(spider.parse_listing(fetch(sites.base("kdramabuzz") + "/")))
    urls = [r.url for r in found]
    assert not [url for url in urls if "/tag/" in url or "/author/" in url]
    assert all(url.startswith(sites.base("kdramabuzz") + "/") for url in urls)
    assert not [url for url in urls if "#" in url]
    assert len(urls) == len(set(urls))


def test_same_site_ignores_www_but_not_the_port() -> None:
    source = Source(name="s", start_urls=("http://www.example.com/",))
    spider = NewsSpider(source)
    body = b"""<a href="http://example.com/a/">a</a> <a href="https://www.example.com/b/">b</a>
      <a href="http://example.com:8080/c/">c</a> <a href="http://news.example.com/d/">d</a>"""
    page = HtmlResponse(
        "http://www.example.com/", body=body, request=Request("http://www.example.com/")
    )
    found = requests(spider.parse_listing(page))
    assert [r.url for r in found] == ["http://example.com/a/", "https://www.example.com/b/"]


# ---------------------------------------------------------------- the page budget


def test_the_budget_counts_every_kind_of_page(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path, max_pages=5)
    base = sites.base("kdramabuzz")
    assert len(start_requests(spider)) == 3
    assert paths(requests(spider.parse_feed(fetch(base + "/feed.xml"))), base) == [D, C]
    assert requests(spider.parse_listing(fetch(base + "/"))) == []
    assert spider.scheduled == 5


def test_limit_lowers_the_budget(sites: LocalSites, tmp_path: Path) -> None:
    source = source_for(sites, tmp_path, "kdramabuzz")
    spider = NewsSpider(source, limit=2)
    assert len(start_requests(spider)) == 2
    assert requests(spider.parse_listing(fetch(sites.base("kdramabuzz") + "/"))) == []


def test_a_url_is_requested_once_whatever_links_to_it(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    from_feed = requests(spider.parse_feed(fetch(base + "/feed.xml")))
    from_sitemap = requests(spider.parse_sitemap(fetch(base + "/sitemap-posts.xml")))
    assert paths(from_feed, base) == [D, C]
    assert paths(from_sitemap, base) == [A, B]
    assert spider.scheduled == 4


# ---------------------------------------------------------------- article pages


def test_article_page_becomes_a_fetched_page(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    page, *rest = spider.parse_article(fetch(base + A))
    assert isinstance(page, FetchedPage)
    assert (page.source, page.url, page.request_url, page.status) == (
        "kdramabuzz",
        base + A,
        base + A,
        200,
    )
    assert page.encoding == "utf-8"
    assert page.body.decode() == page.html
    assert "4 thoughts on “All Of Us Are Dead Season 2" in page.html
    assert page.fetched_at.tzinfo is not None
    # Its links to other articles (sidebar, trending, next post) are followed; nothing else is.
    assert set(paths(requests(rest), base)) == {B, C, D, DEAD}


def test_fetched_page_keeps_the_url_before_redirects(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    base = sites.base("kdramabuzz")
    response = fetch(base + A, redirect_urls=[base + "/?p=412", base + "/2024/05/old-slug/"])
    page = next(spider.parse_article(response))
    assert isinstance(page, FetchedPage)
    assert (page.url, page.request_url) == (base + A, base + "/?p=412")


def test_a_non_text_article_fails_as_not_html(sites_reset: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites_reset, tmp_path)
    sites_reset.override(
        "kdramabuzz", "/2024/05/cover.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
    )
    outputs = list(
        spider.parse_article(fetch(sites_reset.base("kdramabuzz") + "/2024/05/cover.jpg"))
    )
    assert len(outputs) == 1
    failed = outputs[0]
    assert isinstance(failed, FetchFailed)
    assert (failed.source, failed.reason) == ("kdramabuzz", "not-html")
    assert failed.url.endswith("/2024/05/cover.jpg")


# ---------------------------------------------------------------- errors


def failure_for(
    exc: BaseException, kind: str, url: str = "http://127.0.0.1:1/2024/05/x/"
) -> Failure:
    failure = Failure(exc)
    failure.request = Request(url, meta={KIND_META: kind})  # type: ignore[attr-defined]
    return failure


def not_found() -> HttpError:
    response = HtmlResponse("http://127.0.0.1:1/2024/05/x/", status=404, body=b"")
    return HttpError(response, "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (not_found(), "http-404"),
        (twisted_errors.TimeoutError(), "timeout"),
        (twisted_errors.TCPTimedOutError(), "timeout"),
        (twisted_errors.DNSLookupError(), "dns"),
        (twisted_errors.ConnectionRefusedError(), "connection"),
        (twisted_errors.ConnectionLost(), "connection"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots"),
        (IgnoreRequest("offsite"), "IgnoreRequest"),
        (ValueError("odd"), "ValueError"),
    ],
)
def test_failure_reasons(exc: BaseException, reason: str) -> None:
    assert failure_reason(exc) == reason


def test_newer_scrapy_download_errors_have_the_same_reasons() -> None:
    exceptions = pytest.importorskip("scrapy.exceptions")
    if not hasattr(exceptions, "DownloadTimeoutError"):
        pytest.skip("this Scrapy hands Twisted's exceptions to errbacks")
    assert failure_reason(exceptions.DownloadTimeoutError()) == "timeout"
    assert failure_reason(exceptions.CannotResolveHostError()) == "dns"
    assert failure_reason(exceptions.DownloadConnectionRefusedError()) == "connection"


def test_a_failed_article_becomes_fetch_failed(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    (failed,) = spider.on_error(failure_for(not_found(), "article"))
    assert isinstance(failed, FetchFailed)
    assert (failed.source, failed.url, failed.reason) == (
        "kdramabuzz",
        "http://127.0.0.1:1/2024/05/x/",
        "http-404",
    )


def test_a_robots_excluded_article_is_recorded_as_such(sites: LocalSites, tmp_path: Path) -> None:
    spider = spider_for(sites, tmp_path)
    (failed,) = spider.on_error(failure_for(IgnoreRequest("Forbidden by robots.txt"), "article"))
    assert isinstance(failed, FetchFailed)
    assert failed.reason == "robots"


def test_feeds_sitemaps_and_listings_that_fail_are_recorded_too(
    sites: LocalSites, tmp_path: Path
) -> None:
    spider = spider_for(sites, tmp_path)
    (failed,) = spider.on_error(failure_for(twisted_errors.DNSLookupError(), "feed"))
    assert isinstance(failed, FetchFailed)
    assert (failed.reason, failed.detail.split(":")[0]) == ("dns", "feed")


def test_a_robots_excluded_listing_page_is_only_logged(
    sites: LocalSites, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spider = spider_for(sites, tmp_path)
    robots = IgnoreRequest("Forbidden by robots.txt")
    with caplog.at_level(logging.INFO):
        assert list(spider.on_error(failure_for(robots, "listing"))) == []
    assert "not fetched: robots.txt" in caplog.text


# ---------------------------------------------------------------- construction


def test_a_source_can_be_named_with_its_file(sites: LocalSites, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml")
    spider = NewsSpider(source="syndicator", sources_file=str(path), limit="2")
    assert spider.source.name == "syndicator"
    assert spider.budget == 2


def test_an_unknown_source_name_is_a_source_error(sites: LocalSites, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml")
    with pytest.raises(SourceError, match="known sources: kdramabuzz, syndicator"):
        NewsSpider(source="soompi", sources_file=path)


def test_from_crawler_looks_names_up_in_marquee_sources(sites: LocalSites, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml", max_pages=7)
    crawler = get_crawler(NewsSpider, {"MARQUEE_SOURCES": str(path), "DOWNLOAD_MAXSIZE": 1234})
    spider = NewsSpider.from_crawler(crawler, source="kdramabuzz")
    assert (spider.source.name, spider.budget, spider.max_size) == ("kdramabuzz", 7, 1234)


def test_from_crawler_takes_a_source_object(sites: LocalSites, tmp_path: Path) -> None:
    source = source_for(sites, tmp_path, "syndicator")
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), source=source, limit=3)
    assert spider.source is source
    assert spider.budget == 3
