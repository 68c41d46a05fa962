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


@migrations()
def m002_incremental_crawling(db: Database) -> None:
    """Feed poll state, URL/GUID aliases, article revisions and a log of crawl runs."""
    feeds = db.table("feeds")
    for column, kind in (
        ("etag", str),
        ("last_modified", str),
        ("body_hash", str),
        ("next_poll", str),
        ("poll_interval", int),
        ("consecutive_failures", int),
    ):
        feeds.add_column(column, kind)
    db.table("articles").add_column("revisions", int, not_null_default=0)

    db.table("aliases").create(
        {
            "alias": str,
            "kind": str,
            "feed_url": str,
            "article_id": int,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("alias", "kind", "feed_url"),
        not_null={"article_id", "first_seen", "last_seen"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("aliases").create_index(["article_id"])
    db.execute(
        """INSERT OR IGNORE INTO aliases
           SELECT alias, 'url', coalesce(feed_url, ''), id, first_seen, fetched_at
           FROM (SELECT canonical_url AS alias, * FROM articles
                 UNION ALL SELECT url AS alias, * FROM articles)"""
    )
    db.table("articles").create_index(["first_seen"])

    db.table("article_versions").create(
        {
            "id": int,
            "article_id": int,
            "fetched_at": str,
            "replaced_at": str,
            "title": str,
            "text": str,
            "content_hash": str,
            "words_added": int,
            "words_removed": int,
        },
        pk="id",
        not_null={"article_id", "fetched_at", "replaced_at", "text"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_versions").create_index(["article_id"])
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER article_versions_append_only_{event.lower()}
                BEFORE {event} ON article_versions
                BEGIN SELECT RAISE(ABORT, 'article_versions is append-only'); END"""
        )

    db.table("crawl_runs").create(
        {
            "id": int,
            "started": str,
            "finished": str,
            "status": str,
            "exit_code": int,
            "pid": int,
            "feeds_due": int,
            "feeds_polled": int,
            "feeds_unchanged": int,
            "feeds_failed": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_skipped": int,
            "revision_checks": int,
            "failures": int,
        },
        pk="id",
        not_null={"started", "status"},
    )


@migrations()
def m003_feed_sources(db: Database) -> None:
    """Sources of several kinds (feeds, sitemaps) with a name, category, poll bounds and an off
    switch; the other URLs a source was known by (`feed_aliases`)."""
    feeds = db.table("feeds")
    for column, kind in (
        ("kind", str),
        ("name", str),
        ("category", str),
        ("poll_min", int),
        ("poll_max", int),
        ("disabled", str),
        ("disabled_reason", str),
    ):
        feeds.add_column(column, kind)
    db.table("feed_aliases").create(
        {"alias": str, "feed_url": str, "reason": str, "added": str},
        pk="alias",
        not_null={"feed_url", "added"},
    )
    db.table("feed_aliases").create_index(["feed_url"])


@migrations()
def m004_kept_pages(db: Database) -> None:
    """The raw page of each article, compressed (storage/pages.py), for `newsdesk reextract`."""
    db.table("pages").create(
        {
            "article_id": int,
            "url": str,
            "fetched_at": str,
            "encoding": str,
            "codec": str,
            "size": int,
            "body": bytes,
        },
        pk="article_id",
        not_null={"url", "fetched_at", "codec", "size", "body"},
        foreign_keys=[("article_id", "articles", "id")],
    )


@migrations()
def m005_published_utc(db: Database) -> None:
    """A UTC sort key for "newest first": publication times carry the publisher's offset, and
    ISO strings with different offsets do not sort as text. Computed by SQLite from
    `published` (`first_seen` when undated) and indexed; no writer has to fill it."""
    utc = "strftime('%Y-%m-%dT%H:%M:%SZ', {})"
    db.execute(
        "ALTER TABLE articles ADD COLUMN published_utc TEXT GENERATED ALWAYS AS "
        f"(coalesce({utc.format('published')}, {utc.format('first_seen')})) VIRTUAL"
    )
    db.table("articles").create_index(["published_utc"])


@migrations()
def m006_failure_retry_at(db: Database) -> None:
    """`failures.retry_at`: the time before which a failed URL is not tried again, when the
    site said so (`Retry-After`) or the page was cut off by a stop (due at once)."""
    db.table("failures").add_column("retry_at", str)
