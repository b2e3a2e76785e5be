"""Runs the steps in order: the only place that knows the order.

load -> normalise -> paragraphs -> language -> mentions -> dates   (per article, over batches,
in worker processes)  -> translate (cached, optional) -> entities (cross-article linking)
-> stories -> dates re-anchored for story-dated articles -> alignments.

Each step declares the table columns it needs and adds; `check_order` proves at import time
that every step only reads what an earlier step (or ingest) wrote.

On two workers or more the helper processes (share.py) do not sit idle through the cross-article
steps: a full run leaves the ASIDE steps (dates) and the finding of quotes (quotes.find) to a
helper while this process links (this process takes the batches left once it has linked), and a
helper aligns a share of the stories while this process aligns the rest (`step_table._align`).
The tables are the same as on one worker.

The step table itself (the steps, their order, the per-article batches) is in step_table.py; the
names callers know from here (pipeline.STEPS, pipeline.enrich, pipeline.check_order) are
re-exported.
"""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from dashboard import collector
from dashboard.errors import InputProblem
from dashboard.pipeline import increment, share
from dashboard.pipeline.step_table import (
    ASIDE,
    CROSS_ARTICLE,
    PER_ARTICLE_TABLES,
    QUOTES_FOUND,
    STEP_SECONDS,
    AsideTables,
    Context,
    Tables,
    default_workers,
    enrich_batches,
    enrich_shared,
    enrich_timed,
    tables_of,
)
from dashboard.pipeline.step_table import MIN_SHARE as MIN_SHARE
from dashboard.pipeline.step_table import PER_ARTICLE as PER_ARTICLE
from dashboard.pipeline.step_table import STEPS as STEPS
from dashboard.pipeline.step_table import Step as Step
from dashboard.pipeline.step_table import balanced_batch as balanced_batch
from dashboard.pipeline.step_table import check_order as check_order
from dashboard.pipeline.step_table import enrich as enrich
from dashboard.schema import TABLES, conform, empty
from dashboard.steps import (
    entities,
    language,
    quotes,
    stories,
)
from dashboard.store import store
from dashboard.store.corrections import apply_corrections, read_corrections


@dataclass
class RunOptions:
    """How to run an analysis (the CLI's and the app's options)."""

    translator: Any = None  # translate.TranslatorConfig, or None: translate nothing
    workers: int = field(default_factory=default_workers)
    max_bytes: int = field(default_factory=lambda: _ingest().MAX_FILE_BYTES)
    progress: Callable[[str, float], None] | None = None
    translate_progress: Callable[[Any], bool] | None = None
    recluster: bool = False  # redo the cross-article steps over everything, not an increment


@dataclass
class Engine:
    """How an analysis maps the per-article steps and writes its tables."""

    enrich: Callable[[pl.DataFrame], Tables]
    write: Callable[[Path, Tables, dict[str, Any]], dict[str, Any]]
    info: dict[str, Any]  # written into the manifest as "engine" (filled in during the run)
    # adds an increment's rows as part files (store.append_analysis); None: `write` everything
    append: Callable[..., dict[str, Any]] | None = None
    # `enrich` leaving the ASIDE steps to a helper (enrich_shared); None: `enrich` does all
    enrich_aside: Callable[[pl.DataFrame], tuple[Tables, AsideTables | None]] | None = None


@dataclass
class Result:
    """What a run produced: the tables, the manifest and every problem met on the way.

    tables: every table as analysed; after an increment the stored articles' text is left out
    (null: it is in the analysis folder)."""

    tables: Tables
    manifest: dict[str, Any]
    problems: list[InputProblem]
    new_articles: int
    translation_note: str


class Finished(NamedTuple):
    """What `finish_full` made: the tables, the paragraph features (the increment's sidecar) and
    the call that waits for the story state a helper staged meanwhile (None: none did)."""

    tables: Tables
    features: pl.DataFrame
    state_ahead: Callable[[], increment.StagedState] | None


