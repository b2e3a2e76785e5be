"""`newsprism bench`: every pipeline step on a synthetic corpus, the reference tools beside ours,
and (with --latency) the dashboard's view functions on a 100,000-article analysis.

Each step runs in a fresh process that reads the tables the steps before it wrote, so its peak
memory (ru_maxrss) is its own. A benchmark prints numbers; nothing here asserts on time. The dashboard's latency and the
million-article open are in dashboard.bench.bench_latency.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.bench import bench_local, corpus_synth
from dashboard.bench.bench_measure import in_child, peak_mib
from dashboard.lang import boilerplate
from dashboard.pipeline import pipeline
from dashboard.store import store

Tables = dict[str, pl.DataFrame]
REFERENCE_LANGDETECT = 300
"""Articles the pure-Python langdetect reference sees (it is ~40x slower than ours)."""
REFERENCE_DATEPARSER = 100
"""Articles the dateparser reference sees (it is slower still)."""
INCREMENT = 100
BATCH = 1000
"""Articles per batch of a per-article step: pipeline.enrich_batches' batch size."""


def _ingest(t: Tables, work: Path) -> Tables:
    from dashboard.ingest import ingest

    return {"articles": ingest.load(sorted((work / "corpus").glob("*.parquet"))).articles}


def _pipeline_step(step: pipeline.Step) -> Callable[[Tables, Path], Tables]:
    """A step of pipeline.STEPS as the bench times it: the same function `analyze` runs, with the
    paragraph features carried between the stories and alignments steps as a table."""

    def run(t: Tables, work: Path) -> Tables:
        assert step.run is not None
        context = pipeline.Context(features=t.get("features"))
        made = step.run(t, context)
        if context.features is not None:
            made["features"] = context.features
        return made

    return run


def _write(t: Tables, work: Path) -> Tables:
    from dashboard.pipeline import increment

    out = work / "analysis"
    # the increment's sidecar, so adding articles to this analysis runs as it would after analyze
    state = increment.state_entry(out, t, t["features"], "full")
    store.write_analysis(out, t, {"state": state})
    return {}


STEPS: dict[str, Callable[[Tables, Path], Tables]] = {
    "ingest": _ingest,
    **{step.name: _pipeline_step(step) for step in pipeline.STEPS if step.run is not None},
    "write": _write,
}
"""Ingest, the steps of pipeline.STEPS as analyze runs them (translation, a network service,
is left out), and the write."""
WARM = tuple(step.name for step in pipeline.PER_ARTICLE)
"""Steps whose first call in a process builds per-language data: warmed up, timed apart."""


def _one_per_language(tables: Tables) -> Tables:
    """One article per language: the per-process set-up (lexicons) is paid outside the timing."""
    arts = tables["articles"].with_columns(
        _group=pl.coalesce("language", pl.col("url").str.extract(r"//([^/]+?)-outlet", 1))
    )
    ids = arts.unique("_group", keep="first").select("article_id")
    return {
        t: f.join(ids, on="article_id", how="semi") if "article_id" in f.columns else f
        for t, f in tables.items()
    }


def _batched(name: str, tables: Tables, work: Path) -> Tables:
    """A per-article step over batches of BATCH articles, as pipeline.enrich_batches runs it."""
    parts: list[Tables] = []
    ids = tables["articles"].select("article_id")
    for start in range(0, ids.height, BATCH):
        batch = ids.slice(start, BATCH)
        parts.append(
            STEPS[name](
                {
                    t: f.join(batch, on="article_id", how="semi")
                    if t != "articles"
                    else tables["articles"].slice(start, BATCH)
                    for t, f in tables.items()
                    if "article_id" in f.columns
                },
                work,
            )
        )
    return {t: pl.concat([p[t] for p in parts], how="vertical") for t in parts[0]}


def _read_state(state: Path) -> Tables:
    return {p.stem: pl.read_parquet(p) for p in state.glob("*.parquet")}


def run_step(name: str, work: str) -> dict[str, Any]:
    """Child process: read the state, run one step, write what it made back; time and memory."""
    state = Path(work) / "state"
    tables = _read_state(state)
    warmup = 0.0
    if "articles" in tables and name in WARM:
        started = time.perf_counter()
        STEPS[name](_one_per_language(tables), Path(work))
        warmup = time.perf_counter() - started
    before = peak_mib()
    started = time.perf_counter()
    made = _batched(name, tables, Path(work)) if name in WARM else STEPS[name](tables, Path(work))
    seconds = time.perf_counter() - started
    rows, size = {}, 0
    for table, frame in made.items():
        frame.write_parquet(state / f"{table}.parquet", compression="zstd")
        rows[table] = frame.height
        size += (state / f"{table}.parquet").stat().st_size
    if name == "write":
        size = sum(p.stat().st_size for p in (Path(work) / "analysis").rglob("*.parquet"))
        rows = {}
    return {
        "seconds": seconds,
        "warmup_seconds": warmup,
        "base_mib": before,
        "peak_mib": peak_mib(),
        "rows": rows,
        "bytes": size,
    }


