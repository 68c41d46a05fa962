"""Extraction benchmark: newsdesk's extractor against plain trafilatura, on wcxb-dev and aeb-dev.

    python benchmarks/extraction.py                 # both data sets, both cores (a few minutes)
    python benchmarks/extraction.py --fast          # 120 pages of each, spread over the set
    python benchmarks/extraction.py --limit 60 --only wcxb
    python benchmarks/extraction.py --dump          # also each page's texts, for diffing
    python benchmarks/extraction.py --only wcxb --half even   # tune on one half...
    python benchmarks/extraction.py --only wcxb --half odd    # ...confirm on the other
    python benchmarks/extraction.py --only wcxb --ids 0073,0113   # a few pages

Both extractors run on the same decoded HTML in the same worker process, page after page, in one
process per core. Plain trafilatura is `bare_extraction` with metadata on and comments off.
Scores, as each data set defines them (their READMEs, in ../shared/data):

- wcxb-dev (2025 web pages, the WCXB benchmark's development split): word F1 per page (lower-cased
  `\\w+` tokens, multiset overlap) averaged over the article pages; "with" snippets found and
  "without" snippets leaked (case-insensitive substrings), per page then averaged. Fields, on
  articles: title, equal once normalised (NFKC, case, letters and digits only); author, every
  person the truth names found and none stored where it names none; date, the published date
  on the same calendar day as the truth (pages with a true date). Pages stored, and section
  fronts, category grids and link lists (`collection`, `listing`) refused.
- aeb-dev (2019 news pages, Scrapinghub's benchmark): 4-token shingle F1 of the mean precision
  and recall (an empty prediction is left out of the precision mean), accuracy as exact
  token-sequence matches; word F1 as above.

"no page lost": every article where trafilatura returns 500+ characters is stored by newsdesk
with at least 80% of trafilatura's characters. CPU is the worker's process time per page.
Per-page results go to benchmarks/out/extraction-<set>.csv, worst word F1 first.

Plain trafilatura's results are kept in benchmarks/out/trafilatura-<set>.json (not committed;
keyed by trafilatura's version) and reused, so a run costs only newsdesk's extraction; its CPU
column then quotes the run that filled the cache. `--fresh` runs it again and rewrites the cache.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import multiprocessing
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: this tree's crawler package

import trafilatura  # noqa: E402

from crawler.extraction.extract import (  # noqa: E402
    WARM_UP_PAGE,
    WARM_UP_URL,
    ExtractionFailed,
    extract_article,
)

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out"
TOKEN = re.compile(r"\w+")
PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)
NON_ARTICLES = ("collection", "listing")
LOST_MIN_CHARS, LOST_SHARE = 500, 0.8
FAST_PAGES = 120
EXTRACTORS = ("newsdesk", "trafilatura")
LABELS = {
    "newsdesk": "newsdesk",
    "trafilatura": "plain trafilatura (`bare_extraction`, comments off)",
}
# Degrees and credentials after a name in a byline: "Dylan Bailey, MS, RD", "E-RYT 200".
CREDENTIAL = re.compile(r"^(?:[A-Z0-9®.\- ]{2,12}|Ph\.?D\.?|Jr\.?|Sr\.?|[A-Z]\.[A-Z]\.?)$")
BYLINE_SEPARATORS = re.compile(r"(?:\s*(?:[,;&|/]|\band\b|\bwith\b|\s-\s)\s*)+")
PARTICLES = {"de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "bin"}
HONORIFIC = re.compile(r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+)+", re.I)
# Words that make a truth byline a team, a desk, a role or an organisation, not a person.
NOT_PERSON = re.compile(
    r"\b(team|staff|editors?|editorial|desk|newsdesk|newsroom|contributors?|clinician|"
    r"anonymous|admin|expert|director|manager|officer|specialist|dietitian|writer|"
    r"inc|llc|ltd|company|group|media|news|services?|solutions|university|institute|"
    r"center|centre|department|agency)\b",
    re.I,
)


@dataclass
class Case:
    """One page of a data set, with its truth."""

    dataset: str
    id: str
    kind: str  # article, collection, listing
    url: str
    path: Path
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


@dataclass
class Run:
    """What one extractor made of one page."""

    stored: bool
    text: str
    cpu_ms: float
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    reason: str = ""
    sources: dict[str, str] = field(default_factory=dict)


def load_wcxb(folder: Path) -> list[Case]:
    kinds = dict(
        line.split("\t")[:2]
        for line in (folder / "pages.tsv").read_text(encoding="utf-8").splitlines()[1:]
    )
    cases = []
    for page_id, kind in sorted(kinds.items()):
        data = json.loads((folder / "ground-truth" / f"{page_id}.json").read_text("utf-8"))
        truth = data["ground_truth"]
        cases.append(
            Case(
                "wcxb",
                page_id,
                kind,
                data["url"],
                folder / "html" / f"{page_id}.html.gz",
                truth.get("main_content") or "",
                truth.get("title"),
                truth.get("author"),
                truth.get("publish_date"),
                truth.get("with") or [],
                truth.get("without") or [],
            )
        )
    return cases


def load_aeb(folder: Path) -> list[Case]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Case(
            "aeb",
            page_id,
            "article",
            item["url"],
            folder / "html" / f"{page_id}.html.gz",
            item["articleBody"],
        )
        for page_id, item in sorted(truth.items())
    ]


def spread(cases: list[Case], limit: int | None) -> list[Case]:
    """`limit` pages taken evenly over the set (so page types keep their mix)."""
    if not limit or limit >= len(cases):
        return cases
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def select(cases: list[Case], half: str | None, ids: str | None) -> list[Case]:
    """The pages of one half (by the parity of the id's last hex digit), or of a list of ids."""
    if ids:
        wanted = {page_id.strip() for page_id in ids.split(",") if page_id.strip()}
        cases = [case for case in cases if case.id in wanted or case.id[:12] in wanted]
    if half:
        parity = 0 if half == "even" else 1
        cases = [case for case in cases if int(case.id[-1], 16) % 2 == parity]
    return cases


# --- the extractors ----------------------------------------------------------------------------


def run_newsdesk(html: str, url: str) -> Run:
    start = time.process_time()
    try:
        art = extract_article(html, url=url)
    except ExtractionFailed as exc:
        return Run(False, "", (time.process_time() - start) * 1000, reason=str(exc))
    cpu = (time.process_time() - start) * 1000
    return Run(
        True, art.text, cpu, art.title, art.authors, art.published, sources=art.metadata_source
    )


def run_trafilatura(html: str, url: str) -> Run:
    start = time.process_time()
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    cpu = (time.process_time() - start) * 1000
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        return Run(False, "", cpu, reason="nothing extracted")
    authors = [name.strip() for name in (doc.author or "").split(";") if name.strip()]
    return Run(True, doc.text or "", cpu, doc.title, authors, doc.date)


def measure(job: tuple[Case, Run | None]) -> tuple[Case, dict[str, Run]]:
    """Both extractors on one page, in this worker process (trafilatura's cached run reused)."""
    case, cached = job
    html = gzip.decompress(case.path.read_bytes()).decode("utf-8", errors="replace")
    return case, {
        "newsdesk": run_newsdesk(html, case.url),
        "trafilatura": cached or run_trafilatura(html, case.url),
    }


def cache_path(dataset: str) -> Path:
    return OUT / f"trafilatura-{dataset}.json"


def read_cache(dataset: str) -> dict[str, Run]:
    """Plain trafilatura's runs of an earlier benchmark, if made by this trafilatura."""
    path = cache_path(dataset)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != trafilatura.__version__:
        return {}
    return {page_id: Run(**run) for page_id, run in data["runs"].items()}


def write_cache(dataset: str, runs: dict[str, Run]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    data = {"version": trafilatura.__version__, "runs": {k: asdict(v) for k, v in runs.items()}}
    cache_path(dataset).write_text(json.dumps(data), encoding="utf-8")


def warm_up() -> None:
    """Load what both extractors load lazily, so that no page pays for it (the crawl's own
    warm-up page: a story that goes through every step of newsdesk's extraction)."""
    run_newsdesk(WARM_UP_PAGE, WARM_UP_URL)
    run_trafilatura(WARM_UP_PAGE, WARM_UP_URL)


def measure_all(
    cases: list[Case], workers: int, cached: dict[str, Run]
) -> Iterator[tuple[Case, dict[str, Run]]]:
    jobs = [(case, cached.get(case.id)) for case in cases]
    if workers <= 1:
        warm_up()
        yield from map(measure, jobs)
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=warm_up) as pool:
        yield from pool.imap_unordered(measure, jobs, chunksize=2)


# --- scores ------------------------------------------------------------------------------------


def word_overlap(predicted: str, truth: str) -> tuple[int, int, int]:
    """Lower-cased `\\w+` tokens: those shared (as multisets), predicted, and true."""
    pred, true = Counter(TOKEN.findall(predicted.lower())), Counter(TOKEN.findall(truth.lower()))
    return sum((pred & true).values()), sum(pred.values()), sum(true.values())


def word_f1(predicted: str, truth: str) -> float:
    """WCXB's word-level F1: lower-cased `\\w+` tokens, multiset overlap."""
    overlap, predicted_words, true_words = word_overlap(predicted, truth)
    if not true_words:
        return 0.0 if predicted_words else 1.0
    if not overlap:
        return 0.0
    p, r = overlap / predicted_words, overlap / true_words
    return 2 * p * r / (p + r)


def word_recall(predicted: str, truth: str) -> float:
    """The share of the truth's words found in `predicted`."""
    overlap, _, true_words = word_overlap(predicted, truth)
    return overlap / true_words if true_words else 1.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """aeb's units: 4-token shingles (one shorter shingle for a text of 1 to 3 tokens)."""
    tokens = TOKEN.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def shingle_pr(predicted: str, truth: str) -> tuple[float | None, float]:
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    return (tp / sum(pred.values()) if pred else None), (tp / sum(true.values()) if true else 0.0)


def snippet_share(text: str, snippets: list[str], *, plain: bool = False) -> float | None:
    """The share of `snippets` found in `text` (lower case, as WCXB's evaluate.py checks them;
    with `plain`, typographic quotes, dashes and spaces read as plain ones on both sides)."""
    if not snippets:
        return None
    low = typography_aside(text.lower()) if plain else text.lower()
    found = (typography_aside(s.lower()) if plain else s.lower() for s in snippets)
    return sum(snippet in low for snippet in found) / len(snippets)


def typography_aside(text: str) -> str:
    """Curly quotes, en and em dashes and "…" as ASCII, each run of white space as one space:
    the benchmark's annotators wrote its snippets that way, the publishers did not."""
    return " ".join(text.translate(PLAIN_PUNCTUATION).split())


def normal(text: str) -> str:
    return " ".join(TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def true_people(author: str | None, url: str) -> list[str]:
    """The people a truth byline names, normalised: "A, B, and C" gives three; degrees and roles
    after a name ("Dylan Bailey, MS, RD", "Mike Marshall, Shipping Expert") and honorifics go.
    Not people: a team, staff or desk ("The Investopedia Team"), a one-word name that is the
    site's own ("Swoogo" on swoogo.events), a handle ("q_admin", "MixmasterFred"), an e-mail."""
    if not author or not author.strip():
        return []
    labels = {label for label in (urlsplit(url).hostname or "").lower().split(".") if label}
    people = []
    for part in BYLINE_SEPARATORS.split(author.strip()):
        words = HONORIFIC.sub("", part).split()
        while len(words) > 1 and CREDENTIAL.match(words[-1]) and not words[0].isupper():
            words.pop()  # "Jeffrey A. Slotnick CPP"
        name = " ".join(words)
        if not words or CREDENTIAL.match(name) or NOT_PERSON.search(name):
            continue
        if "@" in name or re.search(r"\d", name):
            continue
        if any(word.islower() and word not in PARTICLES for word in words[1:-1]) or (
            words[0].islower() != words[-1].islower()
        ):
            continue  # a role or a description: "CEO of CaseBasix", "edited by Walter"
        if len(words) == 1 and (
            name.lower() in labels or name.islower() or re.search(r"[a-z][A-Z]|_", name)
        ):
            continue  # the site's own name, or a handle: "Swoogo", "aawoods", "MixmasterFred"
        people.append(normal(name))
    return people


def author_right(truth: str | None, authors: list[str], url: str) -> bool:
    """Every person the truth names is found; nobody is stored where it names nobody."""
    wanted = true_people(truth, url)
    found = [normal(HONORIFIC.sub("", name)) for name in authors]
    if not wanted:
        return not found
    return all(name in found for name in wanted)


def title_right(truth: str | None, title: str | None) -> bool | None:
    if not truth:
        return None
    return bool(title) and normal(truth) == normal(title or "")


def date_right(truth: str | None, published: str | None) -> bool | None:
    if not truth:
        return None
    return bool(published) and (published or "")[:10] == truth[:10]


@dataclass
class Scores:
    """One extractor's figures on one data set."""

    word_f1: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    with_: list[float] = field(default_factory=list)
    with_plain: list[float] = field(default_factory=list)  # typography aside
    without: list[float] = field(default_factory=list)
    title: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    stored: list[bool] = field(default_factory=list)
    refused: list[bool] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    compared: bool = False  # scored against trafilatura's text ("no page lost")

    def add(self, case: Case, run: Run, reference: Run | None) -> dict[str, object]:
        """Score one page; return its CSV cells."""
        self.cpu_ms.append(run.cpu_ms)
        if case.kind in NON_ARTICLES:
            self.refused.append(not run.stored)
            return {"stored": run.stored, "reason": run.reason}
        f1 = word_f1(run.text, case.text)
        p, r = shingle_pr(run.text, case.text)
        self.word_f1.append(f1)
        if p is not None:
            self.precision.append(p)
        self.recall.append(r)
        self.exact.append(TOKEN.findall(run.text) == TOKEN.findall(case.text))
        self.stored.append(run.stored)
        cells: dict[str, object] = {"word_f1": round(f1, 3), "stored": run.stored}
        for name, share in (
            ("with", snippet_share(run.text, case.with_)),
            ("without", snippet_share(run.text, case.without)),
        ):
            if share is not None:
                getattr(self, name if name == "without" else "with_").append(share)
                cells[name] = round(share, 2)
        if (share := snippet_share(run.text, case.with_, plain=True)) is not None:
            self.with_plain.append(share)
        if case.dataset == "wcxb":
            self.author.append(ok := author_right(case.author, run.authors, case.url))
            cells["author"] = ok
            for name, right in (
                ("title", title_right(case.title, run.title)),
                ("date", date_right(case.date, run.published)),
            ):
                if right is not None:
                    getattr(self, name).append(right)
                    cells[name] = right
        self.compared |= reference is not None
        if reference is not None and lost(run, reference):
            self.lost.append(
                f"{case.id[:12]} ({len(run.text)} of {len(reference.text)} chars; truth's words"
                f" {word_recall(run.text, case.text):.0%} vs"
                f" {word_recall(reference.text, case.text):.0%})"
            )
        cells["chars"] = len(run.text)
        cells["reason"] = run.reason
        return cells

    def figures(self) -> dict[str, float | None]:
        """The table's figures as numbers (None where the data set has no truth for them)."""
        p = statistics.fmean(self.precision) if self.precision else 0.0
        r = statistics.fmean(self.recall) if self.recall else 0.0
        return {
            "word F1": mean(self.word_f1),
            "shingle F1": 2 * p * r / (p + r) if p + r else None,
            "must-have snippets found": mean(self.with_),
            "boilerplate snippets leaked": mean(self.without),
            "title right": mean(self.title),
            "author right": mean(self.author),
            "date right": mean(self.date),
            "pages stored": mean(self.stored),
            "listings refused": mean(self.refused),
            "pages lost": len(self.lost) if self.compared else None,
            "CPU ms/page": mean(self.cpu_ms),
        }

    def row(self) -> dict[str, str]:
        """The table's cells."""
        cells = {}
        for name, value in self.figures().items():
            if value is None:
                cells[name] = "n/a"
            elif name == "pages stored":
                cells[name] = f"{sum(self.stored)} / {len(self.stored)}"
            elif name == "pages lost":
                cells[name] = str(value)
            elif name == "listings refused":
                cells[name] = f"{sum(self.refused)} / {len(self.refused)}"
            elif name == "CPU ms/page":
                cells[name] = f"{value:.1f}"
            elif "snippets" in name:
                cells[name] = f"{value:.1%}"
            elif name.endswith("right"):
                cells[name] = f"{value:.2f}"
            else:
                cells[name] = f"{value:.3f}"
        return cells


def lost(run: Run, reference: Run | None) -> bool:
    """A page trafilatura finds 500+ characters on, that newsdesk refuses or keeps < 80% of."""
    if reference is None or len(reference.text) < LOST_MIN_CHARS:
        return False
    return not run.stored or len(run.text) < LOST_SHARE * len(reference.text)


def mean(values: list[float] | list[bool]) -> float | None:
    return statistics.fmean(values) if values else None


# --- report ------------------------------------------------------------------------------------


def benchmark(
    name: str, cases: list[Case], workers: int, dump: bool, fresh: bool = False
) -> dict[str, Scores]:
    """Run, score and print one data set; write its per-page CSV."""
    scores = {extractor: Scores() for extractor in EXTRACTORS}
    rows, reasons = [], Counter[str]()
    dataset = cases[0].dataset
    cache = {} if fresh else read_cache(dataset)
    reused = sum(case.id in cache for case in cases)
    started = time.perf_counter()
    for case, runs in measure_all(cases, workers, cache):
        cache[case.id] = runs["trafilatura"]
        row: dict[str, object] = {"id": case.id, "kind": case.kind, "url": case.url}
        for extractor in EXTRACTORS:
            reference = runs["trafilatura"] if extractor == "newsdesk" else None
            cells = scores[extractor].add(case, runs[extractor], reference)
            row.update({f"{extractor}_{key}": value for key, value in cells.items()})
        ours = runs["newsdesk"]
        row.update(title=ours.title, authors="; ".join(ours.authors), published=ours.published)
        row.update(true_title=case.title, true_author=case.author, true_date=case.date)
        row["sources"] = json.dumps(ours.sources)
        if case.kind in NON_ARTICLES and not ours.stored:
            reasons[re.sub(r"\d[\d,]*", "N", ours.reason.split(":")[0])] += 1
        rows.append(row)
        if dump:
            write_texts(case, runs)
    wall = time.perf_counter() - started
    write_cache(dataset, cache)
    kinds = Counter(case.kind for case in cases)
    print(f"## {name}: {len(cases)} pages ({', '.join(f'{n} {k}' for k, n in kinds.items())})")
    print(f"{workers} worker process(es), {wall:.0f} s wall")
    if reused:
        print(
            f"plain trafilatura's results (and CPU) reused for {reused} pages:"
            f" {cache_path(dataset).relative_to(ROOT)}"
        )
    print()
    print_table(scores)
    newsdesk = scores["newsdesk"]
    if newsdesk.with_plain:
        print(
            "\nmust-have snippets found, typographic quotes, dashes and spaces read as plain"
            " ones (the snippets straighten them, pages do not): "
            + ", ".join(f"{e} {mean(scores[e].with_plain):.1%}" for e in EXTRACTORS)
        )
    if newsdesk.lost:
        print(
            "\npages lost (newsdesk's characters of trafilatura's; the truth's words newsdesk"
            f" finds vs trafilatura): {', '.join(newsdesk.lost)}"
        )
    if reasons:
        print(
            "non-articles refused because: "
            + "; ".join(f"{k} ({n})" for k, n in reasons.most_common(6))
        )
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"extraction-{dataset}.csv"
    write_csv(path, rows)
    print(f"per-page results, worst word F1 first: {path.relative_to(ROOT)}\n")
    return scores


def print_table(scores: dict[str, Scores]) -> None:
    table = {extractor: scores[extractor].row() for extractor in EXTRACTORS}
    columns = list(table["newsdesk"])
    print("| | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for extractor, row in table.items():
        print(f"| {LABELS[extractor]} | " + " | ".join(row.values()) + " |")


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    rows.sort(key=lambda row: (row["kind"] != "article", row.get("newsdesk_word_f1", 1)))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)


def write_texts(case: Case, runs: dict[str, Run]) -> None:
    folder = OUT / "texts" / case.dataset
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{case.id[:12]}.truth.txt").write_text(case.text, encoding="utf-8")
    for extractor, run in runs.items():
        text = run.text or f"(refused: {run.reason})"
        (folder / f"{case.id[:12]}.{extractor}.txt").write_text(text, encoding="utf-8")


def check_targets(results: dict[str, dict[str, Scores]]) -> None:
    """The issue's targets, each met or not."""
    checks: list[tuple[str, bool]] = []
    if "wcxb" in results:
        ours = results["wcxb"]["newsdesk"].figures()
        base = results["wcxb"]["trafilatura"].figures()["word F1"] or 0.0
        f1 = ours["word F1"] or 0.0
        checks.append(
            (
                f"word F1 {f1:.3f} >= 0.96 and >= trafilatura + 0.01 ({base + 0.01:.3f})",
                f1 >= 0.96 and f1 >= base + 0.01,
            )
        )
        for name, label, floor, fmt in (
            ("must-have snippets found", "must-have snippets", 0.93, "{:.1%}"),
            ("title right", "title", 0.90, "{:.2f}"),
            ("author right", "author", 0.85, "{:.2f}"),
            ("date right", "date", 0.90, "{:.2f}"),
            ("pages stored", "articles stored", 0.99, "{:.1%}"),
            ("listings refused", "listings refused", 0.85, "{:.1%}"),
        ):
            value = ours[name] or 0.0
            floor_text = fmt.format(floor)
            checks.append((f"{label} {fmt.format(value)} >= {floor_text}", value >= floor))
        leaked = ours["boilerplate snippets leaked"] or 0.0
        checks.append((f"boilerplate leaked {leaked:.1%} <= 6.0%", leaked <= 0.06))
        lost_pages = ours["pages lost"] or 0  # None: no article among the pages run
        checks.append((f"no page lost: {lost_pages:.0f} lost", not lost_pages))
    if "aeb" in results:
        ours = results["aeb"]["newsdesk"].figures()
        checks.append(
            (
                f"aeb shingle F1 {ours['shingle F1'] or 0:.3f} >= 0.98",
                (ours["shingle F1"] or 0) >= 0.98,
            )
        )
    print("targets (wcxb-dev unless named):")
    for text, met in checks:
        print(f"  {text}: {'met' if met else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with wcxb-dev, aeb-dev")
    parser.add_argument("--only", choices=("wcxb", "aeb"), help="one data set")
    parser.add_argument("--limit", type=int, help="at most this many pages of each set")
    parser.add_argument("--fast", action="store_true", help=f"--limit {FAST_PAGES}")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dump", action="store_true", help="write texts to out/texts/")
    parser.add_argument("--json", type=Path, help="also write the tables' figures to this file")
    parser.add_argument(
        "--half", choices=("even", "odd"), help="only pages whose id ends in an even/odd digit"
    )
    parser.add_argument("--ids", help="only these pages (ids, comma-separated)")
    parser.add_argument(
        "--fresh", action="store_true", help="run plain trafilatura again, not its cached results"
    )
    args = parser.parse_args(argv)
    limit = args.limit or (FAST_PAGES if args.fast else None)
    sets = {
        "wcxb": ("wcxb-dev", load_wcxb, "pages.tsv"),
        "aeb": ("aeb-dev", load_aeb, "ground-truth.json"),
    }
    results: dict[str, dict[str, Scores]] = {}
    for key, (folder, load, marker) in sets.items():
        if args.only and key != args.only:
            continue
        if not (args.data / folder / marker).is_file():
            print(f"skipped {folder}: no benchmark data at {args.data / folder}")
            continue
        cases = spread(select(load(args.data / folder), args.half, args.ids), limit)
        if not cases:
            print(f"skipped {folder}: no page matches --half/--ids")
            continue
        results[key] = benchmark(folder, cases, max(1, args.workers), args.dump, args.fresh)
    if results:
        check_targets(results)
    if args.json:
        figures = {
            key: {name: scores.figures() for name, scores in by_extractor.items()}
            for key, by_extractor in results.items()
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
