"""Faults and bad input (issue 6), crawled for real: one `marquee crawl` of a local fault server
whose pages each misbehave in one way, then what the server saw and what the store holds (no
article for a failed page, a `failures` row with its reason), and the crawl's peak memory."""

from __future__ import annotations

import asyncio
import codecs
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.core.downloader.handlers import DownloadHandlers
from scrapy.exceptions import NotSupported
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings
from crawler.spiders.news import failure_reason
from pipeline.extract import decode_html
from tests import faultserver as fs
from tests.faultserver import Crawled, FaultServer, Site

pytestmark = pytest.mark.crawl

ATTEMPTS = 2  # RETRY_TIMES=1 in faultserver.QUICK: the first try and one retry
WAIT = 1.0  # MARQUEE_RETRY_AFTER_MAX and MARQUEE_RETRY_AFTER_DEFAULT of this crawl
EARLY = 0.15  # timer and clock rounding: a wait may seem this much shorter, seen from the server
MAX_RSS = 500 * 1024 * 1024  # bytes; a decompressed bomb alone would be twice that
BOMB_SIZE = 1 << 30  # bytes a bomb decompresses to; DOWNLOAD_MAXSIZE is 10 MiB
SECRET = "marquee-xxe-secret-7c41"
PASSWORD = "hunter2-never-logged"  # in a redirect's URL
WESTERN = "Zoë’s café — naïve “fans” déjà vu"
CYRILLIC = "Сон Хе Гё снялась в новой дораме"
WESTERN_ENTITIES = (
    "Zo&euml;&rsquo;s caf&#233; &mdash; na&iuml;ve &ldquo;fans&rdquo; d&eacute;j&#xE0; vu"
)


def article(seed: int, phrase: str = "", head: str = "") -> str:
    """An article page (text different for every seed), ``phrase`` in its first paragraph."""
    first, *rest = fs.prose(seed)
    return fs.article_html(f"Fault test article {seed}", [f"{phrase} {first}", *rest], head=head)


STATUSES = {  # path: status, Retry-After
    "/a/status-500": (500, "1"),
    "/a/status-503": (503, "1"),
    "/a/status-429": (429, None),
}
RECOVERS = "/a/status-503-then-ok"
TIMEOUTS = ("/a/hang-before-headers", "/a/hang-after-headers", "/a/drip")
PARTIAL = {  # path: reason
    "/a/reset-midway": "data-loss",
    "/a/reset-at-once": "connection",
    "/a/short-body": "data-loss",
    "/a/broken-chunked": "data-loss",
}
CHARSETS = {  # path: (body, Content-Type, text expected in the article, encoding recorded)
    "/a/bom-beats-header": (
        b"\xef\xbb\xbf" + article(30, WESTERN).encode("utf-8"),
        "text/html; charset=iso-8859-1",
        WESTERN,
        "utf-8",
    ),
    "/a/header-beats-meta": (
        article(31, WESTERN, "<meta charset='utf-8'>").encode("cp1252"),
        "text/html; charset=windows-1252",
        WESTERN,
        "cp1252",
    ),
    "/a/unknown-header-charset": (
        article(32, WESTERN, "<meta charset='windows-1252'>").encode("cp1252"),
        "text/html; charset=no-such-charset",
        WESTERN,
        "cp1252",
    ),
    "/a/meta-only": (
        article(
            33,
            CYRILLIC,
            "<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>",
        ).encode("cp1251"),
        "text/html",
        CYRILLIC,
        "cp1251",
    ),
    "/a/undeclared-utf8": (article(34, WESTERN).encode("utf-8"), "text/html", WESTERN, "utf-8"),
    "/a/undeclared-cp1252": (article(35, WESTERN).encode("cp1252"), "text/html", WESTERN, "cp1252"),
    "/a/invalid-utf8": (
        article(36, f"{WESTERN} INVALID").encode("utf-8").replace(b"INVALID", b"bad \xff byte"),
        "text/html; charset=utf-8",
        f"{WESTERN} bad \ufffd byte",
        "utf-8",
    ),
    "/a/entities": (
        article(37, WESTERN_ENTITIES).encode("ascii"),
        "text/html; charset=utf-8",
        WESTERN,
        "utf-8",
    ),
}
BOMBS = ("/a/gzip-bomb", "/a/br-bomb")
HUGE = ("/a/50mb", "/a/50mb-unannounced")
DEEP = "/a/deep-dom"
UNREADABLE = ("/a/binary-as-html", "/a/empty")
FROM_FEEDS = ("/a/from-feed-1", "/a/from-feed-2", "/a/from-sitemap-1", "/a/from-sitemap-2")
TRACKED = ("/a/tracked?utm_source=newsletter&utm_medium=email", "/a/tracked?fbclid=abc123")


