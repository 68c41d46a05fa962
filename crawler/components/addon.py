"""newsdesk's Scrapy components for anyone's Scrapy project, as a Scrapy add-on (Scrapy >= 2.10):

    # settings.py of your project
    ADDONS = {"crawler.components.addon.NewsdeskAddon": 100}
    NEWSDESK_DB = "news.db"  # the archive (the default)

Your spiders then yield `crawler.ingest.items.ArticlePage(url, body, encoding)` for the pages
that hold articles (or subclass `spiders.base.ArticleSpider` and yield its `article_request`s),
and newsdesk extracts and stores them in its archive, with its robots.txt rules (RFC 9309),
Retry-After and incremental components, as `newsdesk crawl` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.components import settings as newsdesk
from crawler.components.delay import keep_concurrency_limit

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# newsdesk's component dictionaries, merged into the project's.
COMPONENTS = ("ITEM_PIPELINES", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES")


class NewsdeskAddon:
    """Adds newsdesk's pipeline, extensions and middlewares to a project (replacing Scrapy's
    robots.txt middleware), newsdesk's `NEWSDESK_*` settings with their defaults, and
    ROBOTSTXT_OBEY. All at the "addon" priority: what the project's own settings say wins,
    except a DOWNLOAD_DELAY under 1 ms, taken as 1 ms (crawler/components/delay.py)."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name in COMPONENTS:
            components = settings[name]  # a BaseSettings of import path: order
            for path, order in getattr(newsdesk, name).items():
                components.set(path, order, priority="addon")
        for name in dir(newsdesk):
            if name.startswith("NEWSDESK_"):
                settings.set(name, getattr(newsdesk, name), priority="addon")
        settings.set("ROBOTSTXT_OBEY", True, priority="addon")
        settings.set("DUPEFILTER_CLASS", newsdesk.DUPEFILTER_CLASS, priority="addon")
        keep_concurrency_limit(settings)
