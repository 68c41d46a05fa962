"""Crawl policy: when feeds and articles are due, what a run will fetch, one crawl per archive,
and how a run ended. No Scrapy."""