@dataclass(frozen=True)
class Faults:
    """The fault server and the crawl of it."""

    server: FaultServer
    crawled: Crawled

    def url(self, path: str) -> str:
        return self.server.base + path

    def failure(self, path: str) -> tuple[str, str]:
        """The page's one failure: (reason, detail)."""
        (failure,) = self.crawled.failures(self.url(path))
        return failure

    def stored(self, path: str) -> bool:
        return bool(self.crawled.article_ids(self.url(path)))


def _xml_documents(base: str, secret: Path) -> dict[str, str]:
    """A cut-off feed and sitemap with external entities, and a sitemap with every XML attack."""
    # External entities: a local file holding a secret, a URL on the fault server. The hostile
    # sitemap adds an external DTD, a parameter entity and a billion laughs.
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)
    )
    external = f'<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY net SYSTEM "{base}/entity/general">'
    parameter = f'<!ENTITY % remote SYSTEM "{base}/entity/parameter"> %remote;'
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{external}{laughs}{parameter}]>'
        '<rss version="2.0"><channel><title>Faults &xxe; &net; &lol9;</title>'
        f"<item><title>One & &xxe;</title><link>{base}/a/from-feed-1</link>"
        "<description>&xxe; &net; &lol9;</description></item>"
        f"<item><title>Two</title><link>{base}/a/from-feed-2</link>"
    )
    sitemap = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{external}]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/a/from-sitemap-1</loc><lastmod>&xxe;&net;</lastmod></url>"
        f"<url><loc>{base}/a/from-sitemap-2</loc>"
    )
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "{base}/entity/dtd" '
        f"[{external}{laughs}{parameter}]>"
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/a/from-sitemap-3</loc><lastmod>&xxe;&net;&lol9;</lastmod></url>"
        "</urlset>"
    )
    return {"/feed.xml": feed, "/sitemap.xml": sitemap, "/sitemap-hostile.xml": hostile}


def _route_faults(server: FaultServer, secret: Path) -> list[str]:
    """Every fault's page; returns the paths the home page links to."""
    partial = article(20).encode()
    port = urlsplit(server.base).port
    routes: dict[str, fs.Responder] = {
        **{path: fs.status(code, after) for path, (code, after) in STATUSES.items()},
        RECOVERS: fs.sequence(fs.status(503, "1"), fs.page(article(1))),
        "/a/hang-before-headers": fs.hang_before_headers(),
        "/a/hang-after-headers": fs.hang_after_headers(),
        "/a/drip": fs.drip(partial, interval=1.0),
        "/a/reset-midway": fs.reset_midway(partial),
        "/a/reset-at-once": fs.reset_at_once(),
        "/a/short-body": fs.short_body(partial),
        "/a/broken-chunked": fs.broken_chunked(partial),
        "/a/to-file": fs.redirect(f"file://{secret}"),
        "/a/to-ftp": fs.redirect(f"ftp://marquee:{PASSWORD}@127.0.0.1:{port}/a/file"),
        "/a/to-data": fs.redirect("data:text/html,<p>hello</p>"),
        "/a/loop-1": fs.redirect("/a/loop-2"),
        "/a/hop-0": fs.redirect("/a/hop-1"),
        **{path: fs.page(body, ctype) for path, (body, ctype, *_) in CHARSETS.items()},
        "/a/gzip-bomb": fs.page(fs.gzip_bomb(BOMB_SIZE), headers=[("Content-Encoding", "gzip")]),
        "/a/br-bomb": fs.page(fs.brotli_bomb(BOMB_SIZE), headers=[("Content-Encoding", "br")]),
        "/a/50mb": fs.stream(50 << 20, with_length=True),
        "/a/50mb-unannounced": fs.stream(50 << 20, with_length=False),
        DEEP: fs.page(b"".join(fs.deep_dom(100_000, fs.prose(40)))),
        "/a/binary-as-html": fs.page(bytes(range(256)) * 80),
        "/a/empty": fs.page(b""),
        "/a/tracked": fs.page(article(50)),
    }
    for path, responder in routes.items():
        server.route(path, responder)
    # Reached only by redirects, never linked: a redirect to them is a new request.
    server.route("/a/loop-2", fs.redirect("/a/loop-1"))
    for hop in range(1, 8):
        server.route(f"/a/hop-{hop}", fs.redirect(f"/a/hop-{hop + 1}"))
    server.route("/a/hop-8", fs.page(article(2)))
    for path, document in _xml_documents(server.base, secret).items():
        server.route(path, fs.page(document, "application/xml"))
    for seed, path in enumerate([*FROM_FEEDS, "/a/from-sitemap-3"], start=60):
        server.route(path, fs.page(article(seed)))
    return [*routes, *TRACKED]


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faults]:
    tmp = tmp_path_factory.mktemp("faults")
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    server = FaultServer().start()
    try:
        server.route("/", fs.page(fs.links_page(_route_faults(server, secret))))
        site = Site(
            "faults", server, feeds=["/feed.xml"], sitemaps=["/sitemap.xml", "/sitemap-hostile.xml"]
        )
        settings = ("CONCURRENT_REQUESTS_PER_DOMAIN=16", "MARQUEE_RETRY_AFTER_MAX=1")
        crawled = fs.crawl(tmp, [site], *settings, "MARQUEE_RETRY_AFTER_DEFAULT=1")
        yield Faults(server, crawled)
    finally:
        server.stop()


