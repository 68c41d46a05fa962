"""A trustworthy archive under faults (issue 15): a full disk, a write lock held by another
process, a damaged, read-only or brand-new archive, a re-fetch, kill -9. The real CLI in
subprocesses, a local site over HTTP, real SQLite files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from sqlite_utils import Database

from tests.helpers import FAST, ROOT, free_port, run_newsdesk, start_server, stop_server
from tests.manystories import feed_urls, serve_stories
from tests.newsroom import Newsroom

FAULTS = Path(__file__).parent / "faults"  # sitecustomize.py: a size cap on every SQLite file
LOCK_TIMEOUT = ("-s", "NEWSDESK_LOCK_TIMEOUT=1")  # tests wait 1 s for a lock, not 30


@pytest.fixture
def stories(tmp_path):
    server = serve_stories(tmp_path, count=40, feeds=4)
    yield server
    server.shutdown()


def crawl(db: Path, *args: str, env: dict[str, str] | None = None):
    return run_newsdesk("crawl", "--db", str(db), *FAST, *args, env=env)


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def add_feeds(db: Path, site: Newsroom, feeds: int = 4) -> None:
    proc = run_newsdesk("feeds", "add", *feed_urls(site, feeds), "--db", str(db))
    assert proc.returncode == 0, proc.stderr


def one_line(stderr: str) -> str:
    """The only line on stderr: no traceback, no asyncio "Exception in callback" log."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def stored_once(db: Path) -> list[str]:
    """The archive's canonical URLs; fails on a duplicate or a damaged file."""
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    urls = [r[0] for r in conn.execute("SELECT canonical_url FROM articles")]
    assert len(urls) == len(set(urls))
    conn.close()
    return urls


def every_story(site: Newsroom, count: int = 40) -> set[str]:
    return {f"{site.url}/news/story-{i}.html" for i in range(count)}


class LockHolder:
    """Another process holding the archive's write lock (BEGIN IMMEDIATE) until `release()`,
    at most `hold` seconds."""

    def __init__(self, db: Path, hold: float = 60) -> None:
        code = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); "
            "sys.stdin.read(); c.execute('ROLLBACK')"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline() == "locked\n"
        self.timer = threading.Timer(hold, self.release)
        self.timer.start()

    def release(self) -> None:
        self.timer.cancel()
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(10)


