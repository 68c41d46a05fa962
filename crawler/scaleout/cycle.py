"""A cycle: one crawl run of a cluster. `open_cycle` plans it from the archive, as a local crawl
plans its run (crawler/policy/plan.py), and queues its jobs: the feeds due a poll, each with
the validators and body hash the archive holds (so workers send conditional requests and spot an
unchanged body without the archive), and the articles due a revision check or another try. The
ingester queues the articles the feeds list as it reads them, and closes the cycle when every job
is stored (crawler/scaleout/ingester.py). One cycle is open at a time."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.ingest.items import FEED_META, FeedEntry
from crawler.policy.feedstate import conditional_headers
from crawler.policy.plan import Plan, plan_crawl
from crawler.policy.runs import UsageError
from crawler.scaleout.jobs import NewJob
from crawler.scaleout.keys import KNOWN_HASH_META
from storage.times import iso

if TYPE_CHECKING:
    from crawler.ingest.config import Config
    from crawler.scaleout.jobs import Jobs
    from storage import Archive

logger = logging.getLogger(__name__)

FEED_PRIORITY = 10  # feeds go to the front of the queue, as in a local crawl


@dataclass
class Opened:
    """What `open_cycle` did: the plan, and the cycle's id (None when one was open already or
    nothing was due)."""

    plan: Plan | None
    cycle: str | None


def open_cycle(jobs: Jobs, archive: Archive, config: Config, *, every_feed: bool = False) -> Opened:
    """Open a cycle for the feeds that are due (every remembered feed with `every_feed`) and
    queue its first jobs, unless a cycle is open already. Raises `UsageError` when the archive
    remembers no feed."""
    server, keys = jobs.server, jobs.keys
    if server.exists(keys.cycle):
        return Opened(None, None)
    feeds = [f["url"] for f in archive.feeds()]
    if not feeds:
        raise UsageError("no feeds to crawl: add one with `newsdesk feeds add URL`")
    now = datetime.now(UTC)
    plan = plan_crawl(
        archive, feeds, now=now, every_feed=every_feed, revision_checks=config.revision_checks
    )
    if not plan.feeds and not plan.revisits and not plan.retries:
        return Opened(plan, None)
    cycle = str(server.incr(f"{keys.prefix}:cycle-ids"))
    if not server.hsetnx(keys.cycle, "id", cycle):  # another pusher was quicker
        return Opened(None, None)
    server.hset(
        keys.cycle,
        mapping={
            "started": iso(now),
            "feeds_due": len(plan.feeds),
            "revision_checks": len(plan.revisits),
            # fetched anyway, so a feed's "modified" does not queue them twice (as in a crawl)
            "revisits": json.dumps([entry.link for entry in plan.revisits + plan.retries]),
        },
    )
    queued = jobs.push(
        [feed_job(archive.feed(url) or {"url": url}) for url in plan.feeds]
        + [article_job(entry) for entry in plan.revisits + plan.retries]
    )
    logger.info(
        "cycle %s: %d feeds, %d revision checks, %d retries queued (%d jobs)",
        cycle, len(plan.feeds), len(plan.revisits), len(plan.retries), len(queued),
    )  # fmt: skip
    return Opened(plan, cycle)


def feed_job(feed: dict[str, Any]) -> NewJob:
    """A feed's request as `FeedSpider.start` makes it, conditional on what the archive knows."""
    url = feed["url"]
    return NewJob(
        {
            "url": url,
            "callback": "parse_feed",
            "errback": "feed_failed",
            "cb_kwargs": {"feed_url": url},
            "headers": conditional_headers(feed),
            "priority": FEED_PRIORITY,
            "dont_filter": True,
            "meta": {
                FEED_META: url,
                "handle_httpstatus_list": [304],
                KNOWN_HASH_META: feed.get("body_hash"),
            },
        },
        filtered=False,
        front=True,
    )


def article_job(entry: FeedEntry) -> NewJob:
    """An article's request as `ArticleSpider.article_request` makes it."""
    return NewJob(
        {
            "url": entry.link,
            "callback": "parse_article",
            "errback": "article_failed",
            "cb_kwargs": {"entry": entry if entry.feed_url else None},
        }
    )
