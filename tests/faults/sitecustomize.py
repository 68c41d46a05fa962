"""A full disk for the crawls of tests/test_trust.py, in SQLite's own terms.

A test puts this folder first on PYTHONPATH and sets NEWSDESK_TEST_MAX_PAGES: every SQLite
connection the process opens is then capped at that many pages (`PRAGMA max_page_count`), and a
write that would grow the archive past it fails as on a full disk, with SQLite's
"database or disk is full". Nothing of newsdesk is replaced; only the file may not grow.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

_connect = sqlite3.connect


def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)
    conn.execute(f"PRAGMA max_page_count = {int(os.environ['NEWSDESK_TEST_MAX_PAGES'])}")
    return conn


if os.environ.get("NEWSDESK_TEST_MAX_PAGES"):
    sqlite3.connect = connect