def _ingest() -> Any:
    """The ingest module, imported when a run loads inputs: not at this module's import, which a
    worker process pays only for `enrich_timed` (file formats and their parsers: ~0.2 s)."""
    from dashboard.ingest import ingest

    return ingest


def _say(options: RunOptions, what: str, fraction: float) -> None:
    if options.progress:
        options.progress(what, fraction)


def _existing(out: Path, *, text: bool = True) -> Tables:
    """The stored tables; without `text`, articles come without their text (null: most of the
    bytes, which an increment needs only for the few articles it re-dates: `_with_text`)."""
    if not store.is_analysis(out):
        return {t: empty(t) for t in TABLES}
    manifest = store.read_manifest(out)
    scans = {t: store.scan(out, t, manifest) for t in TABLES}
    if not text:
        scans["articles"] = scans["articles"].drop("text")
    return {t: conform(scans[t].collect(), t) for t in TABLES}


def _with_text(out: Path, articles: pl.DataFrame) -> pl.DataFrame:
    """Articles with the stored text filled in where it was left out (`_existing(text=False)`)."""
    missing = articles.filter(pl.col("text").is_null()).select("article_id")
    if missing.is_empty() or not store.is_analysis(out):
        return articles
    stored = (
        store.scan(out, "articles")
        .filter(pl.col("article_id").is_in(missing["article_id"].implode()))
        .select("article_id", _stored="text")
        .collect()
    )
    return (
        articles.join(stored, on="article_id", how="left", maintain_order="left")
        .with_columns(text=pl.coalesce("text", "_stored"))
        .drop("_stored")
    )


def _merge(old: Tables, new: Tables, table: str) -> pl.DataFrame:
    return pl.concat([conform(old[table], table), conform(new[table], table)], how="vertical")


def analyze(
    paths: Sequence[str | Path],
    out: Path,
    options: RunOptions | None = None,
    *,
    uploads: Sequence[tuple[str, bytes]] = (),
    engine: Engine | None = None,
) -> Result:
    """Load inputs, enrich what is new, run the cross-article steps and write the analysis.

    `engine` says how the per-article map runs and how the tables are written (default: local
    worker processes and one Parquet file per table; the Ray engine maps over shards). New
    articles up to increment.RECLUSTER_SHARE of an existing analysis are added to it
    (finish_increment); more of them, options.recluster or a changed alias or story
    edit file redo the cross-article steps over every article.
    """
    options = options or RunOptions()
    helpers = (
        share.early_helpers(paths, uploads, options.workers, enrich_timed)
        if engine is None
        else None
    )
    engine = engine or Engine(
        enrich=lambda arts: enrich_batches(arts, workers=options.workers, helpers=helpers),
        write=store.write_analysis,
        info={"name": "local", "workers": options.workers},
        append=store.append_analysis,
        enrich_aside=lambda arts: enrich_shared(
            arts, workers=options.workers, helpers=helpers, aside=True
        ),
    )
    out = Path(out)
    from dashboard.ingest import ahead  # with the ingest, when a run loads inputs

    # web pages and files not in UTF-8: the helpers extract their text and decide their code pages
    # from the last file back while this process loads from the first (~10-15 ms a file, and the
    # helpers would be idle)
    work = None if helpers is None else tempfile.TemporaryDirectory(prefix="newsprism-ahead-")
    try:
        if helpers is not None and work is not None:
            names = [str(p) for p in paths]
            for part in range(helpers.count):  # each helper its own files
                helpers.pool.submit(
                    _ingest().work_ahead, names, work.name, options.max_bytes, part, helpers.count
                )
        # one writer at a time per analysis folder: two sessions adding files take turns
        handed = Path(work.name) if work is not None else None
        with store.writing(out), ahead.folder(handed):
            return _analyze(paths, out, options, uploads, engine)
    finally:
        if helpers is not None:  # started for inputs that held fewer new articles than a batch
            helpers.close()
        if work is not None:
            work.cleanup()


