"""newsdesk's Scrapy glue and application surface: settings, items, pipelines, extraction, CLI."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
