"""Finding the news with the real CLI against local sites over HTTP: feed autodiscovery from a
homepage, OPML round trips, sitemaps and Google News sitemaps as sources, one row per feed, and
sources switched off after failing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.helpers import FAST, run_newsdesk
from tests.newsroom import SITES, Newsroom


@pytest.fixture
def ledger(tmp_path) -> Iterator[Newsroom]:
    """tests/site/ with a homepage that declares its feeds, a news sitemap and a sitemap index."""
    server = Newsroom.copy_of_site(tmp_path, "ledger")
    yield server
    server.shutdown()


@pytest.fixture
def served() -> Iterator[dict[str, Newsroom]]:
    """The small sites of tests/sites/, each on its own port (robots.txt and /feed are per site)."""
    servers = {name: Newsroom.start(SITES / name) for name in ("quiet", "bare", "mapped")}
    yield servers
    for server in servers.values():
        server.shutdown()


def newsdesk(db: Path, *args: str):
    return run_newsdesk(*args, "--db", str(db))


def sources(db: Path) -> dict[str, dict]:
    return {row["url"]: row for row in Database(db)["feeds"].rows}


def test_homepage_to_stored_articles(ledger, tmp_path):
    db = tmp_path / "news.db"
    added = newsdesk(db, "feeds", "add", f"{ledger.url}/", *FAST)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"{ledger.url}/: a web page that declares 3 feeds",
        f"  added   rss         {ledger.url}/rss.xml  The Coastal Ledger; 6 entries",
        f"  added   atom        {ledger.url}/atom.xml  The Coastal Ledger: features; 2 entries",
        f"  skipped             {ledger.url}/comments/feed/  a feed of comments",
    ]
    assert added.stderr == "2 source(s) added, 0 known already\n"
    found = sources(db)
    assert {url: row["kind"] for url, row in found.items()} == {
        f"{ledger.url}/rss.xml": "rss",
        f"{ledger.url}/atom.xml": "atom",
    }
    assert ledger.requests["/comments/feed/"] == 0  # a comments feed is not even fetched
    assert ledger.requests["/robots.txt"] == 1
    crawled = newsdesk(db, "crawl", *FAST)
    assert crawled.returncode == 0, crawled.stderr
    assert {row["canonical_url"] for row in Database(db)["articles"].rows} == {
        f"{ledger.url}/news/{name}.html"
        for name in ("harbour-pontoon", "ferry-strike", "lighthouse")
    }
    [listing] = [
        f for f in json.loads(newsdesk(db, "feeds", "list", "--json").stdout) if "rss" in f["url"]
    ]
    assert (listing["last_status"], listing["articles"], listing["consecutive_failures"]) == (
        "ok",
        2,
        0,
    )


def test_homepage_without_declared_feed_finds_feed_path(served, tmp_path):
    db = tmp_path / "news.db"
    quiet = served["quiet"]
    bounds = ("--poll-min", "10m", "--poll-max", "2h")
    added = newsdesk(db, "feeds", "add", f"{quiet.url}/", "--name", "Gazette", *bounds, *FAST)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"{quiet.url}/: a web page that declares no feed; found one at /feed",
        f"  added   rss         {quiet.url}/feed  Quiet Gazette; 1 entry",
    ]
    [row] = sources(db).values()
    assert (row["url"], row["name"], row["title"]) == (
        f"{quiet.url}/feed",
        "Gazette",
        "Quiet Gazette",
    )
    assert (row["poll_min"], row["poll_max"]) == (600, 7200)


def test_page_without_sources_is_refused_in_one_line(served, tmp_path):
    db = tmp_path / "news.db"
    bare = served["bare"]
    refused = newsdesk(db, "feeds", "add", f"{bare.url}/", *FAST)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"Error: {bare.url}/: a web page, not a feed, and it leads to none "
        '(no <link rel="alternate"> feed, nothing at /feed, /rss, /rss.xml, /atom.xml, '
        "/feed.xml, /index.xml, no Sitemap: line in robots.txt)\n"
    )
    assert sources(db) == {}
    # every usual path was asked, and robots.txt once (for its rules and its Sitemap: lines)
    assert all(bare.requests[p] == 1 for p in ("/feed", "/rss", "/rss.xml", "/index.xml"))
    assert bare.requests["/robots.txt"] == 1


def test_robots_txt_sitemap_when_nothing_else(served, tmp_path):
    db = tmp_path / "news.db"
    mapped = served["mapped"]
    added = newsdesk(db, "feeds", "add", f"{mapped.url}/", "--category", "Coast", *FAST)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[1] == (
        f"  added   newssitemap {mapped.url}/news-sitemap.xml  The Coastal Ledger; "
        "3 URLs listed, 2 recent, 1 older"
    )
    [row] = sources(db).values()
    assert (row["kind"], row["category"]) == ("newssitemap", "Coast")
    robots = newsdesk(db, "feeds", "add", f"{mapped.url}/robots.txt", *FAST)
    assert robots.stdout.splitlines() == [
        f"{mapped.url}/robots.txt: a robots.txt that names 1 sitemap",
        f"  known   newssitemap {mapped.url}/news-sitemap.xml  The Coastal Ledger; "
        "3 URLs listed, 2 recent, 1 older",
    ]


def test_an_unreachable_site_is_one_line(tmp_path):
    refused = newsdesk(tmp_path / "news.db", "feeds", "add", "http://127.0.0.1:1/", *FAST)
    assert (refused.returncode, refused.stderr) == (
        1,
        "Error: http://127.0.0.1:1/: unreachable: connection refused\n",
    )


def test_feed_spellings_collapse_to_one_row(site_url, tmp_path):
    db = tmp_path / "news.db"
    port = site_url.rsplit(":", 1)[1]
    spellings = [
        f"HTTP://127.0.0.1:{port}/rss.xml",
        f"http://127.0.0.1:{port}/rss.xml#top",
        f"http://127.0.0.1:{port}/rss.xml?utm_source=y&utm_medium=z",
    ]
    first = newsdesk(db, "feeds", "add", *spellings, *FAST)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "1 source(s) added, 2 known already\n"
    crawled = newsdesk(db, "crawl", *(a for s in spellings for a in ("--feed", s)), *FAST)
    assert crawled.returncode == 0, crawled.stderr
    assert list(sources(db)) == [f"{site_url}/rss.xml"]
    both = newsdesk(db, "crawl", "--feed", f"{site_url}/rss.xml {site_url}/atom.xml")
    assert both.returncode == 1
    assert both.stderr.count("\n") == 1
    assert "holds 2 URLs: give each its own argument" in both.stderr
    assert list(sources(db)) == [f"{site_url}/rss.xml"]


def test_opml_from_a_reader_round_trips(site_url, tmp_path):
    opml = tmp_path / "subscriptions.opml"
    opml.write_bytes((SITES / "opml" / "subscriptions.opml").read_bytes().replace(
        b"{{site}}", site_url.encode()))  # fmt: skip
    db = tmp_path / "news.db"
    imported = newsdesk(db, "feeds", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.splitlines() == [
        f"{opml}: skipped 'ftp://example.org/feed': not an http(s) URL",
        f"{opml}: 5 feeds, 4 added, 0 known already",
    ]
    rows = sources(db)
    assert {url: (r["name"], r["category"], r["site_url"]) for url, r in rows.items()} == {
        "https://rss.example-sz.de/politik": (
            "Süddeutsche – Politik",  # noqa: RUF001
            "News / Politik",
            "https://www.example-sz.de/politik",
        ),
        f"{site_url}/rss.xml": ("The Coastal Ledger", "News", f"{site_url}/"),
        "https://www.example-nikkei.jp/rss/news.rdf": ("日本経済ニュース", "日本", None),
        "http://example.org/feed": ("Loose feed", None, None),
    }
    exported = newsdesk(db, "feeds", "export")
    assert exported.returncode == 0, exported.stderr
    assert '<outline text="日本" title="日本">' in exported.stdout
    again = tmp_path / "again.opml"
    again.write_text(exported.stdout, encoding="utf-8")
    db2 = tmp_path / "again.db"
    assert newsdesk(db2, "feeds", "import", str(again)).returncode == 0
    fields = ("url", "name", "category", "site_url")
    assert [{f: r[f] for f in fields} for r in sources(db2).values()] == sorted(
        [{f: r[f] for f in fields} for r in rows.values()],
        key=lambda r: (r["category"] or "", list(rows).index(r["url"])),
    )
    assert newsdesk(db, "feeds", "import", str(again)).stderr.endswith(
        ": 4 feeds, 0 added, 4 known already\n"
    )


def test_news_sitemap_follows_only_fresh_entries(ledger, tmp_path):
    db = tmp_path / "news.db"
    added = newsdesk(db, "feeds", "add", f"{ledger.url}/news-sitemap.xml", *FAST)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[0] == f"{ledger.url}/news-sitemap.xml: a sitemap"
    ledger.reset_counts()
    crawled = newsdesk(db, "crawl", *FAST)
    assert crawled.returncode == 0, crawled.stderr
    assert ledger.article_requests() == {"/news/wire-brief.html": 1, "/news/council-vote.html": 1}
    rows = {r["url"].rsplit("/", 1)[1]: r for r in Database(db)["articles"].rows}
    brief = rows["wire-brief.html"]
    assert brief["title"] == "Pilot boats stay in port as gale warning holds"
    three_hours_before = ledger.started.replace(microsecond=0) - timedelta(hours=3)
    assert brief["published"] == three_hours_before.isoformat()
    assert (brief["language"], json.loads(brief["tags"])) == (
        "nb",
        ["weather", "harbour", "pilots"],
    )
    provenance = json.loads(brief["metadata_source"])
    assert [provenance[f] for f in ("title", "published", "language", "tags")] == ["sitemap"] * 4
    vote = rows["council-vote.html"]  # the page's own title and date beat the sitemap's
    assert (vote["title"], vote["published"]) == (
        "Council votes to rebuild the north pontoon",
        "2026-11-23T19:15:00+01:00",
    )
    [row] = sources(db).values()
    assert (row["kind"], row["articles_found"], row["last_status"]) == ("newssitemap", 2, "ok")
    ledger.reset_counts()
    again = newsdesk(db, "crawl", "--all", *FAST)
    assert again.returncode == 0, again.stderr
    assert ledger.answers == {("/robots.txt", 200): 1, ("/news-sitemap.xml", 304): 1}
    # the publisher changes the council story: its lastmod moves past our fetch
    sitemap = ledger.root / "news-sitemap.xml"
    later = datetime.now(UTC).isoformat(timespec="seconds")
    sitemap.write_text(sitemap.read_text().replace("<lastmod>{{ago 1h}}", f"<lastmod>{later}"))
    ledger.reset_counts()
    assert newsdesk(db, "crawl", "--all", *FAST).returncode == 0
    assert ledger.article_requests() == {"/news/council-vote.html": 1}


def test_sitemap_index_with_gzip_child(ledger, tmp_path):
    db = tmp_path / "news.db"
    added = newsdesk(db, "feeds", "add", f"{ledger.url}/sitemap-index.xml", *FAST)
    assert added.returncode == 0, added.stderr
    assert "2 sitemaps listed, 1 recent, 1 older" in added.stdout
    ledger.reset_counts()
    crawled = newsdesk(db, "crawl", *FAST)
    assert crawled.returncode == 0, crawled.stderr
    assert ledger.requests["/sitemaps/pages.xml.gz"] == 1
    assert ledger.requests["/sitemaps/archive-2024.xml"] == 0  # its lastmod is 700 days old
    assert ledger.article_requests() == {"/news/ferry-strike.html": 1}  # not the old, undated
    assert ledger.requests["/about.html"] == 0
    [article] = Database(db)["articles"].rows
    assert article["feed_url"] == f"{ledger.url}/sitemap-index.xml"
    [row] = sources(db).values()
    assert (row["kind"], row["articles_found"], row["last_status"]) == ("sitemap", 1, "ok")


def test_feed_disabled_after_failures_and_enabled_again(site, tmp_path):
    db = tmp_path / "news.db"
    feed = f"{site.url}/atom.xml"
    assert newsdesk(db, "feeds", "add", feed, *FAST).returncode == 0
    site.overrides["/atom.xml"] = (500, {})
    limit = ("-s", "NEWSDESK_DISABLE_AFTER=2")
    assert newsdesk(db, "crawl", "--all", *limit, *FAST).returncode == 3
    assert sources(db)[feed]["disabled"] is None
    second = newsdesk(db, "crawl", "--all", *limit, *FAST)
    assert f"feed {feed} disabled: 2 polls in a row failed, the last: HTTP 500" in second.stderr
    [health] = json.loads(newsdesk(db, "feeds", "list", "--json").stdout)
    assert (health["consecutive_failures"], health["disabled_reason"]) == (
        2,
        "2 polls in a row failed, the last: HTTP 500",
    )
    listing = newsdesk(db, "feeds", "list").stdout.splitlines()
    assert listing[1].split()[:3] == ["disabled", "atom", "2"]
    site.reset_counts()
    skipped = newsdesk(db, "crawl", "--all", *limit, *FAST)
    assert site.requests["/atom.xml"] == 0, skipped.stderr
    assert "nothing due: every source is disabled (see `newsdesk feeds list`)" in skipped.stderr
    del site.overrides["/atom.xml"]
    enabled = newsdesk(db, "feeds", "enable", feed)
    assert (enabled.returncode, enabled.stderr) == (0, f"{feed}: enabled, due now\n")
    assert newsdesk(db, "crawl", *limit, *FAST).returncode == 0
    row = sources(db)[feed]
    assert (row["disabled"], row["consecutive_failures"], row["last_status"]) == (None, 0, "ok")
    assert newsdesk(db, "feeds", "disable", feed).returncode == 0
    assert sources(db)[feed]["disabled_reason"] == "disabled by hand"
    assert newsdesk(db, "feeds", "remove", f"{feed}#again").returncode == 0
    assert sources(db) == {}


def test_feed_moved_permanently_is_kept_under_its_new_url(site, tmp_path):
    db = tmp_path / "news.db"
    site.overrides["/old-feed.xml"] = (301, {"Location": "/atom.xml"})
    site.overrides["/moved.xml"] = (308, {"Location": "/rss.xml"})
    added = newsdesk(db, "feeds", "add", f"{site.url}/old-feed.xml", *FAST)
    assert added.returncode == 0, added.stderr
    assert f"(moved from {site.url}/old-feed.xml)" in added.stdout
    assert newsdesk(db, "crawl", "--feed", f"{site.url}/moved.xml", *FAST).returncode == 0
    found = sources(db)
    assert set(found) == {f"{site.url}/atom.xml", f"{site.url}/rss.xml"}
    aliases = {r["alias"]: r["feed_url"] for r in Database(db)["feed_aliases"].rows}
    assert aliases == {
        f"{site.url}/old-feed.xml": f"{site.url}/atom.xml",
        f"{site.url}/moved.xml": f"{site.url}/rss.xml",
    }
    assert found[f"{site.url}/rss.xml"]["next_poll"] is not None  # its poll state followed it
    again = newsdesk(db, "feeds", "add", f"{site.url}/old-feed.xml")
    assert again.stdout == f"{site.url}/old-feed.xml: known already, as {site.url}/atom.xml\n"
