"""newsdesk: news feeds in, clean stories in a SQLite archive out.

Rooms, each importing only the ones after it (README: Architecture): `app` (API, CLI, config,
serve), `components` (Scrapy adapters), `policy` (schedule, plan, lock, runs), `ingest` (the
Scrapy-free core every download path shares), `extraction` (pure HTML to story).
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
