"""`newsprism bench`'s end-to-end run on real news in many languages, interleaved as they arrive.

The corpus is every real text the shared bench has (ntrex_dev's 62 documents in 9 varieties,
SlavicNER in six languages, RONEC in Romanian, the seeds): files named by a hash, so a folder
reads them in no order of language. `newsprism analyze` runs in a fresh process on one worker and
on two (after a first run has filled the disk caches, as a user's second run would), and again on
the same files grouped by language; langdetect + dateparser, the reference pipeline, run over a
sample of the same texts in the same run. Nothing here asserts on time.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dashboard import benchdata, corpus_synth

REFERENCE_ARTICLES = 200  # articles the reference pipeline sees (it is the slow one)
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


def write(groups: dict[str, list[str]], folder: Path, *, interleaved: bool) -> int:
    """The texts as .txt files named by a hash (read in no order of language) or by group."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for group, texts in groups.items():
        for k, text in enumerate(texts):
            name = f"{group}-{k:05d}"
            if interleaved:
                name = hashlib.sha1(name.encode()).hexdigest()[:12]
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            n += 1
    return n


def _analyze(corpus: Path, out: Path, workers: int) -> dict[str, Any]:
    """A fresh `newsprism analyze` process: wall seconds and peak memory of the process tree."""
    shutil.rmtree(out, ignore_errors=True)
    code = (
        "import resource, sys, time\n"
        "from pathlib import Path\n"
        "from dashboard import pipeline\n"
        "started = time.perf_counter()\n"
        f"pipeline.analyze([Path({str(corpus)!r})], Path({str(out)!r}), "
        f"pipeline.RunOptions(workers={workers}))\n"
        "seconds = time.perf_counter() - started\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(seconds, max(own, kids) / 1024)\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    seconds, peak = (float(x) for x in done.stdout.split()[-2:])
    return {"wall_seconds": wall, "analyze_seconds": seconds, "peak_mib": peak}


def reference(groups: dict[str, list[str]]) -> dict[str, Any]:
    """langdetect, then dateparser's search in the detected language, on a sample of
    REFERENCE_ARTICLES texts."""
    import langdetect
    from dateparser.search import search_dates

    texts = [t for texts in groups.values() for t in texts]
    sample = random.Random(1).sample(texts, min(REFERENCE_ARTICLES, len(texts)))
    langdetect.DetectorFactory.seed = 0
    started = time.perf_counter()
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
    return {"articles": len(sample), "articles_per_s": len(sample) / seconds}


def _dictionaries() -> dict[str, float]:
    """MiB each held simplemma dictionary takes, for the languages the corpus has."""
    from dashboard import lemmas

    for code in ("bg", "cs", "de", "el", "en", "hbs", "mk", "pl", "ro", "ru", "sk", "sl", "tr"):
        lemmas.lemmatize("Test", code)
    return lemmas.sizes()


def run() -> dict[str, Any]:
    """The interleaved and grouped runs and the reference; {"skipped": why} without data."""
    groups = real_corpus()
    languages = {g.rsplit("-", 1)[-1] for g in groups if not g.startswith("seed")}
    if sum(len(t) for t in groups.values()) < MIN_ARTICLES:
        return {"skipped": "the shared bench data is not there"}
    work = Path(tempfile.mkdtemp(prefix="newsprism-bench-mixed-"))
    try:
        mixed, grouped = work / "mixed", work / "grouped"
        n = write(groups, mixed, interleaved=True)
        write(groups, grouped, interleaved=False)
        _analyze(mixed, work / "warm", 1)  # fills the disk caches, as a first run does
        report = {
            "articles": n,
            "groups": len(groups),
            "languages": len(languages),
            "interleaved_1_worker": _analyze(mixed, work / "out", 1),
            "interleaved_2_workers": _analyze(mixed, work / "out", 2),
            "grouped_1_worker": _analyze(grouped, work / "out", 1),
            "reference": reference(groups),
            "dictionaries_mib": _dictionaries(),
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
    grouped, ref = report["grouped_1_worker"], report["reference"]
    rate = n / one["analyze_seconds"]
    return [
        f"real corpus, {n:,} articles, {report['groups']} corpora x languages "
        f"({report['languages']} language codes), interleaved: `analyze` end to end",
        f"  1 worker: {one['analyze_seconds']:.1f} s ({rate:,.0f} articles/s), "
        f"peak {one['peak_mib']:,.0f} MiB; process wall {one['wall_seconds']:.1f} s",
        f"  2 workers: {two['analyze_seconds']:.1f} s "
        f"({one['analyze_seconds'] / two['analyze_seconds']:.2f}x one worker), "
        f"peak {two['peak_mib']:,.0f} MiB",
        f"  grouped by language, 1 worker: {grouped['analyze_seconds']:.1f} s",
        f"  reference langdetect + dateparser: {ref['articles_per_s']:.1f} articles/s "
        f"({ref['articles']} articles): ours {rate / ref['articles_per_s']:.1f}x",
        "  simplemma dictionaries held (MiB): "
        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(report["dictionaries_mib"].items())),
    ]
