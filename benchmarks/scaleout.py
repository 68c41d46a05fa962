"""Scaling out, measured: 1, 2 and 4 crawl workers on one Redis against a latency-bound site.

    python benchmarks/scaleout.py                        # 480 articles, 8 hosts, 200 ms
    python benchmarks/scaleout.py --workers 1 2 4 --articles 960 --latency-ms 200

The site is `--hosts` hosts (127.0.0.2, 127.0.0.3, ...: Linux answers on all of 127/8), each
with a robots.txt, one RSS feed and its share of the articles, every answer `--latency-ms`
late. Each worker may have `--concurrency` requests out at once and each host takes
CONCURRENT_REQUESTS_PER_DOMAIN (2) from the whole cluster, so that the workers, not the two
cores, are the limit. For each worker count: a fresh archive and a fresh Redis, the workers
started and waited for, then `newsdesk ingest --once` runs the cycle; the crawl's time is from
the first request the site sees to the last answer it sends. Then the ingester alone: `--rows`
extracted rows handed to it through Redis, stored into a fresh archive.

Prints articles per second, scaling efficiency (rate / (1-worker rate x workers)), duplicate
article requests (must be 0), the most requests one host had at once (must be <= 2), and the
ingester's rows per second. Needs Debian's redis-server.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from crawler.ingest.urls import normalize_url  # noqa: E402

STORY = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body><nav>Home | World | Harbour</nav><article><h1>{title}</h1>"
    "<p>Story {n}: the harbour board met again and heard that the north pontoon, torn away by "
    "the storm, will be rebuilt in steel before the winter gales reach the coast.</p>"
    "<p>The ferry company kept to the winter timetable; the museum asked for volunteers to guide "
    "visitors round the lighthouse on Saturdays. Filed as item {n} of this benchmark.</p>"
    "</article><footer>Cookie settings</footer></body></html>"
)


class Site:
    """The hosts of the benchmark site, counting every request and the peak per host."""

    def __init__(self, hosts: int, articles: int, latency: float) -> None:
        self.latency, self.lock = latency, threading.Lock()
        self.requests: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.first = self.last = 0.0
        self.servers = [self.serve(f"127.0.0.{2 + h}") for h in range(hosts)]
        self.bases = [f"http://{s.server_address[0]}:{s.server_address[1]}" for s in self.servers]
        self.pages = {h: [n for n in range(articles) if n % hosts == h] for h in range(hosts)}

    def feeds(self) -> list[str]:
        return [f"{base}/feed.xml" for base in self.bases]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.peak.clear()
            self.first = self.last = 0.0

    def serve(self, host: str) -> ThreadingHTTPServer:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                address = f"{host}:{self.server.server_address[1]}"
                with site.lock:
                    site.first = site.first or time.monotonic()
                    site.requests[f"http://{address}{self.path}"] += 1
                    site.in_flight[address] += 1
                    site.peak[address] = max(site.peak[address], site.in_flight[address])
                try:
                    time.sleep(site.latency)
                    body, kind = site.answer(address, self.path)
                    self.send_response(200 if body else 404)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with site.lock:
                        site.in_flight[address] -= 1
                        site.last = time.monotonic()

            def log_message(self, format: str, *args: object) -> None:
                pass

        ThreadingHTTPServer.daemon_threads = True
        server = ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def answer(self, address: str, path: str) -> tuple[bytes, str]:
        h = next(i for i, base in enumerate(self.bases) if base.endswith(address))
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", "text/plain"
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {n}</title><link>/news/{n}.html</link></item>"
                for n in self.pages[h]
            )
            rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Host {h}</title>"
            return f"{rss}<link>/</link>{items}</channel></rss>".encode(), "application/rss+xml"
        if path.startswith("/news/") and path.endswith(".html"):
            n = int(path[6:-5])
            return STORY.format(n=n, title=f"Story {n} of the harbour").encode(), "text/html"
        return b"", "text/plain"


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    folder.mkdir(parents=True)
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
         "127.0.0.1", "--dir", str(folder), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def newsdesk(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, text=True, **kwargs
    )


def run_cluster(site: Site, workers: int, args: argparse.Namespace, tmp: Path) -> dict[str, float]:
    redis_proc, url = start_redis(tmp / f"redis-{workers}")
    db = tmp / f"cluster-{workers}.db"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "crawler", "feeds", "add", *site.feeds(), "--db", str(db)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    site.reset()
    settings = [
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0",
        "-s", f"CONCURRENT_REQUESTS={args.concurrency}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", "NEWSDESK_WORKERS=1", "-s", "NEWSDESK_PROGRESS=False",
    ]  # fmt: skip
    procs = [  # as services: stopped below (SIGTERM) once the cycle is stored
        newsdesk("crawl", "--redis", url, *settings, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    client = redis.Redis.from_url(url)
    while len(client.keys("newsdesk:worker:*")) < workers:  # every worker is up
        time.sleep(0.2)
    started = time.monotonic()
    ingest = subprocess.run(
        [sys.executable, "-m", "crawler", "ingest", "--redis", url, "--db", str(db), "--once"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    cycle = time.monotonic() - started
    for proc in procs:
        proc.terminate()
        proc.wait(120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    redis_proc.terminate()
    redis_proc.wait()
    if ingest.returncode:
        raise SystemExit(f"ingest failed: {ingest.stderr}")
    articles = {u: n for u, n in site.requests.items() if "/news/" in u}
    stored = int(
        subprocess.run(
            ["sqlite3", str(db), "SELECT count(*) FROM articles"], capture_output=True, text=True
        ).stdout.strip()
        or 0
    )
    crawl = site.last - site.first
    return {
        "workers": workers,
        "crawl": crawl,
        "cycle": cycle,
        "stored": stored,
        "rate": len(articles) / crawl,
        "duplicates": sum(n - 1 for n in articles.values()),
        "peak": max(site.peak.values()),
        # workers with their extraction processes, the ingester, `feeds add`: not Redis
        "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
    }


def measure_ingester(rows: int, tmp: Path) -> tuple[float, int]:
    """Seconds for an ingester to store `rows` extracted rows handed to it through Redis."""
    from crawler.app.config import plain_settings
    from crawler.ingest.config import Config
    from crawler.scaleout import messages
    from crawler.scaleout.ingester import Ingester
    from crawler.scaleout.jobs import Jobs, connect

    redis_proc, url = start_redis(tmp / "redis-ingest")
    jobs = Jobs(connect(url))
    config = Config.from_settings(plain_settings(flags={"db": str(tmp / "ingest.db")}))
    ingester = Ingester(jobs, config, push=False)
    server = jobs.server
    server.hset(jobs.keys.cycle, mapping={"id": "1", "feeds_due": 0})
    text = " ".join(f"Word{i} of the harbour story." for i in range(60))
    pipe = server.pipeline(transaction=False)
    for n in range(rows):
        server_url = f"http://127.0.0.2/news/{n}.html"
        row = {
            "url": server_url, "canonical_url": normalize_url(server_url), "title": f"Story {n}",
            "authors": ["Mara Lindqvist"], "published": "2026-11-20T06:30:00+00:00",
            "modified": None, "sitename": "Ledger", "language": "en", "description": None,
            "tags": ["Weather"], "image": None, "text": f"{text} {n}", "html": f"<p>{text}</p>",
            "word_count": 361, "feed_url": "http://127.0.0.2/feed.xml",
            "fetched_at": "2026-11-30T00:00:00+00:00", "content_hash": f"{n:064x}",
            "metadata_source": {"title": "page"}, "aliases": [("url", server_url)],
        }  # fmt: skip
        pipe.hset(jobs.keys.jobs, str(n), "{}")
        pipe.lpush(jobs.keys.results, messages.encode(messages.Outcome(str(n), row=row)))  # type: ignore[arg-type]
    pipe.execute()
    started = time.monotonic()
    while ingester.step() is None:
        pass
    elapsed = time.monotonic() - started
    ingester.close()
    redis_proc.terminate()
    redis_proc.wait()
    return elapsed, ingester.rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--articles", type=int, default=480)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=3, help="requests out per worker")
    parser.add_argument("--rows", type=int, default=5000, help="rows for the ingester alone")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    site = Site(args.hosts, args.articles, args.latency_ms / 1000)
    print(
        f"{args.articles} articles on {args.hosts} hosts, latency {args.latency_ms:g} ms, "
        f"{args.concurrency} requests per worker, 2 per host, {os.cpu_count()} cores",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ingest_s, ingested = measure_ingester(args.rows, tmp)
        columns = "workers crawl_s cycle_s CPU_s stored articles/s scaling duplicates peak/host"
        print("| " + " | ".join(c.replace("_", " ") for c in columns.split()) + " |")
        print("|" + " ---: |" * len(columns.split()), flush=True)
        for n in args.workers:
            r = run_cluster(site, n, args, tmp)
            results.append(r)
            base = results[0]["rate"] / results[0]["workers"]
            print(
                f"| {r['workers']} | {r['crawl']:.2f} | {r['cycle']:.2f} | {r['cpu']:.1f} | "
                f"{r['stored']} | "
                f"{r['rate']:.1f} | {r['rate'] / (base * r['workers']):.2f} | "
                f"{r['duplicates']} | {r['peak']} |",
                flush=True,
            )
    print(f"\ningester: {ingested} rows in {ingest_s:.2f} s: {ingested / ingest_s:.0f} rows/s")
    if args.json:
        print(json.dumps({"runs": results, "ingester_rows_per_s": ingested / ingest_s}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
