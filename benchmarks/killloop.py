"""kill -9 at random moments, and a full disk: does the archive keep every story exactly once?

    python benchmarks/killloop.py                       # 20 kills, 400 articles in 8 feeds
    python benchmarks/killloop.py --kills 50 --mid-write 10
    python benchmarks/killloop.py --disk-full 3         # as root: a 3 MB tmpfs fills up mid-crawl

Starts benchmarks/newssite.py (real pages from ../shared/data/aeb-dev) in its own process and,
against one archive, `--kills` crawls (`newsdesk crawl --all`) one after the other, each killed
with SIGKILL once its `crawl_runs` row is written: the first `--mid-write` of them, once the
run has stored some stories, the moment another connection finds the archive's write lock taken
(a write transaction of stories is open); the others after a random 0 to `--max-wait` seconds.
All along, `newsdesk serve` answers a stream of Datasette reads and a thread runs SQL reads on
its own connection. A last crawl then runs to its end. The script prints one line per kill and
checks: `PRAGMA integrity_check`, no duplicate story, no orphan alias or version, no
extraction worker left behind, every killed run marked `interrupted`, every article stored
exactly once, no read that failed.

`--disk-full MB` instead puts the archive on a tmpfs of that size (root only), crawls until it
is full, then makes the tmpfs ten times larger and crawls again.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
FAST = [
    *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"),
    *("-s", "CONCURRENT_REQUESTS=8", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]


def newsdesk(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, text=True, **kwargs
    )


def start_site(articles: int, feeds: int, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    site = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "newssite.py"), "--articles", str(articles),
         "--feeds", str(feeds), "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert site.stdout is not None
    return site, site.stdout.readline().strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db, timeout=60)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def writing(db: Path) -> bool:
    """True while another connection holds the archive's write lock."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def wait_for_stories(db: Path, crawler: subprocess.Popen[str], deadline: float) -> None:
    """Until the running crawl has stored a batch of stories (or ends, or `deadline`): the
    writes before it are the run's and the feeds' rows, not stories."""
    [(before,)] = query(db, "SELECT count(*) FROM articles")
    while time.monotonic() < deadline and crawler.poll() is None:
        if query(db, "SELECT count(*) FROM articles")[0][0] > before:
            return
        time.sleep(0.05)


class Readers:
    """`newsdesk serve` answering Datasette reads, and SQL reads on a connection of our own,
    until `stop()`; failed reads are kept in `errors`."""

    def __init__(self, db: Path) -> None:
        self.db, self.port = db, free_port()
        # Its log (a line per request) goes to a file: a pipe no one reads fills up after a
        # few hundred requests, and the server then stops answering.
        self.log = (db.parent / "serve.log").open("w")
        self.server = newsdesk(
            "serve", "--db", str(db), "--port", str(self.port), stdout=self.log, stderr=self.log
        )
        self.errors: list[str] = []
        self.reads = 0
        self.running = threading.Event()
        self.running.set()
        self.threads = [threading.Thread(target=self.http), threading.Thread(target=self.sql)]
        for thread in self.threads:
            thread.start()

    def http(self) -> None:
        paths = ("/news/articles.json", "/news/articles?_search=harbour", "/news/feed_health.json")
        deadline = time.monotonic() + 60
        while self.running.is_set():
            url = f"http://127.0.0.1:{self.port}{paths[self.reads % len(paths)]}"
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                self.reads += 1
            except urllib.error.HTTPError as exc:
                self.errors.append(f"{url}: HTTP {exc.code}")
            except OSError as exc:  # not listening yet
                if time.monotonic() > deadline:
                    self.errors.append(f"{url}: newsdesk serve does not answer ({exc!r})")
                    return
                time.sleep(0.2)

    def sql(self) -> None:
        conn = sqlite3.connect(self.db, timeout=60)
        while self.running.is_set():
            try:
                conn.execute("SELECT count(*) FROM articles").fetchone()
                conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'harbour'")
                conn.execute("SELECT count(*) FROM aliases JOIN articles ON article_id = id")
                self.reads += 1
            except sqlite3.Error as exc:
                self.errors.append(f"SQL: {exc}")
            time.sleep(0.01)

    def stop(self) -> None:
        self.running.clear()
        for thread in self.threads:
            thread.join(60)
        self.server.terminate()
        self.server.communicate(timeout=30)
        self.log.close()


def kill_loop(args: argparse.Namespace, db: Path, base: str) -> bool:
    rng = random.Random(args.seed)
    readers = Readers(db)
    killed, stray = 0, 0
    print("| kill | when | after run start s | articles at kill | workers left |")
    print("| ---: | --- | ---: | ---: | ---: |")
    try:
        for kill in range(args.kills):
            mid_write = kill < args.mid_write
            crawler = newsdesk("crawl", "--all", "--db", str(db), *FAST)
            while not query(db, "SELECT 1 FROM crawl_runs WHERE pid = ?", crawler.pid):
                if crawler.poll() is not None:
                    break
                time.sleep(0.01)
            started = time.monotonic()
            workers = psutil.Process(crawler.pid).children(recursive=True)
            deadline = started + (60 if mid_write else rng.uniform(0, args.max_wait))
            caught = False
            if mid_write:  # a write of stories: the next one once this run has stored some
                wait_for_stories(db, crawler, deadline)
            while time.monotonic() < deadline and crawler.poll() is None:
                if mid_write and writing(db):
                    caught = True
                    break
                time.sleep(0.001 if mid_write else 0.01)
            if crawler.poll() is not None:
                print(f"| {kill + 1} | ended before the kill | | | |")
                continue
            crawler.send_signal(signal.SIGKILL)
            after = time.monotonic() - started
            crawler.communicate(timeout=30)
            killed += 1
            _, alive = psutil.wait_procs(workers, timeout=10)
            stray += len(alive)
            [(stored,)] = query(db, "SELECT count(*) FROM articles")
            when = "mid-write (write lock held)" if caught else "random"
            print(f"| {kill + 1} | {when} | {after:.2f} | {stored} | {len(alive)} |")
    finally:
        readers.stop()
    final = newsdesk("crawl", "--db", str(db), *FAST)
    _, stderr = final.communicate(timeout=1800)
    print(f"\nfinal crawl (exit {final.returncode}): {stderr.strip().splitlines()[-1]}")
    return report(db, base, args.articles, killed=killed, stray=stray, readers=readers)


