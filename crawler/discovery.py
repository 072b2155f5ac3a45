"""Find how to crawl a new site from its home page: its robots.txt, feeds, sitemaps, and which of
its URLs are articles (`marquee sources add`)."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree, html
from protego import Protego
from scrapy.utils.sitemap import Sitemap

from crawler.exceptions import FetchError, MarqueeError
from crawler.fetch import USER_AGENT, RawPage, fetch_url
from pipeline.extract import decode_html
from pipeline.identity import site_key

FEED_PATHS = ("/feed/", "/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
MAX_CHILD_SITEMAPS = 3  # of a sitemap index, read to find article URLs
# An allow pattern is proposed when at least this share of the article candidates fit it.
PATTERN_SHARE = 0.6
DATED_PATH = re.compile(r"/\d{4}/\d{2}/")
# A link from a listing page looks like an article when its last path segment is a slug.
SLUG = re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){2,}/?(?:\.html?)?$", re.I)

Fetch = Callable[[str], RawPage]


class RobotsRefusal(MarqueeError):
    """The site's robots.txt disallows Marquee its home page: it is not added."""

    exit_code = 3


@dataclass
class Discovery:
    """What a site offers a crawler: entry points, and the URLs that look like articles."""

    home: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    article_urls: list[str] = field(default_factory=list)
    allow: tuple[str, ...] = ()
    robots: Protego | None = None

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Marquee fetch the URL."""
        return self.robots is None or bool(self.robots.can_fetch(url, USER_AGENT))


class Fetcher:
    """Fetches pages one at a time, at most one request per ``delay`` seconds."""

    def __init__(self, delay: float = 1.0, fetch: Fetch = fetch_url) -> None:
        self.delay = delay
        self._fetch = fetch
        self._last = 0.0

    def __call__(self, url: str) -> RawPage:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self._fetch(url)
        finally:
            self._last = time.monotonic()

    def text(self, url: str) -> str | None:
        """The page decoded, or None when it cannot be fetched (a missing feed is normal)."""
        try:
            page = self(url)
        except FetchError:
            return None
        try:
            return decode_html(page.data, page.declared_encoding)[0]
        except ValueError:
            return None

    def data(self, url: str) -> bytes | None:
        try:
            return self(url).data
        except FetchError:
            return None


def discover(home: str, fetcher: Fetcher) -> Discovery:
    """robots.txt, feeds, sitemaps and article URLs of the site whose home page is ``home``."""
    found = Discovery(home=home, robots=robots_rules(home, fetcher))
    if not found.allowed(home):
        raise RobotsRefusal(
            f"{home}: robots.txt disallows {USER_AGENT.split('/')[0]} from crawling this site; "
            "not adding it"
        )
    page = fetcher.text(home)
    if page is None:
        raise FetchError(f"{home}: cannot fetch the home page")
    found.feeds, feed_urls = _feeds(home, page, fetcher)
    found.sitemaps, sitemap_urls = _sitemaps(home, found.robots, fetcher)
    candidates = [*feed_urls, *sitemap_urls] or article_links(home, page)
    same_site = [url for url in dict.fromkeys(candidates) if site_key(url) == site_key(home)]
    found.allow = infer_allow(same_site)
    found.article_urls = [url for url in same_site if _matches(url, found.allow)]
    return found


def source_article_urls(
    entry_points: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    is_article: Callable[[str], bool],
    fetcher: Fetcher,
) -> list[str]:
    """Article URLs a configured source's (feeds, sitemaps, start_urls) list right now, the
    way a crawl would find them, in that order."""
    feeds, sitemaps, start_urls = entry_points
    found: list[str] = []
    for feed in feeds:
        data = fetcher.data(feed)
        if data is not None:
            parsed = feedparser.parse(data, response_headers={"content-location": feed})
            found += [urljoin(feed, entry["link"]) for entry in parsed.entries if entry.get("link")]
    for url in sitemaps:
        sitemap = _read_sitemap(fetcher.data(url))
        if sitemap is not None:
            found += _sitemap_urls(url, sitemap, fetcher)
    for url in start_urls:
        page = fetcher.text(url)
        if page is not None:
            found += _links(url, page)
    sites = {site_key(url) for url in (*feeds, *sitemaps, *start_urls)}
    return [url for url in dict.fromkeys(found) if site_key(url) in sites and is_article(url)]


def infer_allow(urls: Sequence[str]) -> tuple[str, ...]:
    """A URL pattern most article URLs share: a /YYYY/MM/ date, else a first path segment;
    none when they share neither (every same-site link is then a candidate)."""
    paths = [urlsplit(url).path for url in urls]
    if not paths:
        return ()
    if sum(bool(DATED_PATH.search(path)) for path in paths) >= PATTERN_SHARE * len(paths):
        return (r"/\d{4}/\d{2}/",)
    firsts = Counter(path.split("/")[1] for path in paths if path.count("/") >= 2)
    if firsts:
        segment, count = firsts.most_common(1)[0]
        if segment and count >= PATTERN_SHARE * len(paths):
            return (f"/{re.escape(segment)}/",)
    return ()


def _matches(url: str, allow: tuple[str, ...]) -> bool:
    return not allow or any(re.search(pattern, url) for pattern in allow)


def robots_rules(home: str, fetcher: Fetcher) -> Protego | None:
    """The site's robots.txt, parsed; None when it has none."""
    text = fetcher.text(urljoin(home, "/robots.txt"))
    return None if text is None else Protego.parse(text)


