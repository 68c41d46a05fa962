"""The archive's schema, built by migrations: add a migration to change it, never edit one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("newsdesk")


@migrations()
def m001_create_tables(db: Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "title": str,
            "authors": str,
            "published": str,
            "modified": str,
            "sitename": str,
            "language": str,
            "description": str,
            "tags": str,
            "image": str,
            "text": str,
            "html": str,
            "word_count": int,
            "feed_url": str,
            "first_seen": str,
            "fetched_at": str,
            "content_hash": str,
            "metadata_source": str,
        },
        pk="id",
        not_null={"url", "canonical_url", "text", "first_seen", "fetched_at"},
    )
    db.table("articles").create_index(["canonical_url"], unique=True)
    db.table("articles").create_index(["published"])
    db.table("articles").create_index(["feed_url"])
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="porter")

    db.table("feeds").create(
        {
            "url": str,
            "title": str,
            "site_url": str,
            "added": str,
            "last_polled": str,
            "last_status": str,
            "last_error": str,
            "articles_found": int,
        },
        pk="url",
        not_null={"added"},
    )

    db.table("failures").create(
        {
            "url": str,
            "kind": str,
            "feed_url": str,
            "status": int,
            "reason": str,
            "failed_at": str,
            "attempts": int,
        },
        pk="url",
        not_null={"reason", "failed_at"},
    )
    db.table("failures").create_index(["reason"])
