"""`newsdesk serve`: the archive in Datasette, read-only, with newsdesk's metadata and plugin."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from importlib.resources import files
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from datasette.app import Datasette
from datasette.database import Database

from storage import Archive

logger = logging.getLogger(__name__)

# Shipped with the package; written for a database named `news` (the file news.db).
METADATA = Path(str(files("storage") / "datasette.yml"))
DATABASE = "news"  # `newsdesk serve` mounts any archive file under this name
SETTINGS = {
    "truncate_cells_html": 240,  # long text and HTML cells are cut in tables
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 3000,
}


class ServeError(ValueError):
    """The archive cannot be served as asked (address in use, ...)."""


def check_address(host: str, port: int) -> None:
    """Fail early, in one line, when the address cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port"
            ) from exc


def load_metadata() -> dict[str, Any]:
    metadata: dict[str, Any] = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return metadata


def check_archive(db_path: str | Path) -> Path:
    """An existing newsdesk archive, or `StorageError` saying why (`ArchiveMissing` when there
    is none: serving never creates one). Where newsdesk may write, its schema is brought up to
    date first, as `crawl` does; a read-only archive (file, folder or filesystem) is served as
    it is."""
    path = Path(db_path)
    # Refuses foreign files; applies pending migrations when it may write.
    Archive(path, create=False, read_only=path.is_file() and not writable(path)).close()
    return path


def writable(path: Path) -> bool:
    """Whether the archive and its folder (where SQLite keeps `-wal` and `-shm`) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def build_datasette(db_path: str | Path) -> Datasette:
    """Datasette on one archive, mounted as /news whatever the file is called. In a folder no
    one can write to, no crawl can change the archive, and SQLite could not keep its `-shm`
    file there: Datasette opens it immutable."""
    path = Path(db_path).resolve()
    ds = Datasette(metadata=load_metadata(), settings=SETTINGS)
    ds.remove_database("_memory")  # Datasette adds it when given no files
    mutable = os.access(path.parent, os.W_OK)
    ds.add_database(Database(ds, path=str(path), is_mutable=mutable), DATABASE)
    return ds


def serve(db_path: str | Path, *, host: str, port: int) -> None:
    """Serve the archive until interrupted (Ctrl-C)."""
    ds = build_datasette(check_archive(db_path))
    check_address(host, port)
    asyncio.run(ds.invoke_startup())
    logger.info("Serving %s at http://%s:%s/%s", db_path, host, port, DATABASE)
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on")