# ---------------------------------------------------------------- statuses


@pytest.mark.parametrize("path", list(STATUSES))
def test_error_statuses_wait_retry_then_fail_with_status_and_attempts(
    faults: Faults, path: str
) -> None:
    code, _retry_after = STATUSES[path]
    assert len(faults.server.hits(path)) == ATTEMPTS
    assert all(gap >= WAIT - EARLY for gap in faults.server.gaps(path)), faults.server.gaps(path)
    reason, detail = faults.failure(path)
    assert (reason, f"(attempts: {ATTEMPTS})" in detail) == (f"http-{code}", True)
    assert not faults.stored(path)


def test_a_503_that_recovers_is_stored_after_the_wait(faults: Faults) -> None:
    assert len(faults.server.hits(RECOVERS)) == 2
    assert faults.server.gaps(RECOVERS)[0] >= WAIT - EARLY
    assert faults.stored(RECOVERS)
    assert faults.crawled.failures(faults.url(RECOVERS)) == []


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize("path", TIMEOUTS)
def test_hangs_and_drips_hit_the_deadline_and_are_retried(faults: Faults, path: str) -> None:
    assert len(faults.server.hits(path)) == ATTEMPTS
    reason, detail = faults.failure(path)
    assert (reason, f"(attempts: {ATTEMPTS})" in detail) == ("timeout", True)
    assert not faults.stored(path)


# ---------------------------------------------------------------- broken transfers


@pytest.mark.parametrize("path", list(PARTIAL))
def test_broken_transfers_are_retried_and_never_stored(faults: Faults, path: str) -> None:
    assert len(faults.server.hits(path)) == ATTEMPTS
    reason, detail = faults.failure(path)
    assert (reason, f"(attempts: {ATTEMPTS})" in detail) == (PARTIAL[path], True)
    assert not faults.stored(path)
    # The half that did arrive (article 20's text) is nowhere in the store.
    assert fs.prose(20)[0][:60] not in faults.crawled.everything()


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize(
    ("start", "failed", "reason", "never"),
    [
        ("/a/loop-1", "/a/loop-2", "redirect-loop", ()),
        ("/a/hop-0", "/a/hop-5", "redirect-limit", ("/a/hop-6", "/a/hop-8")),
        ("/a/to-file", "/a/to-file", "redirect-scheme", ()),
        ("/a/to-ftp", "/a/to-ftp", "redirect-scheme", ("/a/file",)),
        ("/a/to-data", "/a/to-data", "redirect-scheme", ()),
    ],
)
def test_bad_redirects_are_stopped_and_recorded(
    faults: Faults, start: str, failed: str, reason: str, never: tuple[str, ...]
) -> None:
    assert faults.failure(failed)[0] == reason
    assert len(faults.server.hits(start)) == 1
    assert not [path for path in never if faults.server.hits(path)]
    assert not faults.stored(start)
    assert not faults.stored(failed)


def test_a_redirect_loop_is_recorded_with_its_chain(faults: Faults) -> None:
    _reason, detail = faults.failure("/a/loop-2")
    assert detail.count("/a/loop-1") == 2  # there and back again
    assert [len(faults.server.hits(path)) for path in ("/a/loop-1", "/a/loop-2")] == [1, 1]


def test_a_redirect_to_a_local_file_never_reads_it(faults: Faults) -> None:
    assert SECRET not in faults.crawled.everything()
    assert SECRET not in faults.crawled.log


def test_credentials_in_a_refused_url_are_never_logged_or_stored(faults: Faults) -> None:
    _reason, detail = faults.failure("/a/to-ftp")
    assert "ftp://127.0.0.1:" in detail
    assert PASSWORD not in faults.crawled.everything()
    assert PASSWORD not in faults.crawled.log


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("path", list(CHARSETS))
def test_text_is_decoded_right_and_its_encoding_recorded(faults: Faults, path: str) -> None:
    _body, _content_type, expected, encoding = CHARSETS[path]
    assert expected in faults.crawled.article_text(faults.url(path))
    recorded, raw = faults.crawled.revision(faults.url(path))
    assert recorded is not None
    assert codecs.lookup(recorded).name == codecs.lookup(encoding).name
    # `marquee reprocess` decodes the stored bytes, given the recorded encoding, alike.
    _html, reread = decode_html(raw, recorded)
    assert codecs.lookup(reread).name == codecs.lookup(encoding).name