@contextlib.contextmanager
def read_only(path: Path):
    """`path` (a file or a folder) read-only, even for root: a read-only bind mount when we are
    root (which ignores file modes), else its write bits cleared."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path), str(path)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


# -- a full disk -------------------------------------------------------------------------------
def test_a_full_disk_stops_the_crawl_and_the_next_crawl_completes_it(stories, tmp_path):
    db = tmp_path / "archive.db"
    add_feeds(db, stories)
    stories.delay = 0.2  # articles come in over four seconds: several batches
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    full = {"PYTHONPATH": str(FAULTS), "NEWSDESK_TEST_MAX_PAGES": str(pages + 12)}
    proc = crawl(db, env=full)
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert "database or disk is full" in line and "next crawl" in line, line
    archive = Database(db)
    [run] = archive["crawl_runs"].rows
    assert (run["status"], run["exit_code"]) == ("failed", 1)
    stored = archive["articles"].count
    assert stored < 40
    assert run["articles_new"] == stored  # nothing counted that is not stored
    assert f"articles: {stored} new" in line
    for feed in archive["feeds"].rows:  # every feed is read again by the next crawl
        assert (feed["etag"], feed["body_hash"], feed["next_poll"]) == (None, None, None)
    again = crawl(db)  # the space is back
    assert again.returncode == 0, again.stderr
    assert set(stored_once(db)) == every_story(stories)


# -- a write lock held by another process ------------------------------------------------------
def test_a_write_lock_held_mid_crawl_fails_it_loudly_and_loses_nothing(stories, tmp_path):
    db = tmp_path / "archive.db"
    add_feeds(db, stories)
    stories.delay = 0.15  # 40 stories, two at a time: about 3 s of downloads
    crawler = start("crawl", "--db", str(db), *FAST, *LOCK_TIMEOUT)
    deadline = time.monotonic() + 60
    while Database(db)["articles"].count < 4:  # the first batches are written
        assert time.monotonic() < deadline and crawler.poll() is None
        time.sleep(0.05)
    holder = LockHolder(db)
    try:
        _, stderr = crawler.communicate(timeout=60)
    finally:
        holder.release()
    assert crawler.returncode == 1
    line = one_line(stderr)
    assert "database is locked" in line and "next crawl" in line, line
    stored = Database(db)["articles"].count
    assert f"{stored} new" in line  # what it says it stored, it stored
    for feed in Database(db)["feeds"].rows:
        assert feed["body_hash"] is None
    again = crawl(db)
    assert again.returncode == 0, again.stderr
    assert set(stored_once(db)) == every_story(stories)


@pytest.mark.parametrize("count", [2, 5])  # 2: fetch without Scrapy; 5: with Scrapy
def test_fetch_under_a_held_write_lock_exits_non_zero_in_one_line(count, stories, tmp_path):
    db = tmp_path / "archive.db"
    add_feeds(db, stories)
    urls = sorted(every_story(stories, count))
    holder = LockHolder(db)
    try:
        started = time.monotonic()
        proc = run_newsdesk("fetch", *urls, "--db", str(db), *FAST, *LOCK_TIMEOUT)
        took = time.monotonic() - started
    finally:
        holder.release()
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert "database is locked" in line, line
    assert took < 45  # the lock is held for 60 s: the command did not wait for it
    assert Database(db)["articles"].count == 0


def test_a_lock_held_before_the_crawl_starts_is_one_line(stories, tmp_path):
    db = tmp_path / "archive.db"
    add_feeds(db, stories)
    holder = LockHolder(db)
    try:
        started = time.monotonic()
        proc = crawl(db, *LOCK_TIMEOUT)
        took = time.monotonic() - started
    finally:
        holder.release()
    assert proc.returncode == 1
    assert "database is locked" in one_line(proc.stderr)
    assert took < 45  # the lock is held for 60 s: the command did not wait for it


# -- a damaged, read-only or brand-new archive -------------------------------------------------
def test_a_damaged_archive_is_reported_in_one_line_and_never_written_to(stories, tmp_path):
    db = tmp_path / "archive.db"
    add_feeds(db, stories)
    assert crawl(db, "-s", "NEWSDESK_REVISION_CHECKS=off").returncode == 0
    size = db.stat().st_size
    with db.open("r+b") as file:  # a page in the middle of the file overwritten
        file.seek(size // 4096 // 2 * 4096)
        file.write(b"\xa5" * 4096)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    urls = sorted(every_story(stories, 5))
    for args in (("crawl", "--all"), ("fetch", urls[0]), ("fetch", *urls)):
        proc = run_newsdesk(*args, "--db", str(db), *FAST)
        assert proc.returncode == 1, (args, proc.stderr)
        line = one_line(proc.stderr)
        assert "PRAGMA integrity_check" in line and "backup" in line, line
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
        wal = Path(f"{db}-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_a_read_only_archive_file_is_one_line(site_url, tmp_path):
    db = tmp_path / "archive.db"
    assert run_newsdesk("feeds", "add", f"{site_url}/rss.xml", "--db", str(db)).returncode == 0
    with read_only(db):
        for args in (("crawl",), ("fetch", f"{site_url}/news/ferry-strike.html")):
            proc = run_newsdesk(*args, "--db", str(db), *FAST)
            assert proc.returncode == 1, (args, proc.stderr)
            assert "read-only" in one_line(proc.stderr)


def test_serve_reads_an_archive_in_a_read_only_folder(site_url, tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    db = folder / "news.db"
    assert crawl(db, "--feed", f"{site_url}/rss.xml").returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["news.db", "news.db.lock"]
    with read_only(folder):
        server = start_server(db, port := free_port())
        try:
            url = f"http://127.0.0.1:{port}/news/articles.json?_shape=array"
            with urllib.request.urlopen(url, timeout=30) as response:
                rows = json.load(response)
        finally:
            stop_server(server)
    assert len(rows) == 2


def test_two_commands_at_once_on_a_new_archive_both_succeed(site_url, tmp_path):
    for attempt in range(5):
        db = tmp_path / f"new-{attempt}.db"
        first = start("feeds", "add", f"{site_url}/rss.xml", "--db", str(db))
        second = start("feeds", "add", f"{site_url}/atom.xml", "--db", str(db))
        for proc in (first, second):
            _, stderr = proc.communicate(timeout=60)
            assert proc.returncode == 0, stderr
        assert Database(db)["feeds"].count == 2


# -- a re-fetch keeps what it knew -------------------------------------------------------------
def test_revision_checks_and_fetch_keep_the_feeds_metadata(stories, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(db, "--feed", feed_urls(stories, 4)[1]).returncode == 0
    archive = Database(db)

    def metadata() -> dict[str, tuple[str, str, str]]:
        return {
            r["url"].rsplit("/", 1)[1]: (r["authors"], r["published"], r["metadata_source"])
            for r in archive.query("SELECT * FROM articles ORDER BY id")
        }

    before = metadata()
    assert len(before) == 10
    assert before["story-1.html"][:2] == ('["Reporter 1"]', "2026-11-20T01:01:00+00:00")
    archive.execute(  # two hours later: the 1h revision check is due
        "UPDATE articles SET first_seen = strftime(?, first_seen, '-2 hours'), "
        "fetched_at = strftime(?, fetched_at, '-2 hours')",
        ["%Y-%m-%dT%H:%M:%S+00:00"] * 2,
    )
    archive.conn.commit()
    proc = crawl(db)
    assert proc.returncode == 0, proc.stderr
    assert archive["crawl_runs"].get(2)["revision_checks"] == 10
    assert metadata() == before
    fetched = run_newsdesk("fetch", f"{stories.url}/news/story-1.html", "--db", str(db), *FAST)
    assert fetched.returncode == 0, fetched.stderr
    assert metadata() == before


# -- kill -9 -----------------------------------------------------------------------------------
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


def running(db: Path, pid: int) -> bool:
    """Whether the crawl with this process id has written its `crawl_runs` row."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        return bool(conn.execute("SELECT 1 FROM crawl_runs WHERE pid = ?", [pid]).fetchall())
    finally:
        conn.close()