def run_enrich(work: str, workers: int) -> dict[str, Any]:
    """Child process: pipeline.enrich_batches over the ingested articles with N workers."""
    articles = pl.read_parquet(Path(work) / "ingested.parquet")
    started = time.perf_counter()
    pipeline.enrich_batches(articles, workers=workers)
    return {"seconds": time.perf_counter() - started, "peak_mib": peak_mib()}


def run_increment(work: str, fresh: bool) -> dict[str, Any]:
    """Child process: analyse the 100 new articles into a copy of the analysis, or alone."""
    target = Path(work) / ("alone" if fresh else "grown")
    if not fresh:
        shutil.copytree(Path(work) / "analysis", target)
    started = time.perf_counter()
    result = pipeline.analyze([Path(work) / "increment"], target, pipeline.RunOptions(workers=1))
    return {
        "seconds": time.perf_counter() - started,
        "peak_mib": peak_mib(),
        # "add": the increment (dashboard.pipeline.increment); "full": every cross-article step redone
        "finish": result.manifest.get("state", {}).get("finish"),
    }


def run_views(work: str) -> dict[str, Any]:
    """Child process: every view over the filter walk on the analysis the steps wrote (made by
    the pipeline, so its stories are as big as the corpus makes them)."""
    from dashboard.bench import bench_latency

    return bench_latency.view_latency(store.Analysis.open(Path(work) / "analysis"))


