"""The SQLite archive: schema (migrations), upserts and queries. No Scrapy in here."""

from storage.archive import Archive, ArticleRow, StorageError

__all__ = ["Archive", "ArticleRow", "StorageError"]
