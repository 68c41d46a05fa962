"""What each cron run costs: requests and results of successive `newsdesk crawl` runs.

    python benchmarks/incremental.py                   # the test site, then 10 feeds x 20 articles
    python benchmarks/incremental.py --feeds 20 --per-feed 100

Serves sites with tests/newsroom.py (ETag and Last-Modified, requests counted per path) and runs
the real CLI in a subprocess, as cron would, against a fresh archive:

1. the test site (tests/site/): a first crawl; a second with nothing changed; a third after one
   article was edited (its feed entry's <updated> bumped) and one added; then, on a fresh copy, a
   crawl killed with SIGKILL once two stories are stored while the third page hangs, and the run
   after it;
2. a generated site of `--feeds` feeds with `--per-feed` articles each: a first crawl, a second
   with nothing changed, and a third after one new article in each feed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import wait_for_articles  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]
TEST_FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml")
PARAGRAPH = (
    "The harbour board met on {day} to discuss story {n} of feed {f}. Members heard from the "
    "pilots, the ferry company and the fishing cooperative, and agreed to publish the figures "
    "before the end of the month so that every party could read them in full."
)


def newsdesk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args, *FAST],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def measure(site: Newsroom, db: Path, label: str, *args: str) -> None:
    """One crawl: print its requests (by kind and status) and its crawl_runs row."""
    site.reset_counts()
    started = time.perf_counter()
    proc = newsdesk("crawl", "--db", str(db), *args)
    _, stderr = proc.communicate(timeout=600)
    seconds = time.perf_counter() - started
    feeds: Counter[int] = Counter()
    articles: Counter[int] = Counter()
    for (path, status), n in site.answers.items():
        if path.startswith("/news/"):
            articles[status] += n
        elif path != "/robots.txt":
            feeds[status] += n
    run = (
        sqlite3.connect(db)
        .execute(
            "SELECT status, articles_new, articles_updated, articles_unchanged, articles_skipped "
            "FROM crawl_runs ORDER BY id DESC LIMIT 1"
        )
        .fetchone()
    )
    versions = sqlite3.connect(db).execute("SELECT count(*) FROM article_versions").fetchone()[0]
    print(
        f"{label:<28} {proc.returncode:>4} {seconds:>6.1f} {fmt(feeds):>22} {fmt(articles):>22}"
        f" {'/'.join(map(str, run[1:])):>13} {versions:>8}  {run[0]}"
    )
    if proc.returncode not in (0, 5):
        print(stderr, file=sys.stderr)


def fmt(counts: Counter[int]) -> str:
    total = sum(counts.values())
    return (
        f"{total} ({', '.join(f'{s}: {n}' for s, n in sorted(counts.items()))})" if total else "0"
    )


def header(title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'run':<28} {'exit':>4} {'secs':>6} {'feed requests':>22} {'article requests':>22}"
        f" {'new/upd/same/skip':>13} {'versions':>8}  status"
    )


def test_site(tmp: Path) -> None:
    header("tests/site/: 4 feeds, 3 stories (plus a 404, a PDF, an empty page, a robots.txt ban)")
    site = Newsroom.copy_of_site(tmp / "a")
    db = tmp / "a" / "archive.db"
    feeds = [a for name in TEST_FEEDS for a in ("--feed", f"{site.url}/{name}")]
    measure(site, db, "1 first crawl", *feeds)
    measure(site, db, "2 nothing changed (--all)", "--all")
    measure(site, db, "  not due (no --all)")
    site.edit_one_story_and_publish_one()
    measure(site, db, "3 one edit, one new (--all)", "--all")
    site.shutdown()

    site = Newsroom.copy_of_site(tmp / "b")
    db = tmp / "b" / "archive.db"
    subprocess.run(
        [sys.executable, "-m", "crawler", "feeds", "add", "--db", str(db)]
        + [f"{site.url}/{name}" for name in TEST_FEEDS],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    site.gate, site.held = threading.Event(), {"/news/lighthouse.html"}
    site.reset_counts()
    victim = newsdesk("crawl", "--db", str(db))
    stored = len(wait_for_articles(db, 2))  # the lighthouse page hangs until the kill
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    site.gate.set()
    print(
        f"{'4 kill -9 half-way':<28} {victim.returncode:>4} {'':>6} {'':>22} "
        f"{sum(site.article_requests().values()):>22}   {stored} of 3 articles stored"
    )
    measure(site, db, "5 the next run", "--all")
    conn = sqlite3.connect(db)
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    twice = conn.execute(
        "SELECT count(*) FROM (SELECT canonical_url FROM articles GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()[0]
    statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    print(f"  integrity_check: {check}; articles stored twice: {twice}; runs: {statuses}")
    site.shutdown()


def generated_site(tmp: Path, feeds: int, per_feed: int) -> None:
    header(f"generated site: {feeds} feeds x {per_feed} articles")
    root = tmp / "gen"
    (root / "news").mkdir(parents=True)
    for f in range(feeds):
        write_feed(root, f, range(per_feed))
    site = Newsroom(root)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    db = tmp / "gen.db"
    urls = [a for f in range(feeds) for a in ("--feed", f"{site.url}/feed-{f}.xml")]
    measure(site, db, "1 first crawl", *urls)
    measure(site, db, "2 nothing changed (--all)", "--all")
    for f in range(feeds):
        write_feed(root, f, range(per_feed + 1))
    measure(site, db, "3 one new per feed (--all)", "--all")
    site.shutdown()


def write_feed(root: Path, f: int, stories: range) -> None:
    items = []
    for n in stories:
        page = root / "news" / f"f{f}-{n}.html"
        if not page.exists():
            text = "".join(
                f"<p>{PARAGRAPH.format(day=day, n=n, f=f)}</p>" for day in ("Monday", "Friday")
            )
            page.write_text(
                f"<!DOCTYPE html><html lang='en'><head><title>Story {n} of feed {f}</title>"
                f"</head><body><article><h1>Story {n} of feed {f}</h1>{text}</article>"
                "</body></html>"
            )
        items.append(f"<item><title>Story {n}</title><link>news/f{f}-{n}.html</link></item>")
    (root / f"feed-{f}.xml").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {f}</title>"
        f"{''.join(reversed(items))}</channel></rss>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--per-feed", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        test_site(Path(tmp))
        generated_site(Path(tmp), options.feeds, options.per_feed)


if __name__ == "__main__":
    main()
