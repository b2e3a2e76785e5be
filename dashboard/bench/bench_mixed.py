"""`newsprism bench`'s end-to-end run on real news in many languages, interleaved as they arrive.

The corpus is every real text the shared bench has (ntrex_dev's 62 documents in 9 varieties,
SlavicNER in six languages, RONEC in Romanian, the seeds): files named by a hash, so a folder
reads them in no order of language. `newsprism analyze` runs in a fresh process on one worker and
on two (after a first run has filled the disk caches, as a user's second run would), and again on
the same files grouped by language, and with LEGACY_SHARE of the files in a legacy code page of
their script (an archive's old files: each is decided by plausibility, `ingest/codepages.py`), and
with PAGE_SHARE of them as saved web pages (each page's main text extracted as it loads), and
on every text joined into one file (one article as long as the corpus: its time must grow with its
length, not with its square), and on one worker with the mentions step's tables given
(`given_mentions`: what every other step costs, the most a mention finder that cost nothing could
reach); langdetect + dateparser,
the reference pipeline, run over every one of the same texts in the same run, in a fresh process
after each repeat of ours; and what each language's data adds to a process's memory, apart from
what every language shares (`language_memory`), and each language's time per 1,000 words in
the per-article steps (`language_speed`). Nothing here asserts on time.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.bench import corpus_synth
from dashboard.evaluation import benchdata

REFERENCE_ARTICLES: int | None = None
"""Texts the reference pipeline sees: None, every text `analyze` sees. On a sample its rate is
lower than on the corpus (each language's data loads once, over fewer articles: 28.7 articles/s
on 200 texts, 33.6 on all 2,586 of the interleaved corpus), which would flatter ours."""
MIN_ARTICLES = 100  # fewer real texts than this (no shared bench data): skipped


def real_corpus() -> dict[str, list[str]]:
    """Real texts by group (corpus and language): ntrex_dev's varieties and corpus_synth's."""
    groups = dict(corpus_synth.real_texts())
    ntrex = benchdata.default_root() / "ntrex_dev" / "corpus"
    for variety in sorted(p for p in ntrex.glob("*") if p.is_dir()):
        groups[f"ntrex-{variety.name}"] = [
            f.read_text(encoding="utf-8") for f in sorted(variety.glob("*.txt"))
        ]
    return groups


def _named(groups: dict[str, list[str]], *, interleaved: bool) -> list[tuple[str, str]]:
    """(file name, text) of every text: named by group, or by a hash (in no order of language)."""
    out = []
    for group, texts in groups.items():
        for k, text in enumerate(texts):
            name = f"{group}-{k:05d}"
            if interleaved:
                name = hashlib.sha1(name.encode()).hexdigest()[:12]
            out.append((name, text))
    return out


def write(groups: dict[str, list[str]], folder: Path, *, interleaved: bool) -> int:
    """The texts as .txt files named by a hash (read in no order of language) or by group."""
    folder.mkdir(parents=True, exist_ok=True)
    named = _named(groups, interleaved=interleaved)
    for name, text in named:
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return len(named)


LEGACY_SHARE = 0.3
"""Share of the files the legacy case writes in a legacy code page."""
LEGACY_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254")
"""The Windows pages tried in turn: a text takes the first that writes every character of it."""
LEGACY_TWINS = {"cp1250": "iso8859_2", "cp1251": "koi8_r", "cp1253": "iso8859_7"}
"""An older page of the same script, which half of those texts take instead (when it can)."""


def write_legacy(
    groups: dict[str, list[str]], folder: Path, share: float = LEGACY_SHARE
) -> dict[str, int]:
    """The texts as `write` names them interleaved, `share` of them (a seeded draw) in a legacy
    page of their script, the rest in UTF-8; how many files each page took. A text no page
    writes whole, or one of ASCII alone (the same bytes in every page), stays UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    draw = random.Random(14)
    pages: dict[str, int] = {}
    for name, text in _named(groups, interleaved=True):
        data = text.encode("utf-8")
        if draw.random() < share and not text.isascii():
            for page in LEGACY_PAGES:
                twin = LEGACY_TWINS.get(page)
                tried = (twin, page) if twin and draw.random() < 0.5 else (page,)
                written = next((t for t in tried if _writes(text, t)), None)
                if written is not None:
                    data = text.encode(written)
                    pages[written] = pages.get(written, 0) + 1
                    break
        (folder / f"{name}.txt").write_bytes(data)
    return pages


