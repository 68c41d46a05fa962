"""The Scrapy-free ingest core: items, failure reasons, URL identity, feed parsing, row building,
the extraction worker pool and the archive pipeline that every download path shares."""
