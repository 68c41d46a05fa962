"""The feed spider hands article requests to Scrapy only as its engine has room for them, so a
crawl's memory does not grow with the number of entries its feeds list (issue 6), and it hands
them site by site, so that a slow site does not hold up the others. The real CLI, Scrapy engine
and extraction workers against a local site; a test extension (tests/probes.py) reports the
most requests Scrapy's scheduler held at once."""

from __future__ import annotations

import re
import subprocess
import sys
import threading

from sqlite_utils import Database

from tests.helpers import FAST, ROOT
from tests.newsroom import Newsroom
from tests.probes import SchedulerPeak, with_probe

ENTRIES = 120  # per feed
CONCURRENT_REQUESTS = 16  # Scrapy's default, which the tests keep


def write_stories(site: Newsroom, numbers: range) -> None:
    """One page per number: the ferry story under its own title, with a sentence of its own."""
    template = (site.root / "news" / "ferry-strike.html").read_text()
    for n in numbers:
        page = template.replace("Ferry crews vote", f"Ferry crews of route {n} vote")
        page = page.replace("<p>Talks", f"<p>Route {n} carries {7 * n} people a day.</p><p>Talks")
        (site.root / "news" / f"route-{n}.html").write_text(page)


def write_feed(site: Newsroom, path: str, links: dict[int, str]) -> None:
    """An RSS feed at `path`: one item per story number, linking to the URL given."""
    items = "".join(
        f"<item><title>Route {n}</title><link>{link}</link>"
        f"<description>Crews of route {n} vote.</description></item>\n"
        for n, link in links.items()
    )
    (site.root / path).write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Routes</title><link>/</link>\n{items}</channel></rss>\n"
    )


def stories(numbers: range, site_url: str = "") -> dict[int, str]:
    return {n: f"{site_url}/news/route-{n}.html" for n in numbers}


def start_crawl(db, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "-v", *FAST, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_article_requests_are_handed_to_scrapy_as_it_has_room(tmp_path):
    site = Newsroom.copy_of_site(tmp_path)
    db = tmp_path / "archive.db"
    write_stories(site, range(2 * ENTRIES))
    write_feed(site, "routes.xml", stories(range(ENTRIES)))
    # The second feed lives under /news/, where the test site can hold an answer back: it comes
    # only once every article of the first feed has been requested.
    write_feed(site, "news/late.xml", stories(range(ENTRIES, 2 * ENTRIES)))
    site.gate, site.held = threading.Event(), {"/news/late.xml"}
    try:
        crawl = start_crawl(
            db, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", *with_probe(SchedulerPeak),
            "--feed", f"{site.url}/routes.xml", "--feed", f"{site.url}/news/late.xml",
        )  # fmt: skip
        assert site.wait_for_article_requests(ENTRIES + 1)  # the first feed's and the late feed
        site.gate.set()
        _, stderr = crawl.communicate(timeout=60)
    finally:
        site.gate.set()
        site.shutdown()
    assert crawl.returncode == 0, stderr[-2000:]
    assert "2 feeds polled (0 failed)" in stderr
    assert f"articles: {2 * ENTRIES} new" in stderr
    assert Database(db)["articles"].count == 2 * ENTRIES  # the late feed's entries too
    requests = site.article_requests()
    assert (len(requests), set(requests.values())) == (2 * ENTRIES + 1, {1})  # and late.xml
    [peak] = re.findall(r"'newsdesk/scheduler_peak': (\d+)", stderr)
    # The two feeds, the article request being handed over and at most a downloader's worth
    # made ahead of time; it held one request per entry (over 100 here) when each feed handed
    # over all its entries at once.
    assert int(peak) <= 2 + 1 + CONCURRENT_REQUESTS


def test_a_site_that_hangs_does_not_hold_up_the_others(tmp_path):
    site = Newsroom.copy_of_site(tmp_path)
    db = tmp_path / "archive.db"
    count = 40
    write_stories(site, range(2 * count))
    # One feed, two sites to Scrapy (two download slots): the server under its address, then
    # under the name localhost. Every page of the first hangs until the test lets it go.
    other = site.url.replace("127.0.0.1", "localhost")
    write_feed(site, "routes.xml", stories(range(count)) | stories(range(count, 2 * count), other))
    site.gate, site.held = threading.Event(), set(stories(range(count)).values())
    try:
        crawl = start_crawl(db, "--feed", f"{site.url}/routes.xml")
        with site.article_requested:  # the second site's pages come all the same
            all_of_the_other = site.article_requested.wait_for(
                lambda: all(
                    site.requests[path] for path in stories(range(count, 2 * count)).values()
                ),
                timeout=30,
            )
        site.gate.set()
        _, stderr = crawl.communicate(timeout=60)
    finally:
        site.gate.set()
        site.shutdown()
    assert all_of_the_other
    assert crawl.returncode == 0, stderr[-2000:]
    assert Database(db)["articles"].count == 2 * count


def test_a_site_never_has_more_requests_in_flight_than_its_limit(tmp_path):
    """CONCURRENT_REQUESTS_PER_DOMAIN holds with no delay between requests (FAST): Scrapy 2.19
    alone starts every queued request to the host at once then."""
    site = Newsroom.copy_of_site(tmp_path)
    db = tmp_path / "archive.db"
    write_stories(site, range(12))
    write_feed(site, "routes.xml", stories(range(12)))
    site.delay = 0.2  # each article page: requests overlap when they may
    try:
        crawl = start_crawl(
            db, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "--feed", f"{site.url}/routes.xml"
        )
        _, stderr = crawl.communicate(timeout=60)
    finally:
        site.shutdown()
    assert crawl.returncode == 0, stderr[-2000:]
    assert Database(db)["articles"].count == 12
    assert site.peak_in_flight == 2
