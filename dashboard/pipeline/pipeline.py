"""Runs the steps in order: the only place that knows the order.

load -> normalise -> paragraphs -> language -> mentions -> dates   (per article, over batches,
in worker processes)  -> translate (cached, optional) -> entities (cross-article linking)
-> stories -> dates re-anchored for story-dated articles -> alignments.

Each step declares the table columns it needs and adds; `check_order` proves at import time
that every step only reads what an earlier step (or ingest) wrote.

On two workers or more the helper processes (share.py) do not sit idle through the cross-article
steps: a full run leaves the ASIDE steps (dates) and the finding of quotes (quotes.find) to a
helper while this process links, and a helper aligns a share of the stories while this process
aligns the rest (`_align`). The tables are the same as on one worker.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.errors import InputProblem
from dashboard.pipeline import increment, share
from dashboard.schema import TABLES, conform, empty
from dashboard.steps import (
    align,
    dates,
    entities,
    language,
    link_aligned,
    normalise,
    quotes,
    stories,
)
from dashboard.steps.features import paragraph_features
from dashboard.store import store
from dashboard.store.corrections import apply_corrections, read_corrections

Tables = dict[str, pl.DataFrame]

INGEST_ADDS = (
    "articles.article_id",
    "articles.origin",
    "articles.source",
    "articles.title",
    "articles.url",
    "articles.published",
    "articles.text",
    "articles.provenance",
)


@dataclass
class Context:
    """What the cross-article steps share besides the tables: the analysis folder (its alias and
    story edit files) and what one step makes for the next (the paragraph features)."""

    out: Path | None = None
    aliases: entities.Aliases = field(default_factory=entities.Aliases)
    features: pl.DataFrame | None = None
    # an increment's stored analysis, new articles and state (None: a full run)
    delta: increment.Delta | None = None
    # tables a helper process is still making (ASIDE steps), taken when a step first needs them
    later: dict[str, Callable[[], pl.DataFrame]] = field(default_factory=dict)
    # every article's quotes, found ahead by a helper (quotes.find): linking gives their speakers
    found_quotes: Callable[[], quotes.Found] | None = None
    # helper processes free for a share of the cross-article work (the alignments)
    helpers: share.Helpers | None = None


@dataclass(frozen=True)
class Step:
    """A named pipeline step with the columns it reads and writes, and its two entry points:
    tables in, the tables it changed out. `run` is the full run over everything; `increment`
    adds new articles to a stored analysis (Context.delta). Per-article steps are pure (any
    batch, any worker process, an increment's new articles alone), so their increment is the
    same call; cross-article steps see every article, and their increment shares the full run's
    cores (linking's blocking and similarity, the stories' candidate pairs). `aside`: a
    per-article step whose tables no step needs before the stories, so that on two workers a
    helper runs it over every article while this process links (ASIDE)."""

    name: str
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    per_article: bool
    run: Callable[[Tables, Context], Tables] | None = None
    increment: Callable[[Tables, Context], Tables] | None = None
    aside: bool = False

    def entry(self, mode: str) -> Callable[[Tables, Context], Tables]:
        """The entry point of `mode` ("full" or "increment")."""
        call = self.increment if mode == "increment" and not self.per_article else self.run
        if call is None:
            raise RuntimeError(f"pipeline step {self.name} has no {mode} entry point")
        return call


def _normalise_step(t: Tables, ctx: Context) -> Tables:
    paragraphs = normalise.paragraphs(t["articles"])
    articles = normalise.with_word_counts(normalise.infer_titles(t["articles"], paragraphs))
    return {"articles": articles, "paragraphs": paragraphs}


def _language_step(t: Tables, ctx: Context) -> Tables:
    articles, paragraphs = language.detect(t["articles"], t["paragraphs"])
    return {"articles": articles, "paragraphs": paragraphs}


def _mentions_step(t: Tables, ctx: Context) -> Tables:
    return {"mentions": entities.extract_mentions(t["articles"], t["paragraphs"])}


def _dates_step(t: Tables, ctx: Context) -> Tables:
    return {"dates": dates.extract_dates(t["articles"], t["paragraphs"])}


def _entities_step(t: Tables, ctx: Context) -> Tables:
    """Linking over every mention, then the analyst's alias file."""
    mentions, ents = entities.link(t["mentions"])
    if ctx.out is not None:
        ctx.aliases = entities.read_aliases(ctx.out / entities.ALIAS_FILE)
    if ctx.aliases == entities.Aliases():
        # no corrections: applying them would only rebuild the entities linking just built
        return {"mentions": conform(mentions, "mentions"), "entities": conform(ents, "entities")}
    mentions, ents = entities.apply_aliases(mentions, ents, ctx.aliases)
    return {"mentions": mentions, "entities": ents}


def _stories_step(t: Tables, ctx: Context) -> Tables:
    """Stories (and the analyst's story edits), then the dates of articles a story dates."""
    # quotes (and their speakers) feed both the stories and the alignments: found once, and so
    # are the paragraph features made of them
    if ctx.found_quotes is None:
        quote_table = quotes.quotes(t["articles"], t["paragraphs"], t["mentions"])
    else:
        quote_table = quotes.speakers(ctx.found_quotes(), t["mentions"])
    feats = paragraph_features(
        t["articles"], t["paragraphs"], t["mentions"], t["dates"], quote_table
    )
    ents = t.get("entities")
    articles, story_table = stories.cluster(
        t["articles"], t["paragraphs"], t["mentions"], t["dates"], entities=ents, features=feats
    )
    edits = stories.read_overrides(ctx.out / "stories.json") if ctx.out else None
    if edits is not None:
        articles, story_table = stories.apply_overrides(
            articles, story_table, edits, mentions=t["mentions"], dates=t["dates"], entities=ents
        )
    articles, date_table, redated = increment.reanchor(
        articles, t["articles"], t["paragraphs"], t["dates"], story_table
    )
    done = {"paragraphs": t["paragraphs"], "mentions": t["mentions"], "dates": date_table}
    ctx.features = increment.refeature(feats, redated, {**done, "articles": articles})
    return {"articles": articles, "stories": story_table, "dates": date_table}


def _alignments_step(t: Tables, ctx: Context) -> Tables:
    """Paragraph alignment; then actors joined through the paragraphs that translate each other
    (link_aligned: what spelling could not join)."""
    alignments = _align(t, ctx)
    joined = link_aligned.merges(t["mentions"], alignments, t["articles"], ctx.aliases)
    mentions, ents = link_aligned.project(t["mentions"], t["entities"], joined)
    return {"alignments": alignments, "mentions": mentions, "entities": ents}


def _align(t: Tables, ctx: Context) -> pl.DataFrame:
    """align.align over every story; with a helper process (ctx.helpers), it aligns a share of
    the stories meanwhile (align.story_shares: the same pairs as aligned here)."""
    if ctx.helpers is None or ctx.features is None:
        return align.align(
            t["articles"], t["paragraphs"], t["mentions"], t["dates"], features=ctx.features
        )
    mine, theirs = align.story_shares(t["articles"], ctx.features, 2)
    ids = theirs.select("article_id")
    sent = {
        "articles": theirs,
        "paragraphs": t["paragraphs"].join(ids, on="article_id", how="semi"),
        "features": ctx.features.join(ids, on="article_id", how="semi"),
    }
    job = share.Aside(ctx.helpers, align_share, sent)
    here = align.align(mine, t["paragraphs"], t["mentions"], t["dates"], features=ctx.features)
    both = pl.concat([here, job.result()])
    return both.sort("story_id", "article_a", "para_a", "article_b")  # as align sorts them


def align_share(tables: Tables) -> pl.DataFrame:
    """align.align of the stories of tables["articles"] (a helper's share: `_align`)."""
    return align.align(
        tables["articles"],
        tables["paragraphs"],
        empty("mentions"),
        empty("dates"),
        features=tables["features"],
    )


def _delta(ctx: Context) -> increment.Delta:
    assert ctx.delta is not None, "an increment entry point runs with the increment's delta"
    return ctx.delta


def _entities_increment(t: Tables, ctx: Context) -> Tables:
    return increment.link_increment(t, _delta(ctx))


def _stories_increment(t: Tables, ctx: Context) -> Tables:
    return increment.stories_increment(t, _delta(ctx))


def _alignments_increment(t: Tables, ctx: Context) -> Tables:
    return increment.align_increment(t, _delta(ctx))


STEPS: tuple[Step, ...] = (
    Step(
        "normalise",
        ("articles.text",),
        ("paragraphs.start", "articles.title", "articles.words"),
        True,
        _normalise_step,
    ),
    Step(
        "language",
        ("paragraphs.start", "articles.provenance"),
        ("articles.language", "paragraphs.language"),
        True,
        _language_step,
    ),
    Step(
        "mentions",
        ("articles.language", "paragraphs.start"),
        ("mentions.key",),
        True,
        _mentions_step,
    ),
    Step(
        "dates",
        ("articles.language", "articles.published", "paragraphs.start"),
        ("dates.value",),
        True,
        _dates_step,
        aside=True,
    ),
    # translation runs where the analyst chose a provider (analyze's options), not in this loop
    Step("translate", ("paragraphs.language",), ("paragraphs.translation",), False),
    Step(
        "entities",
        ("mentions.key",),
        ("mentions.entity_id", "entities.entity_id"),
        False,
        _entities_step,
        _entities_increment,
    ),
    Step(
        "stories",
        ("mentions.entity_id", "dates.value", "paragraphs.translation"),
        ("articles.story_id", "stories.story_id"),
        False,
        _stories_step,
        _stories_increment,
    ),
    Step(
        "alignments",
        ("articles.story_id", "mentions.entity_id"),
        ("alignments.score",),
        False,
        _alignments_step,
        _alignments_increment,
    ),
)
PER_ARTICLE: tuple[Step, ...] = tuple(s for s in STEPS if s.per_article and s.run)
"""The steps `enrich` runs on each batch of articles, in order."""
CROSS_ARTICLE: tuple[Step, ...] = tuple(s for s in STEPS if not s.per_article and s.run)
"""The steps `finish_full` runs over every article and `finish_increment` over new rows, in order."""
ASIDE: tuple[Step, ...] = tuple(s for s in PER_ARTICLE if s.aside)
"""The per-article steps a helper may run over every article while the cross-article steps start."""
PER_ARTICLE_TABLES = ("articles", "paragraphs", "mentions", "dates")


def check_order(steps: Sequence[Step] = STEPS) -> None:
    """Raise if a step needs a column no earlier step (nor ingest) adds, or if a per-article
    step needs what an aside step adds (the aside steps run after the others)."""
    available = set(INGEST_ADDS)
    aside: set[str] = set()
    for step in steps:
        missing = [n for n in step.needs if n not in available]
        if missing:
            raise RuntimeError(f"pipeline step {step.name} runs before {missing} exist")
        early = [n for n in step.needs if n in aside]
        if step.per_article and early:
            raise RuntimeError(f"pipeline step {step.name} needs {early} of an aside step")
        available.update(step.adds)
        if step.aside:
            aside.update(step.adds)


check_order()


def enrich(articles: pl.DataFrame) -> Tables:
    """The per-article steps (PER_ARTICLE) on one batch: pure, so it runs in any worker."""
    return enrich_timed(articles)[0]


def enrich_timed(articles: pl.DataFrame) -> tuple[Tables, dict[str, float]]:
    """`enrich`, and the seconds each step took."""
    return _timed({"articles": articles}, PER_ARTICLE)


def enrich_early_timed(articles: pl.DataFrame) -> tuple[Tables, dict[str, float]]:
    """`enrich_timed` without the ASIDE steps (a helper runs them later: `aside_timed`)."""
    return _timed({"articles": articles}, tuple(s for s in PER_ARTICLE if not s.aside))


QUOTES_FOUND = ("_quotes_found", "_quote_candidates")
"""aside_timed's tables of quotes.find (a quotes.Found), when it was given the mentions."""


def aside_timed(tables: Tables, batch_size: int = 1000) -> tuple[Tables, dict[str, float]]:
    """The ASIDE steps over every article of `tables` (what `enrich_early_timed` made), a batch
    at a time as `enrich` would: only the tables they add, and their seconds. Given the
    mentions too, also the quotes and who may speak them (QUOTES_FOUND, "quotes" seconds):
    all of the stories' quotes but what linking decides (quotes.find)."""
    made, seconds = _aside_steps({t: f for t, f in tables.items() if t != "mentions"}, batch_size)
    if "mentions" in tables:
        started = time.perf_counter()
        found = quotes.find(tables["articles"], tables["paragraphs"], tables["mentions"])
        made |= dict(zip(QUOTES_FOUND, (found.quotes, found.candidates), strict=True))
        seconds["quotes"] = time.perf_counter() - started
    return made, seconds


def _aside_steps(tables: Tables, batch_size: int) -> tuple[Tables, dict[str, float]]:
    articles = tables["articles"]
    made: list[Tables] = []
    seconds: dict[str, float] = {s.name: 0.0 for s in ASIDE}
    for start in range(0, max(articles.height, 1), batch_size):
        part = articles.slice(start, batch_size)
        ids = part.select("article_id")
        batch = {t: f.join(ids, on="article_id", how="semi") for t, f in tables.items()}
        done, took = _timed(batch, ASIDE)
        made.append(done)
        seconds = {name: seconds[name] + took[name] for name in seconds}
    names = {t for s in ASIDE for t in _tables_of(s.adds)}
    return {t: pl.concat([conform(m[t], t) for m in made]) for t in sorted(names)}, seconds


def _tables_of(columns: Sequence[str]) -> list[str]:
    """The tables of "table.column" names."""
    return sorted({c.split(".", 1)[0] for c in columns})


def _timed(tables: Tables, steps: Sequence[Step]) -> tuple[Tables, dict[str, float]]:
    """`steps` in order on one batch, and the seconds each took."""
    context = Context()
    seconds: dict[str, float] = {}
    for step in steps:
        started = time.perf_counter()
        tables |= step.entry("full")(tables, context)
        seconds[step.name] = time.perf_counter() - started
    return {t: tables[t] for t in PER_ARTICLE_TABLES if t in tables}, seconds


def default_workers() -> int:
    """Both cores (or all there are) for the enrichment steps."""
    return max(1, min(os.cpu_count() or 1, 8))


def balanced_batch(n: int, workers: int, batch_size: int) -> int:
    """Articles per batch: batch_size, or less so that each worker gets at least two batches
    when there is more than one batch (a last short batch then leaves no worker idle long)."""
    if workers <= 1 or n <= batch_size:
        return batch_size
    return max(1, min(batch_size, -(-n // (2 * workers))))


STEP_SECONDS = "_step_seconds"
"""enrich_batches' extra table: the seconds of work of each per-article step."""


MIN_SHARE = 25
"""Fewest articles in a shared batch: each batch pays its own polars calls (~8 ms)."""


Aside = share.Aside[tuple[Tables, dict[str, float]]]
"""The ASIDE steps' tables and seconds, made by a helper (`enrich_shared`)."""


def enrich_batches(
    articles: pl.DataFrame,
    *,
    workers: int,
    batch_size: int = 1000,
    helpers: share.Helpers | None = None,
) -> Tables:
    """Run `enrich` over batches, in worker processes when the corpus is large enough to pay.
    helpers: the workers - 1 helper processes when they were started ahead (`analyze`)."""
    return enrich_shared(articles, workers=workers, batch_size=batch_size, helpers=helpers)[0]


def enrich_shared(
    articles: pl.DataFrame,
    *,
    workers: int,
    batch_size: int = 1000,
    helpers: share.Helpers | None = None,
    aside: bool = False,
) -> tuple[Tables, Aside | None]:
    """`enrich_batches`; with `aside`, when the `helpers` given share the work, the ASIDE steps
    are left to one of them, started once the others are done: their tables are missing here and
    come from the Aside returned (None: every table is here)."""
    if articles.height == 0:
        return {t: empty(t) for t in PER_ARTICLE_TABLES}, None
    order: pl.Series | None = None  # the articles' order when the batches took them in another
    shared: share.Helpers | None = None  # the helpers that took part
    if workers <= 1 or articles.height <= batch_size:
        batches = _cut(articles, balanced_batch(articles.height, workers, batch_size))
        timed = [enrich_timed(b) for b in batches]
    else:
        # this process is one of the workers: two workers start one process, not two, and the
        # per-language data it builds serves the cross-article steps after
        shared = helpers or share.Helpers(workers - 1, enrich_timed)
        # only helpers started ahead (by `analyze`, which closes them) take aside work next
        aside = aside and helpers is not None
        # each process takes articles of fewer languages: fewer of their word lists to load and
        # words to look up twice (mentions ~10% less work on the interleaved corpus)
        order = share.language_order(articles)
        timed = share.map_shared(
            articles if order is None else articles[order],
            enrich_early_timed if aside else enrich_timed,
            shared,
            smallest=MIN_SHARE,
            largest=batch_size,
            keep=aside,
        )
    names = [t for t in PER_ARTICLE_TABLES if t in timed[0][0]]
    tables = {t: pl.concat([conform(p[t], t) for p, _ in timed], how="vertical") for t in names}
    if order is not None:
        tables = share.in_input_order(tables, articles["article_id"])
    later: Aside | None = None
    if aside and shared is not None:
        sent = {t: tables[t] for t in _tables_of([n for s in ASIDE for n in s.needs])}
        # and the spans of the mentions: the helper finds the quotes too (aside_timed)
        sent["mentions"] = tables["mentions"].select("article_id", "start", "end")
        later = share.Aside(shared, aside_timed, sent)
    # seconds of work per step, summed over batches (workers run side by side)
    tables[STEP_SECONDS] = pl.DataFrame(
        {
            "name": [s.name for s in PER_ARTICLE],
            "seconds": [sum(sec.get(s.name, 0.0) for _, sec in timed) for s in PER_ARTICLE],
        }
    )
    return tables, later


def _cut(articles: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    return [articles.slice(i, size) for i in range(0, articles.height, size)]


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
    enrich_aside: Callable[[pl.DataFrame], tuple[Tables, Aside | None]] | None = None


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
    try:
        # one writer at a time per analysis folder: two sessions adding files take turns
        with store.writing(out):
            return _analyze(paths, out, options, uploads, engine)
    finally:
        if helpers is not None:  # started for inputs that held fewer new articles than a batch
            helpers.close()


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

    # an increment (or not) is known before the enrichment: a full run leaves the ASIDE steps
    # to a helper, whose tables its cross-article steps take when they need them
    state = increment.usable_state(out, old, new_articles.height, options.recluster)
    _say(options, f"analysing {new_articles.height} new articles", 0.2)
    ran: list[dict[str, Any]] = []
    started = time.perf_counter()
    aside: Aside | None = None
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
        tables, feats = finish_full(
            tables,
            out,
            ran,
            later=later,
            found_quotes=found,
            helpers=None if aside is None else aside.helpers,
        )
        _say(options, "writing", 0.95)
        extra["state"] = increment.state_entry(out, tables, feats, "full")
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
    aside: Aside | None, old: Tables, ran: list[dict[str, Any]]
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

    names = _tables_of([n for s in ASIDE for n in s.adds])
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
    return finish_full(tables, out)[0]


def finish_full(
    tables: Tables,
    out: Path,
    ran: list[dict[str, Any]] | None = None,
    *,
    later: dict[str, Callable[[], pl.DataFrame]] | None = None,
    found_quotes: Callable[[], quotes.Found] | None = None,
    helpers: share.Helpers | None = None,
) -> tuple[Tables, pl.DataFrame]:
    """`finish` over every article (the CROSS_ARTICLE steps' full entry points, in order); also
    the paragraph features (the increment's sidecar). `ran` gets a line per step (the
    manifest's "steps"); `later`: tables not in `tables` yet, each made when called;
    found_quotes: every article's quotes found ahead; helpers: processes free to share the
    work (Context)."""
    context = Context(out=out, later=dict(later or {}), found_quotes=found_quotes, helpers=helpers)
    done = _cross_article(tables, context, "full", ran)
    assert context.features is not None
    return done, context.features


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
    for step in CROSS_ARTICLE:
        for name in _tables_of(step.needs):
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
    for name in list(context.later):  # made aside, needed by no step
        done[name] = context.later.pop(name)()
    return done


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
    done, feats = finish_full(tables, out, ran)
    tables.update(done)
    extra = {
        k: v for k, v in previous.items() if k in ("inputs", "problems", "translation", "engine")
    }
    extra["steps"] = ran
    extra["state"] = increment.state_entry(out, done, feats, "full")
    return store.write_analysis(out, done, extra)
