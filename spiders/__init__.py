"""newsdesk's spiders: which URLs to fetch and how to follow them. Crawl logic only."""
