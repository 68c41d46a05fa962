"""What workers tell the ingester, as JSON (never pickle): one outcome per job.

- `feed`: the poll record (`FeedPolled`), what the answer said (`FeedPoll`: validators, body hash,
  Retry-After) and the entries the feed lists, for the ingester to judge against the archive;
- `article`: the archive row a worker extracted from a page (`storage.ArticleRow`);
- `failure`: a page or feed that did not become one (`Failure`);
- `dropped`: a job that ended with nothing to store (a redirect to a page already fetched).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.ingest.items import Failure, FeedEntry, FeedPolled
from crawler.policy.feedstate import FeedPoll

if TYPE_CHECKING:
    from storage import ArticleRow


@dataclass
class FeedRead:
    """A worker's reading of one feed: its poll record, what the answer said, its entries."""

    polled: FeedPolled
    poll: FeedPoll
    entries: list[FeedEntry] = field(default_factory=list)


@dataclass
class Outcome:
    """How one job ended: exactly one of `feed`, `row`, `failure` is set, or none (dropped)."""

    job: str
    feed: FeedRead | None = None
    row: ArticleRow | None = None
    failure: Failure | None = None
    dropped: str | None = None  # why, when nothing came of the job

    @property
    def kind(self) -> str:
        if self.feed is not None:
            return "feed"
        if self.row is not None:
            return "article"
        return "failure" if self.failure is not None else "dropped"


def encode(outcome: Outcome) -> str:
    data: dict[str, Any] = {"job": outcome.job, "kind": outcome.kind}
    if outcome.feed is not None:
        data["feed"] = dataclasses.asdict(outcome.feed)
    if outcome.row is not None:
        data["row"] = outcome.row
    if outcome.failure is not None:
        data["failure"] = dataclasses.asdict(outcome.failure)
    if outcome.dropped is not None:
        data["dropped"] = outcome.dropped
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str | bytes) -> Outcome:
    data = json.loads(text)
    outcome = Outcome(job=str(data["job"]), dropped=data.get("dropped"))
    if feed := data.get("feed"):
        outcome.feed = FeedRead(
            FeedPolled(**feed["polled"]),
            FeedPoll(**feed["poll"]),
            [FeedEntry(**entry) for entry in feed["entries"]],
        )
    if row := data.get("row"):
        # JSON has no tuples: the aliases come back as lists
        row["aliases"] = [tuple(alias) for alias in row.get("aliases", [])]
        outcome.row = row
    if failure := data.get("failure"):
        outcome.failure = Failure(**failure)
    return outcome
