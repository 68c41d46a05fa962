"""One crawl per archive at a time: an OS file lock beside the archive (`news.db.lock`).

The kernel drops the lock when its process ends, however it ends (kill -9 included), so a
crashed crawl never leaves the archive locked.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger(__name__)


class ArchiveBusy(Exception):
    """Another crawl holds this archive's lock."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def crawl_lock(db_path: str | Path, *, wait: float = 0) -> Iterator[None]:
    """Hold the archive's crawl lock for the block; raise `ArchiveBusy` when another crawl
    holds it: at once, or after waiting `wait` seconds for it (`math.inf`: as long as it takes)."""
    lock = FileLock(lock_path(db_path), timeout=-1 if math.isinf(wait) else wait)
    try:
        lock.acquire()
    except Timeout as exc:
        raise ArchiveBusy(
            f"{db_path}: another crawl is running on this archive; "
            + (f"waited {wait:g} s, " if wait else "")
            + "this one stops (pass --wait to wait for it)"
        ) from exc
    logger.debug("holding %s", lock.lock_file)
    try:
        yield
    finally:
        lock.release()
