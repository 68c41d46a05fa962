"""The SQLite archive: schema (migrations), upserts and queries. No Scrapy in here."""

from storage.archive import Archive, ArchiveMissing, ArticleRow, SourceRow, StorageError

__all__ = ["Archive", "ArchiveMissing", "ArticleRow", "SourceRow", "StorageError"]
