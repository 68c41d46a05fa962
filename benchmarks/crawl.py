"""Crawl throughput benchmark: newsdesk against the machine's limit and trafilatura's CLI.

    python benchmarks/crawl.py                              # 2,000 articles, 20 feeds, latency 0
    python benchmarks/crawl.py --latency-ms 50
    python benchmarks/crawl.py --articles 20000 --only crawl --runs 1   # memory stays flat?
    python benchmarks/crawl.py --instructions --articles 100   # CPU work, steady on a busy machine

Starts benchmarks/newssite.py in its own process (on port 80 when run as root, since
trafilatura's CLI refuses URLs with a port), then runs each contender as a separate process on it:

- limit: trafilatura extracting the same pages from memory in one process per core
  (benchmarks/limit.py); `limit-nd` is the same with newsdesk's own extractor;
- crawl: `newsdesk crawl` of every feed into a fresh archive, politeness lifted (our own site);
- trafilatura: `trafilatura -i FEEDS --feed` with a config file that turns off its 5 s wait
  between requests to a host (SLEEP_TIME = 0) and its block on loopback addresses
  (SSRF_PROTECTION = off). Its input-file mode with the article URLs themselves is no faster: it
  downloads one URL per host at a time either way, whatever `--parallel` says;
- fetch / trafilatura -u: one article from a cold start. newsdesk's modules are compiled to
  bytecode first, as installing a package does: trafilatura's are, and with
  PYTHONDONTWRITEBYTECODE set (as on this machine) an editable install would compile newsdesk's
  on every start.

`--instructions` counts instead the machine instructions `newsdesk crawl` spends per article
(valgrind's cachegrind, the crawling process and its extraction workers together): a crawl of
the first half of the feeds and one of all of them, so that what a crawl spends once (start-up,
the workers' start, which cachegrind counts in both the parent and each forked worker) cancels
out. It takes some minutes a hundred articles, and unlike CPU seconds it does not move with
the machine's other load, so two commits compare on a shared machine.

Each is measured for wall and CPU seconds (the whole process tree), peak resident memory of the
process tree (the sum of its processes' proportional set sizes, which counts pages that forked
workers share with their parent once; sampled every 20 ms) and articles stored; the table
shows medians of `--runs` runs. The site's own CPU is not counted.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlite_utils import Database

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "aeb-dev"
# Our own site on 127.0.0.1: no delay, no AutoThrottle, many requests at a time.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}
TRAFILATURA_CONFIG = """[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""
TARGETS = {
    "crawl/limit": 0.8,
    "crawl/trafilatura": {0: 2.2, 50: 5.0},
    "fetch/trafilatura -u": 1.3,
}


@dataclass
class Measure:
    wall: float
    cpu: float
    peak_mb: float
    stored: int

    @property
    def rate(self) -> float:
        return self.stored / self.wall


def run(cmd: list[str], count: Callable[[], int], cwd: Path, out: Path | None = None) -> Measure:
    """Run `cmd` (its stdout into `out`) to its end; `count()` then says how many articles it
    stored."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    stdout = out.open("w") if out else subprocess.DEVNULL
    proc = psutil.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        tree = [proc, *proc.children(recursive=True)]
        pss = 0
        for p in tree:
            with contextlib.suppress(psutil.Error):  # a process that just ended
                pss += p.memory_full_info().pss
        peak = max(peak, pss)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if out:
        stdout.close()  # type: ignore[union-attr]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 3):  # 3: newsdesk stored fewer pages than asked
        sys.exit(f"{' '.join(cmd[:3])}... failed ({proc.returncode}): {stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(wall, cpu, peak / 2**20, count())


def crawl_instructions(feeds: list[str], work: Path, name: str) -> int:
    """Instructions a `newsdesk crawl` of `feeds` executes, all its processes together."""
    out = work / f"cachegrind-{name}"
    out.mkdir()
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes"]
    cmd += [f"--cachegrind-out-file={out}/cg.%p", sys.executable, "-m", "crawler", "crawl"]
    cmd += ["--db", str(work / f"{name}.db"), "-s", "DOWNLOAD_TIMEOUT=600"]
    cmd += [a for setting, value in FAST.items() for a in ("-s", f"{setting}={value}")]
    cmd += [a for url in feeds for a in ("--feed", url)]
    subprocess.run(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    total = 0
    for path in out.glob("cg.*"):
        for line in path.read_text().splitlines():
            if line.startswith("summary:"):
                total += int(line.split()[1])
    return total


def instructions(args: argparse.Namespace, base: str, work: Path) -> None:
    """Print the instructions a crawl spends per article: half the feeds, then all of them."""
    feeds = [f"{base}/feeds/{f}.xml" for f in range(args.feeds)]
    half = feeds[: len(feeds) // 2]
    stored: list[int] = []
    counts: list[int] = []
    for name, chosen in (("half", half), ("all", feeds)):
        counts.append(crawl_instructions(chosen, work, name))
        stored.append(Database(work / f"{name}.db")["articles"].count)
        print(
            f"{name} of the feeds: {stored[-1]} articles,"
            f" {counts[-1] / 1e6:,.0f} million instructions",
            flush=True,
        )
    per_article = (counts[1] - counts[0]) / max(stored[1] - stored[0], 1)
    print(f"instructions per article (crawl and extraction): {per_article / 1e6:.1f} million")


def count_lines(path: Path, prefix: str) -> int:
    with path.open() as f:
        return sum(1 for line in f if line.startswith(prefix))


def start_site(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    port = "80" if os.geteuid() == 0 and not args.instructions else "0"  # for trafilatura's CLI
    site = subprocess.Popen(
        [sys.executable, str(HERE / "newssite.py"), "--articles", str(args.articles),
         "--feeds", str(args.feeds), "--latency-ms", str(args.latency_ms), "--port", port],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert site.stdout is not None
    base = site.stdout.readline().strip()
    if not base:
        sys.exit("the benchmark site did not start (is port 80 taken?)")
    return site, base


def contenders(args: argparse.Namespace, base: str, work: Path) -> dict[str, object]:
    """For each contender, a function that runs it once and returns its Measure."""
    feeds = [f"{base}/feeds/{f}.xml" for f in range(args.feeds)]
    (work / "feeds.txt").write_text("\n".join(feeds) + "\n")
    (work / "trafilatura.cfg").write_text(TRAFILATURA_CONFIG)
    py, n = sys.executable, str(args.articles)
    fast = [a for name, value in FAST.items() for a in ("-s", f"{name}={value}")]
    counter = iter(range(10**6))

    def limit(extractor: str) -> Measure:
        cmd = [py, str(HERE / "limit.py"), "--articles", n, "--extractor", extractor]
        out = work / "limit.out"
        return run(cmd, lambda: int(out.read_text()), work, out)

    def crawl() -> Measure:
        db = work / f"crawl-{next(counter)}.db"
        cmd = [py, "-m", "crawler", "crawl", "--db", str(db), *fast]
        cmd += [a for url in feeds for a in ("--feed", url)]
        return run(cmd, lambda: Database(db)["articles"].count, work)

    def trafilatura_cli() -> Measure:
        out = work / "trafilatura.jsonl"  # one JSON document a line, one line an article
        cmd = [str(Path(py).parent / "trafilatura"), "--config-file", "trafilatura.cfg"]
        cmd += ["-i", "feeds.txt", "--feed"]
        cmd += ["--json", "--with-metadata", "--no-comments"]
        return run(cmd, lambda: count_lines(out, "{"), work, out)

    def fetch() -> Measure:
        db = work / f"fetch-{next(counter)}.db"
        cmd = [py, "-m", "crawler", "fetch", f"{base}/news/0.html", "--db", str(db), *fast]
        return run(cmd, lambda: Database(db)["articles"].count, work)

    def trafilatura_url() -> Measure:
        cmd = [str(Path(py).parent / "trafilatura"), "--config-file", "trafilatura.cfg"]
        return run([*cmd, "-u", f"{base}/news/0.html"], lambda: 1, work)

    found: dict[str, object] = {
        "limit": lambda: limit("trafilatura"),
        "limit-nd": lambda: limit("newsdesk"),
        "crawl": crawl,
        "trafilatura": trafilatura_cli,
        "fetch": fetch,
        "trafilatura -u": trafilatura_url,
    }
    if ":" in base.removeprefix("http://"):  # not port 80: trafilatura refuses the URLs
        print("trafilatura's CLI skipped: run as root to serve the site on port 80", flush=True)
        del found["trafilatura"], found["trafilatura -u"]
    return found


def median(measures: list[Measure]) -> Measure:
    return Measure(
        *(statistics.median(getattr(m, f) for m in measures) for f in Measure.__annotations__)
    )


def report(results: dict[str, Measure], args: argparse.Namespace) -> None:
    print(
        f"\n{args.articles} articles in {args.feeds} feeds, latency {args.latency_ms:g} ms, "
        f"{os.cpu_count()} cores, medians of {args.runs} run(s)"
    )
    print(f"| {'run':<15} | wall s | CPU s | peak MB | stored | articles/s | s/article |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, m in results.items():
        print(
            f"| {name:<15} | {m.wall:6.2f} | {m.cpu:5.1f} | {m.peak_mb:7.0f} | {m.stored:6d} "
            f"| {m.rate:10.1f} | {m.wall / max(m.stored, 1):9.5f} |"
        )
    ratios: list[tuple[str, float, float | None, bool]] = []
    if "crawl" in results:
        crawl = results["crawl"].rate
        for name, target in (("limit", TARGETS["crawl/limit"]), ("limit-nd", None)):
            if name in results:
                ratios.append((f"crawl/{name}", crawl / results[name].rate, target, True))
        if "trafilatura" in results:
            target = TARGETS["crawl/trafilatura"].get(int(args.latency_ms))  # type: ignore[attr-defined]
            ratios.append(("crawl/trafilatura", crawl / results["trafilatura"].rate, target, True))
    if "fetch" in results and "trafilatura -u" in results:
        ratio = results["fetch"].wall / results["trafilatura -u"].wall
        ratios.append(("fetch/trafilatura -u", ratio, TARGETS["fetch/trafilatura -u"], False))
    print()
    for name, value, target, higher in ratios:
        if target is None:
            print(f"{name:<22} {value:5.2f}")
        else:
            met = value >= target if higher else value <= target
            sign = ">=" if higher else "<="
            print(
                f"{name:<22} {value:5.2f}  target {sign} {target:g}: {'met' if met else 'NOT met'}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated: limit,limit-nd,crawl,trafilatura,fetch")
    parser.add_argument(
        "--instructions", action="store_true", help="count a crawl's instructions per article"
    )
    args = parser.parse_args()
    if not (DATA / "ground-truth.json").is_file():
        print(f"skipped: no benchmark data at {DATA} (see README, Performance)")
        return 0
    for package in ("crawler", "spiders", "storage"):
        compileall.compile_dir(HERE.parent / package, quiet=1)
    if args.instructions and not shutil.which("valgrind"):
        print("skipped: --instructions needs valgrind (apt-get install valgrind)")
        return 0
    site, base = start_site(args)
    try:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
            if args.instructions:
                instructions(args, base, Path(tmp))
                return 0
            found = contenders(args, base, Path(tmp))
            if args.only:
                wanted = set(args.only.split(","))
                if "fetch" in wanted:
                    wanted.add("trafilatura -u")
                found = {k: v for k, v in found.items() if k in wanted}
            runs: dict[str, list[Measure]] = {name: [] for name in found}
            for i in range(args.runs):
                for name, measure in found.items():
                    m = measure()  # type: ignore[operator]
                    runs[name].append(m)
                    print(
                        f"run {i + 1} {name}: {m.wall:.2f} s, {m.cpu:.1f} s CPU, "
                        f"{m.peak_mb:.0f} MB, {m.stored} stored",
                        flush=True,
                    )
            report({name: median(ms) for name, ms in runs.items()}, args)
    finally:
        site.terminate()
        site.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
