"""Pure article processing: HTML and text in, plain frozen data out (no Scrapy, no SQL)."""
