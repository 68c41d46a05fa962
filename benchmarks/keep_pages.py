"""What keeping pages costs, and how fast `newsdesk reextract` goes over them.

    python benchmarks/keep_pages.py                  # 2,000 articles in 20 feeds
    python benchmarks/keep_pages.py --articles 500

Starts benchmarks/newssite.py, then, each in its own process:

1. `newsdesk crawl` of every feed into a fresh archive with pages kept (the default), and into
   another with `-s NEWSDESK_KEEP_PAGES=False`: wall time and archive size (the file, after the
   crawl closed it) of each, and the difference per 1,000 articles;
2. `newsdesk reextract` of the kept archive as it is (the same extractor: nothing changes);
3. the same after every story's text was cut to its first paragraph (what an older, worse
   extractor might have stored): every text changes and keeps its old version.

It prints pages/s and the archive's growth for each reextract. Politeness is lifted for our
own site, as in benchmarks/crawl.py.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FAST = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-q",
]  # fmt: skip


def newsdesk(*args: str) -> tuple[float, float, str]:
    """Run the CLI to its end: wall and CPU seconds (its process tree) and its last stderr
    line."""
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"newsdesk {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return time.monotonic() - started, cpu, proc.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    args = parser.parse_args()
    site = subprocess.Popen(
        [sys.executable, str(HERE / "newssite.py"), "--articles", str(args.articles),
         "--feeds", str(args.feeds), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert site.stdout is not None
    base = site.stdout.readline().strip()
    feeds = [arg for f in range(args.feeds) for arg in ("--feed", f"{base}/feeds/{f}.xml")]
    try:
        with tempfile.TemporaryDirectory() as folder:
            kept, plain = Path(folder) / "kept.db", Path(folder) / "plain.db"
            sizes = {}
            print(f"{args.articles} articles in {args.feeds} feeds", flush=True)
            for path, extra in ((kept, []), (plain, ["-s", "NEWSDESK_KEEP_PAGES=False"])):
                wall, cpu, _ = newsdesk("crawl", *feeds, "--db", str(path), *FAST, *extra)
                sizes[path] = path.stat().st_size
                label = "kept" if path == kept else "not kept"
                print(f"crawl, pages {label}: {wall:.1f} s, {cpu:.1f} s CPU, "
                      f"archive {sizes[path] / 1e6:.1f} MB", flush=True)  # fmt: skip
            db = sqlite3.connect(kept)
            count, raw, packed, codec = db.execute(
                "SELECT count(*), sum(size), sum(length(body)), max(codec) FROM pages"
            ).fetchone()
            db.close()
            per_thousand = (sizes[kept] - sizes[plain]) / count * 1000 / 1e6
            print(f"pages kept: {count}, {raw / 1e6:.1f} MB raw, {packed / 1e6:.1f} MB as {codec} "
                  f"({raw / packed:.1f}x); archive +{per_thousand:.1f} MB per 1,000 articles",
                  flush=True)  # fmt: skip
            for label in ("as is", "texts cut to their first paragraph"):
                if label != "as is":
                    db = sqlite3.connect(kept, isolation_level=None)
                    db.execute(
                        "UPDATE articles SET content_hash = 'older', "
                        "text = substr(text, 1, instr(text || char(10), char(10)) - 1)"
                    )
                    db.execute("VACUUM")
                    db.close()
                before = kept.stat().st_size
                wall, cpu, line = newsdesk("reextract", "--db", str(kept), "-q")
                growth = (kept.stat().st_size - before) / 1e6
                print(f"reextract, {label}: {wall:.1f} s, {cpu:.1f} s CPU "
                      f"({count / cpu:.1f} pages per CPU second), archive {growth:+.1f} MB\n"
                      f"  {line}", flush=True)  # fmt: skip
    finally:
        site.terminate()


if __name__ == "__main__":
    main()
