"""Peak memory of `newsdesk export` against the archive's size: does it stay flat?

Builds archives of 10,000 and 100,000 articles (each row a real test-site story with its own
URL, title and a unique sentence; built once in benchmarks/out/, reused after), then runs
`newsdesk export --format jsonl` and `--format csv` on each to /dev/null, one process per run,
and prints each run's wall time and peak resident memory (the child's own ru_maxrss, from
wait4).

    python benchmarks/export_memory.py            # 10,000 and 100,000 articles
    python benchmarks/export_memory.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import Archive  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
STORY = (
    "The harbour board met on Tuesday and voted to rebuild the north pontoon that the November "
    "gales tore from its moorings. Fishing boats will share the south quay until the work is "
    "done, and the herring season ends in three weeks. "
) * 12  # about 2,700 characters, a short news story


def build(path: Path, articles: int) -> None:
    """An archive of `articles` stories, written in transactions of 5,000."""
    archive = Archive(path)
    for start in range(0, articles, 5000):
        rows = []
        for n in range(start, min(articles, start + 5000)):
            text = f"{STORY}\n\nStory {n} of the benchmark archive, unique sentence {n * 7919}."
            rows.append(
                {
                    "url": f"https://news.example/{n}.html",
                    "canonical_url": f"https://news.example/{n}.html",
                    "title": f"Harbour story number {n}",
                    "authors": ["Mara Lindqvist"],
                    "published": "2026-11-20T07:30:00+01:00",
                    "modified": None,
                    "sitename": "The Coastal Ledger",
                    "language": "en",
                    "description": "Fishermen count the cost.",
                    "tags": ["Weather"],
                    "image": None,
                    "text": text,
                    "html": None,
                    "word_count": len(text.split()),
                    "feed_url": f"https://news.example/feed{n % 20}.xml",
                    "fetched_at": "2026-11-25T10:00:00+00:00",
                    "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                    "metadata_source": {"title": "meta"},
                }
            )
        archive.upsert_articles(rows)  # type: ignore[arg-type]
    archive.close()


def measure(db: Path, fmt: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `newsdesk export` to /dev/null."""
    started = time.monotonic()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "export", "--db", str(db), "--format", fmt],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"export failed with exit code {proc.returncode}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    print("| articles | archive MB | format | wall s | peak RSS MB |")
    print("| ---: | ---: | --- | ---: | ---: |")
    for size in (int(s) for s in args.sizes.split(",")):
        db = OUT / f"export-{size}.db"
        if not db.exists():
            build(db, size)
        megabytes = db.stat().st_size / 1e6
        for fmt in ("jsonl", "csv"):
            wall, peak = measure(db, fmt)
            results.append({"articles": size, "format": fmt, "wall": wall, "peak_mb": peak})
            print(f"| {size} | {megabytes:.0f} | {fmt} | {wall:.1f} | {peak:.0f} |", flush=True)
    (OUT / "export_memory.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
