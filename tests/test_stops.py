"""Stops that take seconds, whatever the network does (issues 14 and 15): `--max-runtime N`
ends the run within N + 5 s, Ctrl-C is answered at once and stops within 5 s, a second Ctrl-C at
once; downloads cut off are recorded as "interrupted" and fetched by the next run. The real CLI
in a subprocess, against a local site whose pages hang (no status line), drip one byte a second,
or answer."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlite_utils import Database

from crawler.ingest import reasons
from tests.helpers import FAST, ROOT, run_newsdesk
from tests.newsroom import Newsroom, NewsroomHandler

HANGING = ("news/hang-1.html", "news/hang-2.html", "news/drip.html")
ACK = "newsdesk: stopping after 3 pages in flight; press Ctrl-C again to stop now"


class Crawl:
    """`newsdesk crawl` in a subprocess, its stderr lines read as they come, with their time."""

    def __init__(self, *args: str) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", *args],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait(self, timeout: float = 90) -> tuple[int, float]:
        """Its exit code and when it exited."""
        code = self.proc.wait(timeout)
        ended = time.monotonic()
        self.reader.join(5)
        return code, ended

    def line_at(self, text: str) -> float | None:
        return next((at for at, line in self.lines if line == text), None)

    def stderr(self) -> str:
        return "\n".join(line for _, line in self.lines)


@pytest.fixture
def hanging(site):
    """The test site, with a feed listing one page that answers and three that never finish:
    two send nothing at all, one sends its headers and then a byte a second."""
    release = threading.Event()
    page = (site.root / "news" / "lighthouse.html").read_bytes()

    def hang(handler: NewsroomHandler) -> None:
        if not release.wait(120):
            return
        handler.answer(handler.path, 200, page, "text/html; charset=utf-8")

    def drip(handler: NewsroomHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        for byte in page:
            if not release.is_set():
                time.sleep(1)
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    for path in HANGING:
        site.routes["/" + path] = drip if "drip" in path else hang
    site.release = release
    site.feed = site.publish_feed("hanging.xml", ["news/ferry-strike.html", *HANGING])
    yield site
    release.set()


def wait_for_requests(site: Newsroom, paths: tuple[str, ...], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(site.requests["/" + path] for path in paths):
        assert time.monotonic() < deadline, dict(site.requests)
        time.sleep(0.05)


def crawl_args(site: Newsroom, db) -> tuple[str, ...]:
    # Four downloads at a time from the site, so that the three hanging pages are in flight.
    return ("--feed", site.feed, "--db", str(db), *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")


def interrupted(db) -> list[str]:
    return sorted(
        r["url"].split("/", 3)[-1]
        for r in Database(db)["failures"].rows
        if r["reason"] == reasons.INTERRUPTED
    )


def next_run_fetches_the_rest(site: Newsroom, db) -> None:
    site.release.set()
    proc = run_newsdesk("crawl", "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert Database(db)["articles"].count == 4
    assert list(Database(db)["failures"].rows) == []


def test_max_runtime_ends_the_run_in_time_whatever_the_downloads_do(hanging, tmp_path):
    db = tmp_path / "archive.db"
    crawl = Crawl(*crawl_args(hanging, db), "--max-runtime", "15")
    code, ended = crawl.wait()
    assert code == 5, crawl.stderr()
    took = ended - crawl.started
    print(f"--max-runtime 15 with 3 hanging downloads: {took:.1f} s")
    assert took <= 15 + 5, f"--max-runtime 15 took {took:.1f} s"
    assert "Traceback" not in crawl.stderr()
    assert all(hanging.requests["/" + path] for path in HANGING)  # they were in flight
    assert interrupted(db) == sorted(HANGING)
    [run] = Database(db)["crawl_runs"].rows
    assert (run["status"], run["exit_code"]) == ("stopped", 5)
    next_run_fetches_the_rest(hanging, db)


def test_ctrl_c_is_answered_at_once_and_stops_within_5_s(hanging, tmp_path):
    db = tmp_path / "archive.db"
    crawl = Crawl(*crawl_args(hanging, db))
    wait_for_requests(hanging, HANGING)
    time.sleep(0.3)  # the three downloads are under way
    pressed = time.monotonic()
    crawl.proc.send_signal(signal.SIGINT)
    code, ended = crawl.wait()
    assert code == 130, crawl.stderr()
    answered = crawl.line_at(ACK)
    assert answered is not None, crawl.stderr()
    assert answered - pressed < 1.0
    assert ended - pressed < 5.0, f"stopping took {ended - pressed:.1f} s"
    assert "Traceback" not in crawl.stderr()
    assert crawl.stderr().splitlines()[-1].endswith(f"-> {db}")
    assert "stopped by a signal (Ctrl-C, SIGTERM)" in crawl.stderr().splitlines()[-1]
    assert interrupted(db) == sorted(HANGING)
    [run] = Database(db)["crawl_runs"].rows
    assert (run["status"], run["exit_code"]) == ("aborted", 130)
    next_run_fetches_the_rest(hanging, db)


def test_a_second_ctrl_c_stops_at_once(hanging, tmp_path):
    db = tmp_path / "archive.db"
    crawl = Crawl(*crawl_args(hanging, db), "-s", "NEWSDESK_STOP_GRACE=30")
    wait_for_requests(hanging, HANGING)
    crawl.proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 5
    while crawl.line_at(ACK) is None:
        assert time.monotonic() < deadline, crawl.stderr()
        time.sleep(0.05)
    pressed = time.monotonic()
    crawl.proc.send_signal(signal.SIGINT)
    code, ended = crawl.wait()
    assert code == 130, crawl.stderr()
    assert ended - pressed < 3.0, f"the second Ctrl-C took {ended - pressed:.1f} s"
    assert "newsdesk: stopping now; the next run fetches what was cut off" in crawl.stderr()
    assert interrupted(db) == sorted(HANGING)
