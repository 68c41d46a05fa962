"""Article-extraction benchmark: newsdesk's extractor against plain trafilatura, on aeb-dev.

    python benchmarks/extraction.py            # the table, and benchmarks/out/extraction.csv
    python benchmarks/extraction.py --dump     # also each page's predicted text, for diffing

Scores follow the data set's README: 4-token shingles of `\\w+` tokens, page precision and recall,
corpus P and R as means, F1 of the means, accuracy as exact token-sequence matches. Both
extractors run in this one process on the same decoded HTML; a page's time is the fastest of
`--repeat` runs, so that other work on the machine disturbs the figures less.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from crawler.extraction.extract import ExtractionFailed, extract_article

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "aeb-dev"
OUT = ROOT / "benchmarks" / "out"
TOKEN = re.compile(r"\w+")
MAX_F1_LOSS = 0.05  # the most a page may lose against plain trafilatura
CSV_HEADER = (
    *("id", "url", "newsdesk_f1", "newsdesk_p", "newsdesk_r", "newsdesk_exact"),
    *("trafilatura_f1", "f1_gain", "newsdesk_ms", "trafilatura_ms"),
)


@dataclass
class Page:
    id: str
    url: str
    html: str
    truth: str


@dataclass
class Score:
    precision: float | None  # None when the prediction is empty
    recall: float
    exact: bool
    ms: float
    text: str

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles (one shorter shingle for a text of 1 to 3 tokens)."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(predicted: str, truth: str, ms: float) -> Score:
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    precision = tp / sum(pred.values()) if pred else None
    recall = tp / sum(true.values()) if true else 0.0
    exact = TOKEN.findall(predicted) == TOKEN.findall(truth)
    return Score(precision, recall, exact, ms, predicted)


def load_pages(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, item["url"], html.decode("utf-8"), item["articleBody"]))
    return pages


def newsdesk(page: Page) -> str:
    try:
        return extract_article(page.html, url=page.url).text
    except ExtractionFailed:
        return ""


def plain_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.html) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "newsdesk": newsdesk,
    "trafilatura": plain_trafilatura,
}


def run(pages: list[Page], repeat: int) -> dict[str, list[Score]]:
    """Score every extractor on every page, alternating extractors page by page."""
    results: dict[str, list[Score]] = {name: [] for name in EXTRACTORS}
    for page in pages:
        for name, extract in EXTRACTORS.items():
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                text = extract(page)
                best = min(best, (time.perf_counter() - start) * 1000)
            results[name].append(score(text, page.truth, best))
    return results


def summary(scores: list[Score]) -> dict[str, float]:
    precisions = [s.precision for s in scores if s.precision is not None]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(s.recall for s in scores)
    times = sorted(s.ms for s in scores)
    return {
        "F1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "accuracy": sum(s.exact for s in scores) / len(scores),
        "median ms": statistics.median(times),
        "p95 ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }


def write_csv(pages: list[Page], results: dict[str, list[Score]], path: Path) -> None:
    """Per page, worst newsdesk F1 first."""
    ours, theirs = results["newsdesk"], results["trafilatura"]
    rows = sorted(range(len(pages)), key=lambda i: (ours[i].f1, ours[i].f1 - theirs[i].f1))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for i in rows:
            a, b = ours[i], theirs[i]
            writer.writerow(
                [
                    *(pages[i].id, pages[i].url),
                    *(f"{a.f1:.3f}", f"{a.precision or 0:.3f}", f"{a.recall:.3f}", a.exact),
                    *(f"{b.f1:.3f}", f"{a.f1 - b.f1:+.3f}", f"{a.ms:.1f}", f"{b.ms:.1f}"),
                ]
            )


def dump(pages: list[Page], results: dict[str, list[Score]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        for name, scores in results.items():
            (folder / f"{page.id[:12]}.{name}.txt").write_text(scores[i].text, encoding="utf-8")
        (folder / f"{page.id[:12]}.truth.txt").write_text(page.truth, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the aeb-dev folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the fastest counts")
    parser.add_argument("--dump", action="store_true", help="write predicted texts to out/texts")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"skipped: no benchmark data at {args.data} (see README, Extraction quality)")
        return 0
    pages = load_pages(args.data)
    results = run(pages, max(1, args.repeat))
    table = {name: summary(scores) for name, scores in results.items()}
    columns = list(table["newsdesk"])
    print(f"{len(pages)} pages from {args.data}\n")
    print("| extractor | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, row in table.items():
        cells = [f"{v:.1f}" if k.endswith("ms") else f"{v:.3f}" for k, v in row.items()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    ours, theirs = results["newsdesk"], results["trafilatura"]
    losses = [
        p.id[:12] for p, a, b in zip(pages, ours, theirs, strict=True) if a.f1 < b.f1 - MAX_F1_LOSS
    ]
    ratio = table["newsdesk"]["median ms"] / table["trafilatura"]["median ms"]
    print(f"\nmedian time ratio newsdesk/trafilatura: {ratio:.2f}x")
    print(f"pages more than {MAX_F1_LOSS} F1 below trafilatura: {len(losses)} {losses or ''}")
    OUT.mkdir(parents=True, exist_ok=True)
    write_csv(pages, results, OUT / "extraction.csv")
    print(f"per-page scores, worst first: {OUT / 'extraction.csv'}")
    if args.dump:
        dump(pages, results, OUT / "texts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
