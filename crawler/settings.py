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