PAGE_SHARE = 0.3
"""Share of the files the web-pages case writes as a news site's page saved from a browser."""


def write_pages(groups: dict[str, list[str]], folder: Path, share: float = PAGE_SHARE) -> int:
    """The texts as `write` names them interleaved, `share` of them (a seeded draw) as .html pages
    the way a news site serves them (head metadata, styles and scripts, navigation, the article
    with an inline link and an ad slot, related links, comments, a footer: what main-text
    extraction reads past), the rest as .txt; how many pages."""
    folder.mkdir(parents=True, exist_ok=True)
    draw = random.Random(15)
    named = _named(groups, interleaved=True)
    headlines = [html.escape(text.strip().split("\n", 1)[0][:90]) for _, text in named]
    pages = 0
    for k, (name, text) in enumerate(named):
        if draw.random() >= share:
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            continue
        pages += 1
        (folder / f"{name}.html").write_text(
            _news_page(
                text,
                f"outlet{k % 40}",
                f"2019-{1 + k % 12:02d}-{1 + k % 28:02d}",
                lambda n: draw.choices(headlines, k=n),
            ),
            encoding="utf-8",
        )
    return pages


def _news_page(text: str, site: str, day: str, headlines: Callable[[int], list[str]]) -> str:
    """One article as a news site's page (write_pages)."""
    title, _, body = text.strip().partition("\n")
    paragraphs = [html.escape(p.strip()) for p in body.split("\n\n") if p.strip()]

    def links(n: int, kind: str) -> str:
        items = "".join(
            f"<li><a href='/{kind}/{i}'>{h}</a></li>" for i, h in enumerate(headlines(n))
        )
        return f"<ul class='{kind}'>{items}</ul>"

    inline = f"<div class='read-also'>Read also: <a href='/more'>{headlines(1)[0]}</a></div>"
    ad = "<div class='ad'><script>window.ads=(window.ads||[]).concat(['slot-2'])</script></div>"
    article = "".join(
        f"<p>{p}</p>" + (inline + ad if i == 2 else "") for i, p in enumerate(paragraphs)
    )
    style = "".join(f".c{i}{{margin:{i}px;color:#{i:06x}}}" for i in range(200))
    script = "var dataLayer=[];" + "".join(f"dataLayer.push({{e:{i}}});" for i in range(60))
    return (
        f"<!DOCTYPE html><html lang='xx'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} | {site}</title>"
        f"<meta property='og:title' content='{html.escape(title, quote=True)}'>"
        f"<meta property='og:site_name' content='{site}'>"
        f"<meta property='article:published_time' content='{day}T08:00:00+01:00'>"
        f"<style>{style}</style><script>{script}</script></head><body>"
        "<div class='cookies'>This site uses cookies. <a href='/privacy'>Privacy</a></div>"
        f"<header><a href='/'>{site}</a><nav>{links(30, 'menu')}</nav></header><main>"
        f"<article><h1>{html.escape(title)}</h1><div class='byline'>Staff reporter, "
        f"<time datetime='{day}'>{day}</time></div>{article}"
        "<div class='share'><a href='#'>Share</a> <a href='#'>Email</a></div></article>"
        f"<aside><h3>Most read</h3>{links(10, 'popular')}</aside>"
        f"<section class='related'><h3>Related</h3>{links(8, 'related')}</section>"
        f"<section class='comments'><h3>Comments</h3><p>{headlines(1)[0]}</p></section>"
        f"</main><footer>{links(40, 'footer')}<p>&copy; {site}</p></footer>"
        f"<script>{script}</script></body></html>"
    )