def _feeds(home: str, page: str, fetcher: Fetcher) -> tuple[list[str], list[str]]:
    """Feeds that parse with entries (declared ones first, then common paths), and the entry
    links of all of them."""
    declared = _declared_feeds(home, page)
    candidates = dict.fromkeys([*declared, *(urljoin(home, path) for path in FEED_PATHS)])
    feeds: list[str] = []
    links: list[str] = []
    for url in candidates:
        data = fetcher.data(url)
        if data is None:
            continue
        parsed = feedparser.parse(data, response_headers={"content-location": url})
        entries = [urljoin(url, entry["link"]) for entry in parsed.entries if entry.get("link")]
        if entries and not _same_feed(entries, links):
            feeds.append(url)
            links += entries
        if feeds and url not in declared:
            break  # one working common path is enough
    return feeds, links


def _same_feed(entries: list[str], known: list[str]) -> bool:
    """Whether a feed only repeats the entries of one found already (/feed and /feed/)."""
    return bool(known) and set(entries) <= set(known)


def _declared_feeds(home: str, page: str) -> list[str]:
    root = html.fromstring(page)
    links = root.xpath("//link[@rel='alternate'][@href]")
    return [urljoin(home, link.get("href")) for link in links if link.get("type") in FEED_TYPES]


def _sitemaps(home: str, robots: Protego | None, fetcher: Fetcher) -> tuple[list[str], list[str]]:
    """Sitemaps robots.txt names (else the common paths that answer with one), and the URLs
    their urlsets list, newest first where they say."""
    named = list(robots.sitemaps) if robots is not None else []
    candidates = named or [urljoin(home, path) for path in SITEMAP_PATHS]
    sitemaps: list[str] = []
    urls: list[str] = []
    for url in candidates:
        sitemap = _read_sitemap(fetcher.data(url))
        if sitemap is None:
            continue
        sitemaps.append(url)
        urls += _sitemap_urls(url, sitemap, fetcher)
        if not named:
            break  # one working common path is enough
    return sitemaps, urls


def _sitemap_urls(url: str, sitemap: Sitemap, fetcher: Fetcher) -> list[str]:
    entries = sorted(
        (entry for entry in sitemap if entry.get("loc")),
        key=lambda entry: entry.get("lastmod") or "",
        reverse=True,
    )
    locations = [urljoin(url, entry["loc"]) for entry in entries]
    if sitemap.type != "sitemapindex":
        return locations
    found: list[str] = []
    for child in locations[:MAX_CHILD_SITEMAPS]:
        inner = _read_sitemap(fetcher.data(child))
        if inner is not None and inner.type == "urlset":
            found += _sitemap_urls(child, inner, fetcher)
    return found


def _read_sitemap(data: bytes | None) -> Sitemap | None:
    if not data:
        return None
    try:
        sitemap = Sitemap(data)
    except (SyntaxError, StopIteration, etree.Error):
        return None
    return sitemap if sitemap.type in ("urlset", "sitemapindex") else None


def article_links(home: str, page: str) -> list[str]:
    """Links of the home page whose last path segment is a slug: the likely articles."""
    return [url for url in _links(home, page) if SLUG.search(urlsplit(url).path)]


def _links(base: str, page: str) -> list[str]:
    """The page's links, absolute and without fragments, in page order."""
    root = html.fromstring(page)
    hrefs: Iterable[str] = (link.get("href") for link in root.xpath("//a[@href]"))
    return list(dict.fromkeys(urljoin(base, href).split("#")[0] for href in hrefs))
