"""Scaling out (`newsdesk crawl --redis URL`, `newsdesk ingest`): crawl workers share one request
queue and one seen filter in Redis through scrapy-redis, and one ingester owns the archive.

Scrapy-free: `keys`, `serializer`, `messages`, `jobs`, `cycle` and `ingester` (the ingester runs
without Scrapy). Scrapy components: `scheduler` (scrapy-redis' scheduler, queue and dupefilter),
`politeness` (per-host slots shared by every worker), `worker` (spider, result pusher, settings).
Nothing here is imported unless `--redis` is given.
"""