STORIES = 120


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path):
    """Five crawls killed (two of them while they hold the write lock) under concurrent reads,
    then one crawl to the end: every story exactly once, runs marked interrupted."""
    site = serve_stories(tmp_path, count=STORIES, feeds=4)
    # Each page takes 0.2 s (two at a time): the 120 stories take some 12 s of crawling, and
    # each crawl is killed within 3 s of starting (while it holds the write lock, if the test
    # sees it do so first), so that every crawl the test kills still has stories to fetch,
    # however fast or loaded the machine.
    site.delay = 0.2
    db = tmp_path / "archive.db"
    add_feeds(db, site)
    errors: list[str] = []
    reading = threading.Event()
    reading.set()

    def read() -> None:
        conn = sqlite3.connect(db, timeout=30)
        while reading.is_set():
            try:
                conn.execute("SELECT count(*) FROM articles").fetchone()
                conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'story'")
                conn.execute("SELECT * FROM aliases JOIN articles ON articles.id = article_id")
            except sqlite3.Error as exc:
                errors.append(str(exc))
            time.sleep(0.01)

    reader = threading.Thread(target=read)
    reader.start()
    rng = random.Random(15)
    killed = 0
    try:
        for kill in range(5):
            crawler = start("crawl", "--all", "--db", str(db), *FAST)
            started = time.monotonic()
            while not running(db, crawler.pid):  # its crawl_runs row is written
                assert crawler.poll() is None and time.monotonic() < started + 60
                time.sleep(0.02)
            workers = psutil.Process(crawler.pid).children(recursive=True)
            deadline = time.monotonic() + (3 if kill < 2 else rng.uniform(0, 2))
            while time.monotonic() < deadline and crawler.poll() is None:
                if kill < 2 and writing(db):
                    break  # kill it while it holds the write lock
                time.sleep(0.002 if kill < 2 else 0.02)
            if crawler.poll() is None:
                crawler.send_signal(signal.SIGKILL)
                killed += 1
            crawler.communicate(timeout=30)
            _, alive = psutil.wait_procs(workers, timeout=10)
            assert alive == []  # no stray extraction worker
    finally:
        reading.clear()
        reader.join(30)
    assert killed >= 3
    # A run may have stored every story and polled every feed before it was killed (a fast
    # machine): the next crawl then rightly has nothing due; otherwise it finishes the work.
    complete = set(stored_once(db)) == every_story(site, STORIES)
    final = crawl(db)
    assert final.returncode == 0, final.stderr
    assert errors == []
    assert set(stored_once(db)) == every_story(site, STORIES)
    statuses = [r["status"] for r in Database(db).query("SELECT status FROM crawl_runs")]
    assert statuses[-1] in ({"finished", "nothing due"} if complete else {"finished"})
    assert statuses[:-1].count("interrupted") == killed  # each killed run, as the next found it
    assert set(statuses[:-1]) <= {"interrupted", "finished"}  # or a run that ended first
    site.shutdown()
