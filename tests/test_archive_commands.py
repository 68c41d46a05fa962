"""The archive's questions as commands (crawler/app/cli/archive.py), run as a person runs them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result

from crawler.app.cli import cli
from tests.helpers import FAST, ROOT, SITE, run_newsdesk

FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml", "readers.xml")
COMMANDS = ("status", "runs", "failures", "search", "show", "export", "fetch", "reextract")


@pytest.fixture(scope="module")
def db(site_url, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    feeds = [arg for name in FEEDS for arg in ("--feed", f"{site_url}/{name}")]
    proc = run_newsdesk("crawl", *feeds, "--db", str(path), *FAST)
    assert proc.returncode == 0, proc.stderr
    return str(path)


def ask(*args: str, code: int = 0) -> Result:
    """Run a read command in this process (they start no Scrapy): real archive, real CLI."""
    result = CliRunner().invoke(cli, args, prog_name="newsdesk")
    assert result.exit_code == code, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_status_sums_up_the_archive(db, site_url):
    text = ask("status", "--db", db).stdout
    assert f"{db}: " in text and "; 4 articles, 0 earlier versions, 5 feeds, 4 failures" in text
    assert "#1  " in text and "finished  5/5 feeds  4 new" in text
    assert f"{site_url}/rss.xml" in text
    assert "1  HTTP 404 (article)" in text
    report = json.loads(ask("status", "--db", db, "--json").stdout)
    assert report["size"]["articles"] == 4 and report["size"]["bytes"] > 10_000
    assert report["last_runs"][0]["status"] == "finished"
    reasons = {f["reason"].split(" (")[0] for f in report["failures_last_day"]}
    assert reasons == {
        "HTTP 404",
        "not HTML: application/pdf",
        "no article text",  # (N characters)
        "forbidden by robots.txt",
    }


def test_runs(db):
    [run] = json.loads(ask("runs", "--db", db, "--json").stdout)
    assert (run["status"], run["feeds_polled"], run["articles_new"]) == ("finished", 5, 4)
    assert ask("runs", "--db", db).stdout.startswith("#1  ")


def test_failures_by_reason_and_since(db, site_url):
    rows = json.loads(ask("failures", "--db", db, "--reason", "404", "--json").stdout)
    assert [(r["url"], r["reason"]) for r in rows] == [(f"{site_url}/news/gone.html", "HTTP 404")]
    both = ask("failures", "--db", db, "--reason", "404", "--reason", "ROBOTS", "--since", "1d")
    assert len(both.stdout.splitlines()) == 2 and both.stderr == "2 failure(s)\n"
    assert ask("failures", "--db", db, "--since", "2099-01-01").stdout == ""
    bad = ask("failures", "--db", db, "--since", "yesterday", code=2)
    assert bad.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for '--since': 'yesterday': expected a duration (90m, 1d) or an "
        "ISO 8601 date (2026-11-20)"
    )


def search(db: str, query: str) -> dict:
    return json.loads(ask("search", query, "--db", db, "--json").stdout)


@pytest.mark.parametrize(
    ("query", "mode", "titles"),
    [
        ("pontoon", "raw", {"Storm tears", "Council votes"}),
        ("ferr*", "raw", {"Ferry crews"}),
        ("trawler OR lighthouse", "raw", {"Storm tears", "Lighthouse keeper"}),
        ('"north pontoon" NOT gunshots', "raw", {"Council votes"}),
        ("title:ferry", "raw", {"Ferry crews"}),
        ('"north pontoon', "escaped", {"Storm tears", "Council votes"}),  # unbalanced quote
        ("north-pontoon", "escaped", {"Storm tears", "Council votes"}),
        ("pontoon AND", "escaped", {"Storm tears", "Council votes"}),
    ],
)
def test_search_syntax_and_fallback(db, query, mode, titles):
    result = search(db, query)
    assert result["mode"] == mode
    assert {" ".join(r["title"].split()[:2]) for r in result["results"]} == titles


def test_search_prints_snippets(db):
    proc = ask("search", "trawler", "--db", db)
    lines = proc.stdout.splitlines()
    assert lines[0].endswith("Storm tears north pontoon from Kessel harbour")
    assert "The Coastal Ledger · 2026-11-20T07:30:00+01:00 · http://" in lines[1]
    assert "who has kept his trawler at the north pontoon" in lines[2]
    assert proc.stderr == "1 match(es) for trawler\n"
    [hit] = search(db, "trawler")["results"]
    assert "\x02" not in hit["snippet"] and "kept his trawler" in hit["snippet"]


def test_show_by_id_url_and_alias(db, site_url):
    [hit] = search(db, "trawler")["results"]
    by_id = ask("show", str(hit["id"]), "--db", db).stdout
    assert by_id.startswith("Storm tears north pontoon from Kessel harbour\n")
    assert "By          Mara Lindqvist  [json-ld]" in by_id
    # Two feeds carry this story; the one polled first owns it, the other's guid is an alias.
    feeds = {f"{site_url}/rss.xml": "ledger-4411", f"{site_url}/atom.xml": "urn:ledger:4411"}
    [owner] = [feed for feed in feeds if f"Feed        {feed}\n" in by_id]
    [other] = set(feeds) - {owner}
    assert f"Known as    guid {feeds[other]} via {other}" in by_id
    assert "Repairs are expected to take at least two months" in by_id
    by_url = json.loads(
        ask("show", f"{site_url}/news/harbour-pontoon.html", "--db", db, "--json").stdout
    )
    by_guid = json.loads(ask("show", "urn:ledger:4411", "--db", db, "--json").stdout)
    assert by_url["id"] == by_guid["id"] == hit["id"]
    assert by_url["metadata_source"]["authors"] == "json-ld" and by_url["versions"] == []
    missing = ask("show", "9999", "--db", db, code=1)
    assert missing.stderr == f"Error: no story 9999 in {db} (try `newsdesk search WORDS`)\n"


def test_export_jsonl_csv_since_and_feed(db, site_url):
    proc = ask("export", "--db", db)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 4 and proc.stderr == "4 article(s) exported\n"
    by_title = {row["title"]: row for row in rows}
    storm = by_title["Storm tears north pontoon from Kessel harbour"]
    assert storm["authors"] == ["Mara Lindqvist"] and "Repairs are expected" in storm["text"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    table = list(csv.DictReader(io.StringIO(ask("export", "--db", db, "--format", "csv").stdout)))
    assert [r["title"] for r in table] == [r["title"] for r in rows]
    assert json.loads(table[0]["authors"]) == rows[0]["authors"]
    atom = ask("export", "--db", db, "--feed", f"{site_url}/atom.xml").stdout.splitlines()
    assert {json.loads(line)["title"] for line in atom} == {
        "Storm tears north pontoon from Kessel harbour",
        "Lighthouse keeper retires after 40 years",
    }
    assert ask("export", "--db", db, "--since", "2099-01-01").stdout == ""
    assert len(ask("export", "--db", db, "--since", "1d").stdout.splitlines()) == 4


def test_a_newsdesk_process_writes_all_it_exports_before_it_exits(db, tmp_path):
    """The process freezes its objects out of the last garbage collections (a faster exit):
    what it wrote to a file and to stdout is all there."""
    out = tmp_path / "stories.jsonl"
    proc = run_newsdesk("export", "--db", db, "--output", str(out))
    assert (proc.returncode, proc.stderr) == (0, "4 article(s) exported\n")
    assert out.read_text(encoding="utf-8") == ask("export", "--db", db).stdout
    assert run_newsdesk("export", "--db", db).stdout == out.read_text(encoding="utf-8")


def test_export_to_a_closed_pipe_is_quiet(db):
    proc = subprocess.run(
        f"{sys.executable} -m crawler export --db {db} | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert len(proc.stdout) == 10 and "Error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["status", "runs", "failures", "show 1", "export"])
def test_read_commands_never_create_an_archive(command, tmp_path):
    path = tmp_path / "missing.db"
    proc = ask(*command.split(), "--db", str(path), code=1)
    assert proc.stderr == (
        f"Error: no archive at {path}; `newsdesk crawl` or `newsdesk feeds add` creates one\n"
    )
    assert not path.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example_and_takes_dash_h(command):
    text = ask(command, "-h").stdout
    assert "Example:" in text and "newsdesk " + command in text
    if command not in ("export", "reextract"):
        assert "--json" in text


def test_shell_completion(tmp_path):
    script = "from crawler.app.cli import cli; cli(prog_name='newsdesk')"
    source = subprocess.run(
        [sys.executable, "-c", script],
        env={"_NEWSDESK_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "complete -o nosort -F _newsdesk_completion newsdesk" in source.stdout
    words = subprocess.run(
        [sys.executable, "-c", script],
        env={"_NEWSDESK_COMPLETE": "bash_complete", "COMP_WORDS": "newsdesk sh", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert {line.split(",")[1] for line in words.stdout.splitlines()} == {"show"}


def test_fetch_prints_one_line_per_page_and_the_text(site_url, tmp_path):
    db = str(tmp_path / "a.db")
    urls = [f"{site_url}/news/ferry-strike.html", f"{site_url}/news/gone.html"]
    proc = run_newsdesk("fetch", *urls, "--db", db, "--text", *FAST)
    assert proc.returncode == 3
    assert proc.stderr.splitlines()[-2:] == [
        f"not stored: {site_url}/news/gone.html: HTTP 404",
        f"stored: Ferry crews vote to strike over winter rota  {site_url}/news/ferry-strike.html",
    ]
    assert proc.stdout.startswith("Ferry crews vote to strike over winter rota\n\nCrews on the")


def test_fetch_a_saved_page(tmp_path):
    db = str(tmp_path / "a.db")
    saved = SITE / "news" / "lighthouse.html"
    url = "https://example.org/news/lighthouse.html"  # never requested: the page is on disk
    proc = run_newsdesk("fetch", "--html", str(saved), "--url", url, "--db", db, "--json")
    assert proc.returncode == 0, proc.stderr
    [story] = json.loads(proc.stdout)
    assert (story["url"], story["title"]) == (url, "Lighthouse keeper retires after 40 years")
    assert proc.stderr == f"stored: Lighthouse keeper retires after 40 years  {url}\n"
    alone = run_newsdesk("fetch", "--html", str(saved), "--db", db)
    assert alone.returncode == 2
    assert alone.stderr.splitlines()[-1] == (
        "Error: --html FILE and --url URL go together, without other URLs"
    )


def test_status_lists_no_disabled_source_as_due(db, site_url, tmp_path):
    copy = str(shutil.copy(db, tmp_path / "archive.db"))
    ask("feeds", "disable", f"{site_url}/rss.xml", "--db", copy)
    due = [
        f["url"] for f in json.loads(ask("status", "--db", copy, "--json").stdout)["feeds_due_next"]
    ]
    assert len(due) == 4 and f"{site_url}/rss.xml" not in due