def _writes(text: str, page: str) -> bool:
    try:
        text.encode(page)
    except UnicodeEncodeError:
        return False
    return True


def write_one_text(groups: dict[str, list[str]], folder: Path) -> int:
    """Every text in one file, in the order a folder `write` made interleaved reads them (a
    transcript, a report, a whole paper's dump: one article as long as the corpus); its size
    in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    named = sorted(_named(groups, interleaved=True))
    data = "\n\n".join(text.strip() for _, text in named).encode("utf-8")
    (folder / "one-text.txt").write_bytes(data)
    return len(data)


def measured(call: Callable[[], object]) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak MiB) of `call()` in this process: its CPU during the call (not
    the imports before it) and its child processes' (analyze's helpers, which it leaves to exit on
    their own: waited for once the seconds are taken, or their CPU would not be counted); the
    peak is the largest resident set of this process or of any child."""

    def used(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    before, before_kids = used(resource.RUSAGE_SELF), used(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    cpu = used(resource.RUSAGE_SELF) - before
    for child in multiprocessing.active_children():
        child.join()
    cpu += used(resource.RUSAGE_CHILDREN) - before_kids
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return seconds, cpu, peak / 1024


def given_mentions(stored: Path) -> Callable[[Any, Any], Any]:
    """A stand-in for the mentions step's finder (`entities.extract_mentions`) that finds
    nothing: it returns the rows of `stored` (an analysis's mentions.parquet of the same files)
    of the articles it is given. With it, `analyze` runs every other step as it is: what the
    rest costs, the most any mention finder could reach (one that cost nothing). The tables
    come out as the finder's own would make them (test_bench)."""
    import polars as pl

    table = pl.read_parquet(stored)

    def given(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
        return table.join(articles.select("article_id"), on="article_id", how="semi")

    return given


def _analyze(
    corpus: Path, out: Path, workers: int, mentions_from: Path | None = None
) -> dict[str, Any]:
    """A fresh `newsprism analyze` process: wall seconds, and the CPU seconds and peak memory of
    its process tree (`measured`), and the seconds of each step its manifest records.
    mentions_from: an analysis of the same files whose mentions the mentions step takes instead
    of finding them (`given_mentions`; one worker only: a helper process would find its own)."""
    shutil.rmtree(out, ignore_errors=True)
    given = ""
    if mentions_from is not None:
        assert workers == 1, "a helper process would find its mentions itself"
        given = (
            "from dashboard.steps import entities\n"
            "entities.extract_mentions = bench_mixed.given_mentions(\n"
            f"    Path({str(mentions_from / 'mentions.parquet')!r})\n"
            ")\n"
        )
    code = (
        "from pathlib import Path\n"
        "from dashboard.bench import bench_mixed\n"
        "from dashboard.pipeline import pipeline\n"
        + given
        + "print(*bench_mixed.measured(lambda: pipeline.analyze(\n"
        f"    [Path({str(corpus)!r})], Path({str(out)!r}), pipeline.RunOptions(workers={workers})\n"
        ")))\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    seconds, cpu, peak = (float(x) for x in done.stdout.split()[-3:])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    steps = {s["name"]: s["seconds"] for s in manifest.get("steps", [])}
    return {
        "wall_seconds": wall,
        "analyze_seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak,
        "steps": steps,
    }


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median analyze time (its own steps and memory), with every run's seconds."""
    ordered = sorted(runs, key=lambda r: r["analyze_seconds"])
    middle = dict(ordered[len(ordered) // 2])
    middle["runs_seconds"] = [r["analyze_seconds"] for r in runs]
    return middle


def _fresh_reference(articles: int | None = REFERENCE_ARTICLES) -> dict[str, Any]:
    """`reference` over the real corpus in a fresh process (as a user runs it)."""
    code = (
        "import json\n"
        "from dashboard.bench import bench_mixed\n"
        f"print(json.dumps(bench_mixed.reference(bench_mixed.real_corpus(), {articles})))\n"
    )
    result: dict[str, Any] = _fresh_json(code)
    return result


def _fresh_json(code: str, given: str | None = None) -> Any:
    """What Python `code` run in a fresh process (`given` on its standard input) prints as JSON
    on its last line."""
    done = subprocess.run(
        [sys.executable, "-c", code], input=given, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def _median_reference(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference run of median rate, with every run's articles/s."""
    ordered = sorted(runs, key=lambda r: r["articles_per_s"])
    middle = dict(ordered[len(ordered) // 2])
    middle["runs_articles_per_s"] = [r["articles_per_s"] for r in runs]
    return middle


def paired_ratios(one: dict[str, Any], two: dict[str, Any]) -> list[float]:
    """One worker's seconds over two workers' seconds, repeat by repeat: the two runs of a
    repeat follow each other, so a busy spell slows both (steadier than a ratio of medians
    taken at different moments)."""
    return [a / b for a, b in zip(one["runs_seconds"], two["runs_seconds"], strict=True)]


def reference(
    groups: dict[str, list[str]], articles: int | None = REFERENCE_ARTICLES
) -> dict[str, Any]:
    """langdetect, then dateparser's search in the detected language, on every text in an
    order of no language (`articles`: a sample of that many, for the tests)."""
    import langdetect
    from dateparser.search import search_dates

    texts = [t for texts in groups.values() for t in texts]
    sample = random.Random(1).sample(
        texts, len(texts) if articles is None else min(articles, len(texts))
    )
    langdetect.DetectorFactory.seed = 0
    started, cpu = time.perf_counter(), time.process_time()
    for text in sample:
        # the reference pipeline: detect the language, then look for dates in that language
        try:
            lang = langdetect.detect(text)
        except langdetect.LangDetectException:
            lang = None
        try:
            search_dates(text, languages=[lang] if lang else None)
        except ValueError:  # a language dateparser does not know
            search_dates(text)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "articles": len(sample),
        "articles_per_s": len(sample) / seconds,
        # per CPU second: a busy machine slows it less than wall time, measured at other moments
        "articles_per_cpu_s": len(sample) / cpu,
    }


def _dictionaries() -> dict[str, float]:
    """MiB each held simplemma dictionary takes, for the languages the corpus has."""
    from dashboard.lang import lemmas

    for code in ("bg", "cs", "de", "el", "en", "hbs", "mk", "pl", "ro", "ru", "sk", "sl", "tr"):
        lemmas.lemmatize("Test", code)
    return lemmas.sizes()


_HELD_CHILD = """\
import gc, json, shutil, sys, tempfile, tracemalloc
from pathlib import Path
from dashboard.pipeline import pipeline
from dashboard.store import store
texts = json.loads(sys.stdin.read())
work = Path(tempfile.mkdtemp(prefix="newsprism-held-"))
tracemalloc.start()
out = []
for k, text in enumerate(texts):
    folder = work / f"in{k}"
    folder.mkdir()
    (folder / "article.txt").write_text(text, encoding="utf-8")
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    report = pipeline.analyze([folder], work / f"out{k}", pipeline.RunOptions(workers=1))
    del report
    gc.collect()
    languages = store.scan(work / f"out{k}", "articles").collect()["language"].to_list()
    out.append([languages[0] if languages else None, tracemalloc.get_traced_memory()[0] - before])
shutil.rmtree(work, ignore_errors=True)
print(json.dumps(out))
"""
"""A fresh process analysing one article at a time (each a one-file folder, every step): what
Python holds more after each, by tracemalloc, is what that article's language added."""


def _held_after(texts: list[str]) -> list[tuple[str | None, int]]:
    """(language, bytes held more) after analysing each text in turn in a fresh process."""
    return [(lang, int(held)) for lang, held in _fresh_json(_HELD_CHILD, json.dumps(texts))]


def language_memory(texts: list[str]) -> dict[str, Any]:
    """MiB of the data each language adds to a process (every per-language resource: dictionary,
    lexicons and cues, date words, boilerplate and quote markers, CLDR names), and of the data
    every language shares (the gazetteer, well-known names, world cities): the Python memory held
    more after a language's first article, every step of `analyze` run on it (`_HELD_CHILD`).

    `texts`: a text of each language, the first two in different languages. The first article
    also loads what every language shares: a second process reads the second text first, then
    the first, which gives the first language's own share. Measure after a run has filled the
    disk caches (`run` does): otherwise the first article also rebuilds the gazetteer and names
    kept there, and the shared part holds what building them left behind (~3x as much)."""
    first = _held_after(texts)
    second = _held_after([texts[1], texts[0]])
    own: dict[str, float] = {}
    for lang, held in [second[1], *first[1:]]:
        if lang is not None and lang not in own:
            own[lang] = held / 2**20
    shared = first[0][1] / 2**20 - own.get(first[0][0] or "", 0.0)
    return {"shared_mib": shared, "languages_mib": own}


_SPEED_CHILD = """\
import json, shutil, sys, tempfile, time
from pathlib import Path
import polars as pl
from dashboard.ingest import ingest
from dashboard.pipeline import step_table
from dashboard.steps import language
texts = json.loads(sys.stdin.read())
work = Path(tempfile.mkdtemp(prefix="newsprism-speed-"))
for k, text in enumerate(texts):
    (work / f"{k:05d}.txt").write_text(text, encoding="utf-8")
articles = ingest.load([work]).articles
shutil.rmtree(work, ignore_errors=True)
articles = articles.with_columns(_guess=language.guess(articles["text"]))
out = {}
for lang in sorted(articles["_guess"].drop_nulls().unique().to_list()):
    part = articles.filter(pl.col("_guess") == lang).drop("_guess")
    words = int(part["text"].str.count_matches(r"\\w+").sum())
    passes = []
    for _ in range(2):
        started = time.perf_counter()
        _, seconds = step_table.enrich_timed(part)
        passes.append([time.perf_counter() - started, seconds["mentions"]])
    out[lang] = {"articles": part.height, "words": words, "passes": passes}
print(json.dumps(out))
"""
"""A fresh process running the per-article steps (`step_table.enrich_timed`) on each language's
articles in turn (by `language.guess`, in the order of their codes), twice: the seconds of
each pass, and of its mentions step."""


def language_speed(texts: list[str]) -> dict[str, dict[str, Any]]:
    """For each language of `texts` (a first guess of each text's, as the workers' order takes
    it): its articles, words, and the milliseconds per 1,000 words of the per-article steps and
    of the mentions step alone, the first time a process meets the language (the languages
    before it in the order already met) and again. A development figure: a language much slower
    than the others cannot hide in the corpus's rate."""
    speed: dict[str, dict[str, Any]] = {}
    for lang, done in _fresh_json(_SPEED_CHILD, json.dumps(texts)).items():
        per_kword = 1e6 / max(done["words"], 1)  # seconds -> ms per 1,000 words
        (first, first_mentions), (again, again_mentions) = done["passes"]
        speed[lang] = {
            "articles": done["articles"],
            "words": done["words"],
            "first_ms": first * per_kword,
            "again_ms": again * per_kword,
            "mentions_first_ms": first_mentions * per_kword,
            "mentions_again_ms": again_mentions * per_kword,
        }
    return speed


def _language_texts(groups: dict[str, list[str]]) -> list[str]:
    """The first text of each group, the seeds' last (five languages the others have too)."""
    ordered = sorted(groups, key=lambda g: (g.startswith("seed"), g))
    return [groups[g][0] for g in ordered if groups[g]]


RUNS = ("interleaved_1_worker", "interleaved_2_workers", "grouped_1_worker", "grouped_2_workers")
LEGACY = ("legacy_1_worker", "legacy_2_workers")
"""The interleaved corpus with LEGACY_SHARE of its files in legacy code pages."""
PAGES = ("pages_1_worker", "pages_2_workers")
"""The interleaved corpus with PAGE_SHARE of its files as web pages."""
ONE_TEXT = "one_text_1_worker"
"""Every text as one article, on one worker (one article is never shared between workers)."""
MENTIONS_FREE = "interleaved_mentions_free"
"""The interleaved corpus on one worker, its mentions given (`given_mentions`): every other step."""


def run(repeats: int = 3) -> dict[str, Any]:
    """The interleaved and grouped runs, on one worker and on two, each `repeats` times in turn
    (so a busy machine slows all of them alike; the median is kept), and the reference; {"skipped":
    why} without data."""
    groups = real_corpus()
    languages = {g.rsplit("-", 1)[-1] for g in groups if not g.startswith("seed")}
    if sum(len(t) for t in groups.values()) < MIN_ARTICLES:
        return {"skipped": "the shared bench data is not there"}
    work = Path(tempfile.mkdtemp(prefix="newsprism-bench-mixed-"))
    try:
        mixed, grouped, one = work / "mixed", work / "grouped", work / "one"
        n = write(groups, mixed, interleaved=True)
        write(groups, grouped, interleaved=False)
        legacy = write_legacy(groups, work / "legacy")
        web_pages = write_pages(groups, work / "pages")
        size = write_one_text(groups, one)
        _analyze(mixed, work / "warm", 1)  # fills the disk caches, as a first run does
        runs: dict[str, list[dict[str, Any]]] = {
            name: [] for name in (*RUNS, *LEGACY, *PAGES, ONE_TEXT, MENTIONS_FREE)
        }
        corpora = {
            "interleaved": mixed,
            "grouped": grouped,
            "legacy": work / "legacy",
            "pages": work / "pages",
        }
        references = []
        for _ in range(repeats):
            for name in (*RUNS, *LEGACY, *PAGES):
                corpus = corpora[name.split("_")[0]]
                workers = 1 if name.endswith("1_worker") else 2
                runs[name].append(_analyze(corpus, work / "out", workers))
            runs[ONE_TEXT].append(_analyze(one, work / "out", 1))
            # the warm-up run's mentions: the same files, analysed alike
            free = _analyze(mixed, work / "out", 1, mentions_from=work / "warm")
            runs[MENTIONS_FREE].append(free)
            # the reference in turn with ours too (a busy moment slows both alike), and like ours
            # in a fresh process: its language data loads in every run, as ours does
            references.append(_fresh_reference())
        report = {
            "articles": n,
            "one_text_bytes": size,
            "legacy_pages": legacy,
            "web_pages": web_pages,
            "groups": len(groups),
            "languages": len(languages),
            "repeats": repeats,
            **{name: _median(done) for name, done in runs.items()},
            "reference": _median_reference(references),
            "dictionaries_mib": _dictionaries(),
            "held": language_memory(_language_texts(groups)),
            "speed": language_speed([t for texts in groups.values() for t in texts]),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def render(report: dict[str, Any]) -> list[str]:
    """Lines for the bench's printout."""
    if "skipped" in report:
        return [f"real interleaved corpus: skipped ({report['skipped']})"]
    n = report["articles"]
    one, two = report["interleaved_1_worker"], report["interleaved_2_workers"]
    ref = report["reference"]
    rate = n / one["analyze_seconds"]
    lines = [
        f"real corpus, {n:,} articles, {report['groups']} corpora x languages "
        f"({report['languages']} language codes): `analyze` end to end, median of "
        f"{report['repeats']} runs in turn",
        f"  reference langdetect + dateparser: {ref['articles_per_s']:.1f} articles/s "
        + (
            f"(every one of the {n:,} files)"
            if ref["articles"] == n
            else f"({ref['articles']:,} of the same files)"
        ),
    ]
    if len(ref.get("runs_articles_per_s", [])) > 1:
        lines.append(
            "    reference runs (articles/s): "
            + ", ".join(f"{x:.1f}" for x in ref["runs_articles_per_s"])
        )
    for order in ("interleaved", "grouped"):
        a, b = report[f"{order}_1_worker"], report[f"{order}_2_workers"]
        pairs = paired_ratios(a, b)
        lines += [
            f"  {order}: 1 worker {a['analyze_seconds']:.1f} s "
            f"({n / a['analyze_seconds']:,.0f} articles/s, "
            f"{n / a['analyze_seconds'] / ref['articles_per_s']:.1f}x the reference), "
            f"2 workers {b['analyze_seconds']:.1f} s "
            f"({a['analyze_seconds'] / b['analyze_seconds']:.2f}x one worker); "
            f"CPU {a['cpu_seconds']:.1f} s / {b['cpu_seconds']:.1f} s; "
            f"peak {a['peak_mib']:,.0f} / {b['peak_mib']:,.0f} MiB",
            "    runs (s): 1 worker "
            + ", ".join(f"{x:.1f}" for x in a["runs_seconds"])
            + "; 2 workers "
            + ", ".join(f"{x:.1f}" for x in b["runs_seconds"]),
            "    2 workers vs 1, run by run (the two runs of a repeat one after the other): "
            f"median {statistics.median(pairs):.2f}x ("
            + ", ".join(f"{x:.2f}" for x in pairs)
            + ")",
        ]
    lines.append(
        "  interleaved, step seconds (per-article steps: work summed over workers) "
        "1 worker / 2 workers:"
    )
    lines.append(
        "    "
        + ", ".join(
            f"{step} {one['steps'].get(step, 0.0):.1f}/{two['steps'].get(step, 0.0):.1f}"
            for step in dict.fromkeys([*one["steps"], *two["steps"]])
        )
    )
    lines.append(
        f"  ours vs reference, interleaved, 1 worker: {rate / ref['articles_per_s']:.1f}x "
        "(floor 10x); 2 workers vs 1: "
        f"{one['analyze_seconds'] / two['analyze_seconds']:.2f}x, run by run "
        f"{statistics.median(paired_ratios(one, two)):.2f}x (floor 1.6x)"
    )
    if MENTIONS_FREE in report:
        # what a mention finder costing nothing would leave: how far the rest is from the floor
        free = report[MENTIONS_FREE]["analyze_seconds"]
        lines.append(
            f"  interleaved, 1 worker, the mentions given (a finder that costs nothing; every "
            f"other step as run): {free:.1f} s ({n / free:,.0f} articles/s, "
            f"{n / free / ref['articles_per_s']:.1f}x the reference); the finder takes "
            f"{one['analyze_seconds'] - free:.1f} s of {one['analyze_seconds']:.1f} s"
        )
    # one worker already uses the second core in places (langdetect_rs's batch, polars joins):
    # two processes can at best halve its CPU seconds, whatever they share
    busy = one["cpu_seconds"] / one["analyze_seconds"]
    lines.append(
        f"  one worker keeps {busy:.2f} cores busy (CPU {one['cpu_seconds']:.1f} s in "
        f"{one['analyze_seconds']:.1f} s): two workers could at best be "
        f"{one['analyze_seconds'] / (one['cpu_seconds'] / 2):.2f}x one worker"
    )
    # what two processes lose: their CPU seconds beyond one worker's, and their cores left idle
    lines.append(
        f"  two workers use {two['cpu_seconds']:.1f} CPU s (one worker {one['cpu_seconds']:.1f}) "
        f"and leave {2 * two['analyze_seconds'] - two['cpu_seconds']:.1f} core-seconds of "
        f"{2 * two['analyze_seconds']:.1f} idle"
    )
    if "articles_per_cpu_s" in ref:
        lines.append(
            "  per CPU second (steadier on a busy machine), interleaved, 1 worker: ours "
            f"{n / one['cpu_seconds']:,.0f} articles, reference {ref['articles_per_cpu_s']:.1f}: "
            f"{n / one['cpu_seconds'] / ref['articles_per_cpu_s']:.1f}x"
        )
    if LEGACY[0] in report:
        # the same texts, some in legacy pages: each such file's page is decided by plausibility
        pages = report.get("legacy_pages", {})
        one_l, two_l = report[LEGACY[0]], report[LEGACY[1]]
        lines.append(
            f"  {sum(pages.values()):,} of the {n:,} files in legacy pages ("
            + ", ".join(f"{k} {v}" for k, v in sorted(pages.items()))
            + f"): 1 worker {one_l['analyze_seconds']:.1f} s "
            f"({one_l['analyze_seconds'] / one['analyze_seconds']:.2f}x the UTF-8 files), "
            f"2 workers {two_l['analyze_seconds']:.1f} s "
            f"({two_l['analyze_seconds'] / two['analyze_seconds']:.2f}x)"
        )
    if PAGES[0] in report:
        # the same texts, some as web pages: each page's main text is extracted as it loads
        one_p, two_p = report[PAGES[0]], report[PAGES[1]]
        lines.append(
            f"  {report['web_pages']:,} of the {n:,} files as web pages: "
            f"1 worker {one_p['analyze_seconds']:.1f} s "
            f"({one_p['analyze_seconds'] / one['analyze_seconds']:.2f}x the text files), "
            f"2 workers {two_p['analyze_seconds']:.1f} s "
            f"({two_p['analyze_seconds'] / two['analyze_seconds']:.2f}x; "
            f"{one_p['analyze_seconds'] / two_p['analyze_seconds']:.2f}x one worker)"
        )
    if ONE_TEXT in report:
        # the same bytes as one article: its time should grow with its length, not its square
        whole, mib = report[ONE_TEXT], report["one_text_bytes"] / 2**20
        lines.append(
            f"  every text as one article ({mib:.1f} MiB), 1 worker: "
            f"{whole['analyze_seconds']:.1f} s ({whole['analyze_seconds'] / mib:.2f} s/MiB, "
            f"{one['analyze_seconds'] / mib:.2f} s/MiB as {n:,} files); "
            f"peak {whole['peak_mib']:,.0f} MiB"
        )
    lines.append(
        "  simplemma dictionaries held (MiB): "
        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(report["dictionaries_mib"].items()))
    )
    if "held" in report:
        # in the order measured: languages sharing data (sr, hr, bs: one dictionary) or reading
        # another's (English words in every language's names) find it held by the first
        held = report["held"]
        lines.append(
            "  data a language adds to a process, its first article analysed (MiB, in this order): "
            + ", ".join(f"{k} {v:.1f}" for k, v in held["languages_mib"].items())
            + f"; shared by every language: {held['shared_mib']:.1f}"
        )
    if "speed" in report:
        lines.append(
            "  per-article steps by language, ms per 1,000 words, the first pass in a process (the"
            " languages before it met already) / again, and the mentions step alone, with the"
            " language's articles (a language of a few articles measures mostly a pass's fixed"
            " polars calls): "
            + ", ".join(
                f"{lang} {v['first_ms']:.1f}/{v['again_ms']:.1f}"
                f" ({v['mentions_first_ms']:.1f}/{v['mentions_again_ms']:.1f}; {v['articles']:,})"
                for lang, v in report["speed"].items()
            )
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.bench.bench_mixed`: only this end-to-end run on the real corpus (the
    synthetic 10,000-article part of `newsprism bench` is skipped)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.bench.bench_mixed", description=main.__doc__
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each case (median kept)")
    parser.add_argument("--json", help="write the numbers as JSON here")
    args = parser.parse_args(argv)
    report = run(args.repeats)
    print("\n".join(render(report)), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
