"""Scrapy settings for every crawl and the MARQUEE_* keys; per-source data is in sources files."""

BOT_NAME = "marquee"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: say who we are, obey robots.txt, and stay slow enough not to burden small sites.
USER_AGENT = "Marquee/0.1 (+https://github.com/marquee-news/marquee)"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
# Scrapy randomises the delay (0.5x to 1.5x) by default. The setting for that was renamed within
# the Scrapy versions pyproject allows (RANDOMIZE_DOWNLOAD_DELAY, now DOWNLOAD_DELAY_JITTER), so
# it is left at its default rather than set under a name one of them warns about.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# An article page is well under a megabyte; anything near these sizes is a video or an accident.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# Scrapy's default codes, spelled out: 429 and 503 are retried after their Retry-After.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A body shorter than its Content-Length (a reset, a broken chunk) is an error, never a page.
DOWNLOAD_FAIL_ON_DATALOSS = True
# RFC 9309 asks crawlers to follow five redirects for robots.txt; an article needs no more.
REDIRECT_MAX_TIMES = 5

# Only http(s) is ever downloaded: no file://, data:, ftp:// or s3:// handler, even by redirect.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
DOWNLOADER_MIDDLEWARES = {
    # robots.txt per RFC 9309 (5xx or unreachable: the host is off limits) with Crawl-delay.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,
    # Scrapy's retries, waiting out Retry-After (and 429/503) before retrying.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # Sees 3xx responses just before Scrapy's RedirectMiddleware (600): scheme, loop, hops.
    "crawler.middlewares.RedirectGuardMiddleware": 610,
    # Decodes HTML as the pipeline does, once HttpCompressionMiddleware (590) has unpacked it.
    "crawler.middlewares.HtmlEncodingMiddleware": 585,
}

# Feeds, sitemaps and home pages are one or two hops from every article worth having.
DEPTH_LIMIT = 3

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# `marquee crawl` prints its own per-source summary; the full stats dump would bury it.
STATS_DUMP = False

# REQUEST_FINGERPRINTER_IMPLEMENTATION is not set: Scrapy 2.13+ has only the current fingerprinter.

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}

# Marquee's own keys (overridable with -s NAME=VALUE or by the runner).
MARQUEE_DB = "sqlite:///marquee.db"  # SQLAlchemy URL of the store
MARQUEE_RUN_ID = None  # id of the crawl_runs row this crawl reports into, set by the runner
# Where `scrapy crawl news -a source=NAME` looks the name up; None: the default lookup.
MARQUEE_SOURCES = None
# Seconds a page may take to extract before it is recorded as failed ("timeout").
MARQUEE_EXTRACT_TIMEOUT = 30.0
# New articles between reloads of a source's learned template during a crawl.
MARQUEE_TEMPLATE_REFRESH_PAGES = 20
# Pages stored per transaction, and the most seconds a page waits for its batch to fill.
MARQUEE_STORE_BATCH = 100
MARQUEE_STORE_WAIT = 2.0
# Most seconds a robots.txt Crawl-delay may space the requests to its host.
MARQUEE_CRAWL_DELAY_MAX = 30.0
# Most seconds a Retry-After holds a host before the retry.
MARQUEE_RETRY_AFTER_MAX = 60.0
# Seconds to wait before retrying a 429 or 503 that sends no Retry-After.
MARQUEE_RETRY_AFTER_DEFAULT = 5.0
