"""The SQLite archive: schema (migrations), upserts and queries. No Scrapy in here."""

from storage.archive import Archive, ArticleRow, SourceRow, StorageError

__all__ = ["Archive", "ArticleRow", "SourceRow", "StorageError"]
