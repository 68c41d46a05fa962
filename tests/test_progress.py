"""A crawl's progress (crawler/components/progress.py): the live line at a real terminal (a pty),
log lines without one, and the `crawl_runs` row kept up to date while the crawl runs."""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.helpers import FAST, ROOT, run_newsdesk

FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml", "readers.xml")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LIVE_LINE = re.compile(
    r"feeds 5/5 · articles \d+/12 · fetched \d+ · stored \d+ · failed \d+ · [\d.]+ pages/s · "
    r"elapsed 0:00:\d\d"
)


def feed_args(url: str) -> list[str]:
    return [arg for name in FEEDS for arg in ("--feed", f"{url}/{name}")]


def crawl_in_pty(*args: str, while_running: float = 0) -> tuple[int, str]:
    """`newsdesk crawl` with a terminal (a pty) as stdin, stdout and stderr: its exit code and
    everything it drew."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "LINES": "40"},
    )
    os.close(follower)
    chunks: list[bytes] = []

    def read() -> None:  # keep draining, or the crawl blocks on a full terminal
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the crawl closed its end
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    code = proc.wait(timeout=120)
    reader.join(timeout=10)
    os.close(leader)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_a_live_line_at_a_terminal_and_the_run_row_as_it_goes(site, tmp_path):
    db = tmp_path / "archive.db"
    site.delay = 0.6  # each article page: the crawl lasts a few seconds
    rows: list[tuple[str, int, int]] = []

    def watch_run_row() -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                row = (
                    sqlite3.connect(db)
                    .execute("SELECT status, feeds_polled, articles_new FROM crawl_runs")
                    .fetchone()
                )
            except sqlite3.OperationalError:  # not created yet
                row = None
            if row:
                rows.append(row)
                if row[0] != "running":
                    return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch_run_row)
    watcher.start()
    code, drawn = crawl_in_pty(
        *feed_args(site.url),
        *("--db", str(db), *FAST, "-s", "NEWSDESK_RUN_UPDATE_INTERVAL=0.5"),
        *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),  # one page at a time: stories land apart
    )
    watcher.join()
    assert code == 0, drawn
    frames = [ANSI.sub("", frame).strip() for frame in re.split(r"[\r\n]", drawn)]
    live = [frame for frame in frames if LIVE_LINE.search(frame)]
    assert len(live) >= 3, drawn
    assert any("ETA 0:00:" in frame for frame in live), live
    assert "\x1b[?25h" in drawn  # the cursor is shown again
    assert [f for f in frames if f][-1].startswith("newsdesk crawl: 5 feeds polled")
    warnings = [frame for frame in frames if " WARNING " in frame]
    assert warnings and all(frame.startswith("20") for frame in warnings)  # whole lines
    running = [row for row in rows if row[0] == "running"]
    assert any(r[1] == 5 for r in running), rows  # feeds counted before the end
    assert any((r[2] or 0) > 0 for r in running), rows  # stories counted before the end
    assert rows[-1] == ("finished", 5, 4)


def test_quiet_draws_no_line(site, tmp_path):
    code, drawn = crawl_in_pty(*feed_args(site.url), "--db", str(tmp_path / "a.db"), *FAST, "-q")
    assert code == 0, drawn
    assert "pages/s" not in drawn and "\x1b[?25l" not in drawn
    assert drawn.strip().splitlines()[-1].startswith("newsdesk crawl: 5 feeds polled")


def test_without_a_terminal_progress_is_logged_at_info(site, tmp_path):
    site.delay = 0.4
    db = str(tmp_path / "a.db")
    proc = run_newsdesk(
        "crawl", *feed_args(site.url), "--db", db, *FAST, "-v", "-s", "NEWSDESK_PROGRESS_INTERVAL=1"
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "progress:" in line]
    assert len(lines) >= 2, proc.stderr
    assert " INFO crawler.components.progress: progress: feeds " in lines[0]
    assert re.search(
        r"progress: feeds 5/5, articles 12/12, fetched \d+, stored 5, failed 4, [\d.]+ pages/s, "
        r"elapsed 0:00:\d\d",
        lines[-1],
    ), lines
    assert not ANSI.search(proc.stderr) and "Crawled " not in proc.stderr  # no Scrapy LogStats
    again = run_newsdesk("crawl", "--db", db, *FAST, "--all")  # cron: quiet at WARNING
    assert again.returncode == 0, again.stderr
    assert "progress" not in again.stderr


def test_progress_interval_is_a_config_option(tmp_path):
    config = Path(tmp_path / "newsdesk.toml")
    config.write_text("progress_interval = 300\n")
    proc = run_newsdesk("settings", "--config", str(config))
    assert '"NEWSDESK_PROGRESS_INTERVAL": 300' in proc.stdout