def report(
    db: Path, base: str, articles: int, *, killed: int, stray: int, readers: Readers | None
) -> bool:
    [(integrity,)] = query(db, "PRAGMA integrity_check")
    [(rows, distinct)] = query(db, "SELECT count(*), count(DISTINCT canonical_url) FROM articles")
    orphans = query(
        db,
        "SELECT (SELECT count(*) FROM aliases WHERE article_id NOT IN (SELECT id FROM articles))"
        " + (SELECT count(*) FROM article_versions"
        " WHERE article_id NOT IN (SELECT id FROM articles))",
    )[0][0]
    expected = {f"{base}/news/{i}.html" for i in range(articles)}
    stored = {url for (url,) in query(db, "SELECT canonical_url FROM articles")}
    statuses = [s for (s,) in query(db, "SELECT status FROM crawl_runs ORDER BY id")]
    interrupted = statuses.count("interrupted")
    checks = {
        "integrity_check": (integrity, integrity == "ok"),
        "duplicates": (rows - distinct, rows == distinct),
        "orphans (aliases, versions)": (orphans, orphans == 0),
        "stray extraction workers": (stray, stray == 0),
        "runs killed / marked interrupted": (f"{killed} / {interrupted}", killed == interrupted),
        "articles stored / on the site": (f"{len(stored)} / {articles}", stored == expected),
    }
    if readers is not None:
        checks["reads / failed reads"] = (
            f"{readers.reads} / {len(readers.errors)}",
            not readers.errors,
        )
    print()
    for name, (value, ok) in checks.items():
        print(f"{name:34} {value!s:>14}  {'ok' if ok else 'FAILED'}")
    if readers is not None:
        for error in readers.errors[:5]:
            print(f"  read error: {error}")
    return all(ok for _, ok in checks.values())


def disk_full(args: argparse.Namespace, base: str) -> bool:
    """Crawl into an archive on a small tmpfs until it is full, then grow it and crawl again."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-full-") as folder:
        mount = Path(folder)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={args.disk_full}m", "tmpfs", str(mount)],
            check=True,
        )
        try:
            db = mount / "news.db"
            feeds = [f"{base}/feeds/{f}.xml" for f in range(args.feeds)]
            proc = newsdesk("feeds", "add", *feeds, "--db", str(db))
            proc.communicate(timeout=120)
            for label in (f"{args.disk_full} MB", f"{args.disk_full * 10} MB"):
                crawl = newsdesk("crawl", "--db", str(db), *FAST)
                _, stderr = crawl.communicate(timeout=1800)
                [(stored,)] = query(db, "SELECT count(*) FROM articles")
                validators = query(db, "SELECT count(*) FROM feeds WHERE body_hash IS NOT NULL")
                print(f"crawl on a tmpfs of {label}: exit {crawl.returncode}, {stored} stored, ")
                print(f"  feeds with saved validators: {validators[0][0]} of {args.feeds}")
                for line in stderr.strip().splitlines():
                    print(f"  stderr: {line}")
                subprocess.run(
                    ["mount", "-o", f"remount,size={args.disk_full * 10}m", str(mount)],
                    check=True,
                )
            statuses = [s for (s,) in query(db, "SELECT status FROM crawl_runs ORDER BY id")]
            print(f"crawl_runs: {statuses}")
            return report(db, base, args.articles, killed=0, stray=0, readers=None)
        finally:
            subprocess.run(["umount", str(mount)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--mid-write", type=int, default=10, help="kills while a write is open")
    parser.add_argument("--max-wait", type=float, default=3.0, help="random kills: at most s")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--feeds", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=20.0, help="each answer this late")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--disk-full", type=int, metavar="MB", help="a full-disk run instead")
    args = parser.parse_args()
    site, base = start_site(args.articles, args.feeds, args.latency_ms)
    try:
        if args.disk_full:
            return 0 if disk_full(args, base) else 1
        with tempfile.TemporaryDirectory(prefix="newsdesk-kill-") as folder:
            db = Path(folder) / "news.db"
            feeds = [f"{base}/feeds/{f}.xml" for f in range(args.feeds)]
            newsdesk("feeds", "add", *feeds, "--db", str(db)).communicate(timeout=120)
            print(
                f"{args.kills} kills ({args.mid_write} mid-write), {args.articles} articles in "
                f"{args.feeds} feeds, answers {args.latency_ms:g} ms late, seed {args.seed}\n"
            )
            return 0 if kill_loop(args, db, base) else 1
    finally:
        site.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            site.wait(10)


if __name__ == "__main__":
    sys.exit(main())