def _analyze(
    paths: Sequence[str | Path],
    out: Path,
    options: RunOptions,
    uploads: Sequence[tuple[str, bytes]],
    engine: Engine,
) -> Result:
    old = _existing(out, text=False)
    known = set(old["articles"]["article_id"].to_list())
    known_hashes = set(old["articles"]["content_hash"].drop_nulls().to_list())

    _say(options, "loading", 0.05)
    ingest = _ingest()
    loaded = ingest.load(list(paths), max_bytes=options.max_bytes, skip_ids=known)
    problems = list(loaded.problems)
    new_articles = loaded.articles
    for name, data in uploads:
        up = ingest.load_bytes(name, data, max_bytes=options.max_bytes)
        problems.extend(up.problems)
        new_articles = pl.concat(
            [conform(new_articles, "articles"), conform(up.articles, "articles")]
        )
    new_articles, dup_problems = _drop_known(new_articles, known, known_hashes)
    problems.extend(dup_problems)
    new_articles = apply_corrections(new_articles, read_corrections(out))
    # a short text's language among the corpus's, decided once for every batch and worker
    new_articles = language.settle_short(new_articles, old["articles"]["language"])

    # an increment (or not) is known before the enrichment: a full run leaves the ASIDE steps
    # to a helper, whose tables its cross-article steps take when they need them
    state = increment.usable_state(out, old, new_articles.height, options.recluster)
    _say(options, f"analysing {new_articles.height} new articles", 0.2)
    ran: list[dict[str, Any]] = []
    started = time.perf_counter()
    aside: AsideTables | None = None
    if state is None and engine.enrich_aside is not None:
        enriched, aside = engine.enrich_aside(new_articles)
        fresh = dict(enriched)
    else:
        fresh = dict(engine.enrich(new_articles))
    per_step = fresh.pop(STEP_SECONDS, None)
    mode = "increment" if known else "full"
    if per_step is not None:
        for name, seconds in per_step.iter_rows():
            ran.append(_ran(name, mode, seconds, new_articles.height))
    else:  # an engine that times the per-article steps as one (Ray)
        ran.append(_ran("enrich", mode, time.perf_counter() - started, new_articles.height))
    merged = [t for t in ("articles", "paragraphs", "dates") if t in fresh]
    tables: Tables = {t: _merge(old, fresh, t) for t in merged}
    tables["mentions"] = _merge(old, fresh, "mentions").with_columns(
        entity_id=pl.lit(None, pl.String)
    )
    later, found = _later(aside, old, ran)
    if state is None or options.translator is not None:
        # a full run reads every text, translation every untranslated paragraph
        tables["articles"] = _with_text(out, tables["articles"])
    translation_note = "translation: off (no --translate given); originals are shown"
    translation_counts: dict[str, Any] = {}
    if options.translator is not None:
        _say(options, "translating", 0.5)
        from dashboard.translate import translate_job

        # one translation job per analysis: one started in the app is not paid for twice
        with translate_job.only_job(out) as ours:
            if ours:
                tables["paragraphs"], translation_note, translation_counts = _translate(
                    tables["articles"], tables["paragraphs"], options
                )
            else:
                translation_note = (
                    "translation: another translation job of this analysis is running;"
                    " originals are shown, translate again when it has finished"
                )

    _say(options, "linking actors", 0.7)
    extra = _manifest_extra(out, paths, uploads, problems, translation_counts)
    if state is None:
        tables, feats, ahead = finish_full(
            tables,
            out,
            ran,
            later=later,
            found_quotes=found,
            helpers=None if aside is None else aside.helpers,
        )
        _say(options, "writing", 0.95)
        extra["state"] = increment.state_entry(out, tables, feats, "full", ahead=ahead)
        extra["steps"] = ran
        manifest = engine.write(out, tables, {**extra, "engine": engine.info})
    else:
        ids = fresh["articles"]["article_id"]
        added = finish_increment(
            old, tables, ids, out, state, ran, text=lambda arts: _with_text(out, arts)
        )
        extra["steps"] = ran
        tables = added.tables
        _say(options, "writing", 0.95)
        manifest = _write_added(
            out, added, engine, extra, translated=options.translator is not None
        )
    _say(options, "done", 1.0)
    return Result(tables, manifest, problems, new_articles.height, translation_note)