def references(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> dict[str, Any]:
    """langdetect against our engine, dateparser against our tagger, on the same sampled texts."""
    import langdetect

    from dashboard.bench import bench_dates
    from dashboard.steps import language

    picked = articles.sample(min(REFERENCE_LANGDETECT, articles.height), seed=0)
    texts = _segments(picked, paragraphs, language.MIN_LETTERS)
    started = time.perf_counter()
    language.detect_texts(texts)
    ours = time.perf_counter() - started
    langdetect.DetectorFactory.seed = 0
    started = time.perf_counter()
    for text in texts:
        with contextlib.suppress(langdetect.LangDetectException):
            langdetect.detect_langs(text)
    theirs = time.perf_counter() - started
    dated = articles.sample(min(REFERENCE_DATEPARSER, articles.height), seed=1)
    dates = bench_dates.compare(dated.select("text", "language", "published"))
    return {
        "language": {
            "engine": language.engine_name(),
            "articles": picked.height,
            "texts": len(texts),
            "ours_articles_per_s": picked.height / ours,
            "langdetect_articles_per_s": picked.height / theirs,
            "speedup": theirs / ours,
        },
        "dates": dates,
    }


def _segments(articles: pl.DataFrame, paragraphs: pl.DataFrame, min_letters: int) -> list[str]:
    """The paragraph texts language detection looks at (long enough, not boilerplate)."""
    return (
        boilerplate.body(paragraphs.join(articles.select("article_id", "text"), on="article_id"))
        .select(segment=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .filter(pl.col("segment").str.count_matches(r"\p{L}") >= min_letters)
        .get_column("segment")
        .to_list()
    )


def run(n: int) -> dict[str, Any]:
    """Build an N-article corpus, run and measure every step; the whole report as a dict."""
    work = Path(tempfile.mkdtemp(prefix="newsprism-bench-"))
    try:
        frame = corpus_synth.corpus(n)
        # shards of 10,000 articles (~4 MB) stay well under ingest's per-file size limit
        corpus_synth.write_corpus(frame, work / "corpus", shards=max(1, n // 10_000))
        (work / "state").mkdir()
        steps: dict[str, Any] = {}
        for name in STEPS:
            steps[name] = in_child(run_step, name, str(work))
            print(f"bench: {name} {steps[name]['seconds']:.1f} s", file=sys.stderr, flush=True)
            if name == "ingest":
                shutil.copy(work / "state" / "articles.parquet", work / "ingested.parquet")
        enrich = {str(w): in_child(run_enrich, str(work), w) for w in (1, 2)}
        state = _read_state(work / "state")
        refs = references(state["articles"], state["paragraphs"])
        corpus_synth.write_corpus(
            corpus_synth.corpus(INCREMENT, seed=n + 1, id_prefix="new"), work / "increment"
        )
        increment = {
            "into_analysis": in_child(run_increment, str(work), False),
            "alone": in_child(run_increment, str(work), True),
        }
        views = in_child(run_views, str(work))
        report = {
            "articles": n,
            "steps": steps,
            "enrich_workers": enrich,
            "references": refs,
            "increment": {"articles": INCREMENT, "existing": n, **increment},
            "views": views,
        }
        report["floors"] = floors(report)
        report["translate"] = translation(n)
        report["translate_local"] = bench_local.measured()
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def translation(n: int) -> dict[str, Any]:
    """dashboard.bench.bench_translate on the same size, through its loopback server (checkout only)."""
    from dashboard.bench import bench_translate
    from dashboard.errors import NewsprismError

    try:
        return bench_translate.bench(n)
    except NewsprismError as exc:
        return {"skipped": str(exc)}


def floors(report: dict[str, Any]) -> dict[str, Any]:
    """Offline enrichment per core, and against the langdetect + dateparser reference."""
    n = report["articles"]
    ours_s = sum(report["steps"][s]["seconds"] for s in ("ingest", *WARM))
    with_warmup = report["steps"]["ingest"]["seconds"] + report["enrich_workers"]["1"]["seconds"]
    refs = report["references"]
    ref_s = (
        1 / refs["language"]["langdetect_articles_per_s"]
        + 1 / refs["dates"]["dateparser_articles_per_s"]
    )
    per_core = n / ours_s
    return {
        "enrichment_articles_per_s_per_core": per_core,
        "enrichment_with_warmup_articles_per_s": n / with_warmup,
        "reference_articles_per_s": 1 / ref_s,
        "vs_reference": per_core * ref_s,
        "increment_ratio": report["increment"]["into_analysis"]["seconds"]
        / report["increment"]["alone"]["seconds"],
    }


def render(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    n = report["articles"]
    lines = [f"newsprism bench: {n:,} articles", ""]
    lines.append(
        f"{'step':<12}{'seconds':>9}{'art/s':>10}{'warm-up s':>10}{'peak MiB':>10}{'out MiB':>9}"
        "  rows out"
    )
    for name, s in report["steps"].items():
        rows = ", ".join(f"{t} {r:,}" for t, r in s["rows"].items())
        rate = n / s["seconds"] if s["seconds"] else float("inf")
        lines.append(
            f"{name:<12}{s['seconds']:>9.2f}{rate:>10,.0f}{s['warmup_seconds']:>10.1f}"
            f"{s['peak_mib']:>10,.0f}"
            f"{s['bytes'] / 2**20:>9.1f}  {rows}"
        )
    lines.append("")
    for workers, e in report["enrich_workers"].items():
        lines.append(
            f"enrich (normalise..dates), {workers} worker(s): {e['seconds']:.2f} s, "
            f"{n / e['seconds']:,.0f} articles/s, peak {e['peak_mib']:,.0f} MiB"
        )
    one, two = (report["enrich_workers"][k]["seconds"] for k in ("1", "2"))
    lines.append(f"2 workers vs 1: {one / two:.2f}x")
    lang, dates = report["references"]["language"], report["references"]["dates"]
    lines += [
        "",
        f"language: {lang['engine']} {lang['ours_articles_per_s']:,.0f} art/s vs langdetect "
        f"{lang['langdetect_articles_per_s']:,.0f} art/s = {lang['speedup']:.1f}x "
        f"({lang['articles']} articles, {lang['texts']} paragraphs)",
        f"dates: ours {dates['ours_articles_per_s']:,.0f} art/s ({dates['ours_dates']} dates) vs "
        f"dateparser {dates['dateparser_articles_per_s']:,.1f} art/s ({dates['dateparser_dates']}"
        f" dates) = {dates['speedup']:.0f}x ({dates['articles']} articles)",
    ]
    fl = report["floors"]
    inc = report["increment"]
    lines += [
        f"offline enrichment (ingest..dates, 1 core): "
        f"{fl['enrichment_articles_per_s_per_core']:,.0f} art/s (floor 300; "
        f"{fl['enrichment_with_warmup_articles_per_s']:,.0f} with warm-up); reference "
        f"langdetect+dateparser {fl['reference_articles_per_s']:,.1f} art/s: "
        f"{fl['vs_reference']:.0f}x (floor 10x)",
        f"adding {inc['articles']} articles to {inc['existing']:,}: "
        f"{inc['into_analysis']['seconds']:.2f} s vs {inc['alone']['seconds']:.2f} s alone "
        f"({fl['increment_ratio']:.1f}x; cross-article steps: "
        f"{inc['into_analysis'].get('finish')})",
    ]
    if report.get("views"):
        from dashboard.bench import bench_latency

        lines += ["", f"views on this analysis ({n:,} articles, filter changes):"]
        lines += bench_latency.render_views(report["views"])
    tr = report.get("translate", {})
    if "skipped" in tr:
        lines.append(f"translation: skipped ({tr['skipped']})")
    elif tr:
        lines.append(
            f"translation (loopback LibreTranslate, {tr['articles']:,} articles): "
            f"{tr['requests_per_1000_paragraphs']} requests per 1,000 paragraphs (one per "
            f"paragraph: {tr['naive_requests_per_1000_paragraphs']}), first run "
            f"{tr['first_run_seconds']} s; re-run {tr['rerun_requests']} requests, "
            f"{tr['rerun_seconds']} s, cache hits {tr['rerun_cache_hit_rate']:.0%}"
        )
    if report.get("translate_local"):
        lines.append(bench_local.render(report["translate_local"]))
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """`newsprism bench`: run, print the table, optionally write the JSON."""
    from dashboard.bench import bench_mixed

    report = run(args.articles)
    print(render(report), flush=True)
    report["mixed"] = bench_mixed.run(getattr(args, "repeats", 3))
    print("\n".join(["", *bench_mixed.render(report["mixed"])]), flush=True)
    if args.latency:
        from dashboard.bench import bench_latency

        report["latency"] = bench_latency.dashboard_latency()
        print("\n".join(bench_latency.render_latency(report["latency"])))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0