# ---------------------------------------------------------------- size


@pytest.mark.parametrize("path", BOMBS)
def test_compression_bombs_are_dropped_and_memory_stays_flat(faults: Faults, path: str) -> None:
    assert faults.server.hits(path)  # served (twice if a loaded machine hit the deadline)
    reason, detail = faults.failure(path)
    assert (reason, "decompression" in detail) == ("too-large", True)
    assert not faults.stored(path)
    # The most memory any crawl process of this session used: a bomb inflated in memory
    # would take a gigabyte.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < MAX_RSS, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("path", HUGE)
def test_a_50_mb_page_is_rejected_as_too_large(faults: Faults, path: str) -> None:
    assert faults.failure(path)[0] == "too-large"
    assert not faults.stored(path)


def test_a_very_deep_dom_is_rejected_with_its_reason(faults: Faults) -> None:
    reason, detail = faults.failure(DEEP)
    assert reason in {"not-an-article", "timeout", "too-large", "unreadable"}, detail
    assert not faults.stored(DEEP)


# ---------------------------------------------------------------- not HTML


@pytest.mark.parametrize("path", UNREADABLE)
def test_binary_and_empty_pages_are_skipped_with_a_reason(faults: Faults, path: str) -> None:
    assert faults.failure(path)[0] == "unreadable"
    assert not faults.stored(path)


# ---------------------------------------------------------------- feeds and sitemaps


def test_malformed_feeds_and_sitemaps_are_read_in_recover_mode(faults: Faults) -> None:
    assert all(faults.stored(path) for path in FROM_FEEDS), [
        path for path in FROM_FEEDS if not faults.stored(path)
    ]


def test_xml_external_entities_are_never_resolved(faults: Faults) -> None:
    everything = faults.crawled.everything()
    assert SECRET not in everything
    assert "lollollol" not in everything  # no billion laughs either
    assert [hit.path for hit in faults.server.hits() if hit.path.startswith("/entity/")] == []


def test_malformed_feeds_and_sitemaps_are_recorded(faults: Faults) -> None:
    [(feed_reason, feed_detail)] = faults.crawled.failures(faults.url("/feed.xml"))
    [(sitemap_reason, _detail)] = faults.crawled.failures(faults.url("/sitemap.xml"))
    assert (feed_reason, sitemap_reason) == ("malformed-xml", "malformed-xml")
    assert feed_detail.startswith("feed: ")


# ---------------------------------------------------------------- duplicates


def test_urls_differing_only_in_tracking_parameters_are_one_article(faults: Faults) -> None:
    # Each variant is a URL of the same, single article.
    ids = [faults.crawled.article_ids(faults.url(path)) for path in ("/a/tracked", *TRACKED)]
    assert len(ids[0]) == 1
    assert ids == [ids[0]] * 3
    assert faults.crawled.rows(
        "SELECT count(*) FROM articles WHERE canonical_url LIKE ?", "%/a/tracked%"
    ) == [(1,)]


# ---------------------------------------------------------------- security


def _project_settings() -> dict[str, object]:
    return {
        name: getattr(crawler.settings, name) for name in dir(crawler.settings) if name.isupper()
    }


def test_only_http_and_https_have_download_handlers() -> None:
    settings = Settings()
    settings.setmodule(crawler.settings, priority="project")
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    assert {scheme for scheme, handler in handlers.items() if handler} == {"http", "https"}


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "data:text/plain,x", "ftp://127.0.0.1/x", "s3://b/k"]
)
def test_the_downloader_refuses_other_schemes(url: str) -> None:
    settings = _project_settings()
    # No http(s) client is needed to refuse these (and none is left open afterwards).
    settings["DOWNLOAD_HANDLERS"] = {
        **crawler.settings.DOWNLOAD_HANDLERS,
        "http": None,
        "https": None,
    }

    async def download() -> None:
        handlers = DownloadHandlers(get_crawler(settings_dict=settings))
        await handlers.download_request_async(Request(url))

    with pytest.raises(NotSupported) as refused:
        asyncio.run(download())
    assert failure_reason(refused.value) == "unsupported-scheme"


def test_the_telnet_console_is_off(faults: Faults) -> None:
    assert crawler.settings.TELNETCONSOLE_ENABLED is False
    assert "Telnet console listening" not in faults.crawled.log
    assert "TelnetConsole" not in faults.crawled.log