def _later(
    aside: AsideTables | None, old: Tables, ran: list[dict[str, Any]]
) -> tuple[dict[str, Callable[[], pl.DataFrame]], Callable[[], quotes.Found] | None]:
    """What a helper makes aside (none without `aside`): the tables of the ASIDE steps, each
    taken (merged with the stored ones) when first needed, their seconds then added to `ran`'s
    lines of those steps; and the quotes it found, when it saw every article (nothing stored)."""
    if aside is None:
        return {}, None
    result: list[Tables] = []

    def made() -> Tables:
        if not result:
            tables, seconds = aside.result()
            result.append(tables)
            for line in ran:
                if line["name"] in seconds:
                    line["seconds"] = round(line["seconds"] + seconds[line["name"]], 3)
        return result[0]

    def take(table: str) -> pl.DataFrame:
        return _merge(old, made(), table)

    def found() -> quotes.Found:
        return quotes.Found(*(made()[t] for t in QUOTES_FOUND))

    names = tables_of([n for s in ASIDE for n in s.adds])
    return (
        {t: functools.partial(take, t) for t in names},
        found if old["articles"].height == 0 else None,
    )


def _write_added(
    out: Path, added: increment.Added, engine: Engine, extra: dict[str, Any], *, translated: bool
) -> dict[str, Any]:
    """Store an increment: its new rows as part files, or every table when the engine writes
    only whole tables."""
    appended, replaced = dict(added.appended), dict(added.replaced)
    if translated:
        # translation may have filled paragraphs of old articles too
        replaced["paragraphs"] = added.tables["paragraphs"]
        appended.pop("paragraphs", None)
    extra = {**extra, "engine": engine.info}
    if engine.append is None:
        # an engine that writes whole tables (texts included): the state is summed afresh too
        tables = {**added.tables, "articles": _with_text(out, added.tables["articles"])}
        extra["state"] = increment.state_entry(out, tables, added.features, "add")
        return engine.write(out, tables, extra)
    extra["state"] = increment.state_entry(
        out, added.tables, added.features, "add", units=added.units
    )
    return engine.append(out, appended, replaced, extra)


def finish(tables: Tables, out: Path) -> Tables:
    """Cross-article steps: linking (+ alias file), stories (+ overrides), dates, alignments."""
    return finish_full(tables, out).tables


def finish_full(
    tables: Tables,
    out: Path,
    ran: list[dict[str, Any]] | None = None,
    *,
    later: dict[str, Callable[[], pl.DataFrame]] | None = None,
    found_quotes: Callable[[], quotes.Found] | None = None,
    helpers: share.Helpers | None = None,
) -> Finished:
    """`finish` over every article (the CROSS_ARTICLE steps' full entry points, in order); also
    the paragraph features (the increment's sidecar). `ran` gets a line per step (the
    manifest's "steps"); `later`: tables not in `tables` yet, each made when called;
    found_quotes: every article's quotes found ahead; helpers: processes free to share the
    work (Context). The third value waits for the story state a helper staged meanwhile
    (increment.state_entry's `ahead`; None: none did)."""
    context = Context(out=out, later=dict(later or {}), found_quotes=found_quotes, helpers=helpers)
    done = _cross_article(tables, context, "full", ran)
    assert context.features is not None
    return Finished(done, context.features, context.state_ahead)


