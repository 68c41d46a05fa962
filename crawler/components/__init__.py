"""newsdesk's Scrapy components: settings, the robots.txt middleware, incremental crawling
(extension and middlewares). Thin adapters between Scrapy and the ingest core."""
