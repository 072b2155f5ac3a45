"""Wiring: sources, the Scrapy spider and item pipeline, the crawl runner and the `marquee` CLI."""