def finish_increment(
    old: Tables,
    tables: Tables,
    new_ids: pl.Series,
    out: Path,
    state: increment.State,
    ran: list[dict[str, Any]] | None = None,
    *,
    text: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> increment.Added:
    """The CROSS_ARTICLE steps' increment entry points, in order, for the articles `new_ids`
    added to the stored analysis `old`.

    tables: articles, paragraphs, dates of old and new articles (old rows as stored, paragraphs
    possibly with new translations) and mentions; state: the stored state
    (increment.usable_state); text: fills in the text of stored articles read without it
    (`_with_text`). `ran` gets a line per step, rows counting what the step added.
    """
    delta = increment.Delta(old, new_ids, out, state, text)
    done = _cross_article(tables, Context(out=out, delta=delta), "increment", ran)
    return increment.added(done, delta)


def _cross_article(
    tables: Tables, context: Context, mode: str, ran: list[dict[str, Any]] | None
) -> Tables:
    """Run the CROSS_ARTICLE steps' `mode` entry points in order over the per-article tables
    (those in context.later taken just before the first step that needs them)."""
    done: Tables = {t: tables[t] for t in PER_ARTICLE_TABLES if t in tables}
    with collector.paused():
        _steps(done, context, mode, ran)
    for name in list(context.later):  # made aside, needed by no step
        done[name] = context.later.pop(name)()
    return done


def _steps(done: Tables, context: Context, mode: str, ran: list[dict[str, Any]] | None) -> None:
    """`_cross_article`'s steps, each adding its tables to `done`."""
    for step in CROSS_ARTICLE:
        for name in tables_of(step.needs):
            if name in context.later:
                done[name] = context.later.pop(name)()
        started = time.perf_counter()
        made = step.entry(mode)(done, context)
        if ran is not None:
            # an increment counts the rows its step added to the stored tables
            rows: Tables | int = made
            if context.delta is not None:
                stored = context.delta.old
                rows = sum(f.height - stored[t].height for t, f in made.items() if t in stored)
            ran.append(_ran(step.name, mode, time.perf_counter() - started, rows))
        done |= made


def _ran(name: str, mode: str, seconds: float, made: Tables | int) -> dict[str, Any]:
    """One line of the manifest's "steps": a step that ran, how, how long, rows it made."""
    rows = made if isinstance(made, int) else sum(f.height for f in made.values())
    return {"name": name, "mode": mode, "seconds": round(seconds, 3), "rows": rows}


def _translate(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, options: RunOptions
) -> tuple[pl.DataFrame, str, dict[str, Any]]:
    from dashboard.translate import translate

    run = translate.translate_paragraphs(
        articles, paragraphs, options.translator, progress=options.translate_progress
    )
    if run.unavailable_reason:
        note = f"translation unavailable: {run.unavailable_reason}; originals are kept"
    else:
        note = (
            f"translation: {run.requests_sent} requests, {run.cache_hits} from cache, "
            f"{len(run.failures)} failures"
        )
    if run.counts.get("routes"):  # local models: say which pairs went through English
        note += "; models: " + "; ".join(run.counts["routes"].values())
    counts = {
        "provider": options.translator.provider,
        "target": options.translator.target,
        "requests_sent": run.requests_sent,
        "cache_hits": run.cache_hits,
        "failures": len(run.failures),
        **run.counts,
    }
    return run.paragraphs, note, counts


def _drop_known(
    new: pl.DataFrame, known: set[str], known_hashes: set[str]
) -> tuple[pl.DataFrame, list[InputProblem]]:
    """Articles already in the analysis (same id or same text) are not analysed twice."""
    if new.height == 0:
        return conform(new, "articles"), []
    dup = new.filter(
        pl.col("article_id").is_in(list(known)) | pl.col("content_hash").is_in(list(known_hashes))
    )
    problems = [
        InputProblem(o, "already in this analysis; skipped", "warning")
        for o in dup["origin"].to_list()
    ]
    return conform(
        new.join(dup.select("article_id"), on="article_id", how="anti"), "articles"
    ), problems


def _manifest_extra(
    out: Path,
    paths: Sequence[str | Path],
    uploads: Sequence[tuple[str, bytes]],
    problems: list[InputProblem],
    translation: dict[str, Any],
) -> dict[str, Any]:
    previous: dict[str, Any] = {}
    if store.is_analysis(out):
        previous = store.read_manifest(out)
    inputs = list(previous.get("inputs", []))
    for p in [str(Path(p)) for p in paths] + [f"upload:{name}" for name, _ in uploads]:
        if p not in inputs:
            inputs.append(p)
    return {
        "inputs": inputs,
        "problems": [
            {"origin": p.origin, "message": p.message, "severity": p.severity} for p in problems
        ],
        "translation": translation or previous.get("translation", {}),
    }


def reanalyse(out: Path, article_ids: Sequence[str], options: RunOptions | None = None) -> Result:
    """Re-run the per-article steps for some articles (after a correction), then finish.

    The article text is already in the analysis, so no input file is read again.
    """
    with store.writing(out):
        return _reanalyse(out, article_ids)


def _reanalyse(out: Path, article_ids: Sequence[str]) -> Result:
    old = _existing(out)
    ids = pl.Series(list(article_ids), dtype=pl.String).implode()
    chosen = apply_corrections(
        old["articles"].filter(pl.col("article_id").is_in(ids)), read_corrections(out)
    )
    fresh = enrich_batches(chosen, workers=1)
    fresh.pop(STEP_SECONDS, None)
    keep = {t: old[t].filter(~pl.col("article_id").is_in(ids)) for t in fresh}
    tables: Tables = {t: pl.concat([conform(keep[t], t), conform(fresh[t], t)]) for t in fresh}
    tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    # keep translations already paid for
    from dashboard.translate.translate_cache import carry_translations  # as _ingest: not in workers

    tables["paragraphs"] = carry_translations(tables["paragraphs"], old["paragraphs"])
    previous = store.read_manifest(out) if store.is_analysis(out) else {}
    manifest = _write_full(out, tables, previous)
    return Result(tables, manifest, [], 0, "")


def edit_aliases(out: Path, change: Callable[[entities.Aliases], entities.Aliases]) -> Result:
    """Apply an analyst's correction to the alias file as it is now (read, changed and written
    under the folder's lock: two sessions editing at once both keep their edits), then redo the
    cross-article steps."""
    with store.writing(out):
        path = out / entities.ALIAS_FILE
        entities.write_aliases(path, change(entities.read_aliases(path)))
        return refresh(out)


def edit_stories(out: Path, change: Callable[[stories.Overrides], stories.Overrides]) -> Result:
    """Apply an analyst's story edit to stories.json as it is now, under the lock; then redo the
    cross-article steps."""
    with store.writing(out):
        path = out / "stories.json"
        stories.write_overrides(path, change(stories.read_overrides(path)))
        return refresh(out)


def refresh(out: Path) -> Result:
    """Redo only the cross-article steps from the stored tables (after an alias or story edit):
    nothing is extracted, loaded or translated again."""
    with store.writing(out):
        old = _existing(out)
        tables: Tables = {t: old[t] for t in ("articles", "paragraphs", "mentions", "dates")}
        tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
        manifest = _write_full(out, tables, store.read_manifest(out))
        return Result(tables, manifest, [], 0, "")


def _write_full(out: Path, tables: Tables, previous: dict[str, Any]) -> dict[str, Any]:
    """Run the full `finish` on tables (updated in place) and write them with the sidecar."""
    ran: list[dict[str, Any]] = []
    done, feats, _ = finish_full(tables, out, ran)
    tables.update(done)
    extra = {
        k: v for k, v in previous.items() if k in ("inputs", "problems", "translation", "engine")
    }
    extra["steps"] = ran
    extra["state"] = increment.state_entry(out, done, feats, "full")
    return store.write_analysis(out, done, extra)
