"""The step table: each step with the columns it reads and adds and its entry points, the order
proven at import (`check_order`), and the per-article steps run over batches of articles, in this
process or shared with helper processes (share.py), the ASIDE steps left to a helper.

pipeline.py runs the table (an analysis, an increment, a re-analysis) and writes what it made.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.pipeline import increment, share
from dashboard.schema import conform, empty
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
    # the story state and features sidecar a helper stages after its share of the alignments
    # (increment.stage_state): increment.state_entry waits for it
    state_ahead: Callable[[], increment.StagedState] | None = None


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
    """Linking over every mention, then the analyst's alias file. With a helper process free
    (ctx.helpers) and no alias file, the helper makes the entities table while this process
    clusters the stories (which need it only for their labels, made last: ctx.later)."""
    mentions = conform(entities.linked_mentions(t["mentions"]), "mentions")
    if ctx.out is not None:
        ctx.aliases = entities.read_aliases(ctx.out / entities.ALIAS_FILE)
    if ctx.aliases != entities.Aliases():
        ents = entities.entities_of(mentions)
        mentions, ents = entities.apply_aliases(mentions, ents, ctx.aliases)
        return {"mentions": mentions, "entities": ents}
    # no corrections: applying them would only rebuild the entities linking just built
    if ctx.helpers is None:
        return {
            "mentions": mentions,
            "entities": conform(entities.entities_of(mentions), "entities"),
        }
    job = share.Aside(ctx.helpers, entities_share, {"mentions": mentions})
    ctx.later["entities"] = functools.cache(lambda: conform(job.result(), "entities"))
    return {"mentions": mentions}


def entities_share(tables: Tables) -> pl.DataFrame:
    """The entities table of tables["mentions"] (a helper's job: `_entities_step`)."""
    return entities.entities_of(tables["mentions"])


def _entities_table(t: Tables, ctx: Context) -> pl.DataFrame | Callable[[], pl.DataFrame] | None:
    """The entities table, or the call that waits for the helper making it (`_entities_step`)."""
    return t["entities"] if "entities" in t else ctx.later.get("entities")


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
    ents = _entities_table(t, ctx)  # the labels, made last, wait for it
    articles, story_table = stories.cluster(
        t["articles"], t["paragraphs"], t["mentions"], t["dates"], entities=ents, features=feats
    )
    edits = stories.read_overrides(ctx.out / "stories.json") if ctx.out else None
    if edits is not None:
        articles, story_table = stories.apply_overrides(
            articles,
            story_table,
            edits,
            mentions=t["mentions"],
            dates=t["dates"],
            entities=ents() if callable(ents) else ents,
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
    alignments, counted = _align(t, ctx)
    joined = link_aligned.merges(
        t["mentions"], alignments, t["articles"], ctx.aliases, counted=counted
    )
    mentions, ents = link_aligned.project(t["mentions"], t["entities"], joined)
    return {"alignments": alignments, "mentions": mentions, "entities": ents}


def _align(t: Tables, ctx: Context) -> tuple[pl.DataFrame, Counter[tuple[str, str]] | None]:
    """align.align over every story; with a helper process (ctx.helpers), it aligns a share of
    the stories meanwhile (align.story_shares: the same pairs as aligned here), and each process
    counts the votes of its own alignments for link_aligned (None: not counted yet)."""
    if ctx.helpers is None or ctx.features is None:
        alignments = align.align(
            t["articles"], t["paragraphs"], t["mentions"], t["dates"], features=ctx.features
        )
        return alignments, None
    mine, theirs = align.story_shares(t["articles"], ctx.features, 2)
    ids = theirs.select("article_id")
    sent = {
        # with their languages and scripts, for the votes
        "articles": theirs.join(
            t["articles"].select("article_id", "language", "script"), on="article_id", how="left"
        ),
        "paragraphs": t["paragraphs"].join(ids, on="article_id", how="semi"),
        "features": ctx.features.join(ids, on="article_id", how="semi"),
        "mentions": _voters(t["mentions"].join(ids, on="article_id", how="semi")),
    }
    job = share.Aside(ctx.helpers, align_share, sent)
    if ctx.out is not None:
        # next in the helper: the story state, staged while this process counts its votes and
        # joins actors (the articles' stories and the features are final here)
        state = share.Aside(
            ctx.helpers,
            functools.partial(state_share, str(ctx.out)),
            {
                "articles": t["articles"].select("article_id", "published", "story_id"),
                "features": ctx.features,
            },
        )
        ctx.state_ahead = state.result
    here = align.align(mine, t["paragraphs"], t["mentions"], t["dates"], features=ctx.features)
    # a story's articles are all in one share: its pairs' votes need only that share's mentions
    voters = _voters(t["mentions"].join(mine.select("article_id"), on="article_id", how="semi"))
    counted = link_aligned.votes(
        voters,
        here,
        link_aligned.languages_of(t["articles"]),
        link_aligned.scripts_of(t["articles"]),
    )
    there, their_votes = job.result()
    both = pl.concat([here, there])
    # as align sorts them
    return both.sort("story_id", "article_a", "para_a", "article_b"), counted + their_votes


def _voters(mentions: pl.DataFrame) -> pl.DataFrame:
    """The mentions' columns link_aligned.votes reads."""
    return mentions.select("article_id", "para_no", "entity_id", "type")


def align_share(tables: Tables) -> tuple[pl.DataFrame, Counter[tuple[str, str]]]:
    """align.align of the stories of tables["articles"] and link_aligned's votes of those
    alignments (a helper's share: `_align`)."""
    alignments = align.align(
        tables["articles"],
        tables["paragraphs"],
        empty("mentions"),
        empty("dates"),
        features=tables["features"],
    )
    return alignments, link_aligned.votes(
        tables["mentions"],
        alignments,
        link_aligned.languages_of(tables["articles"]),
        link_aligned.scripts_of(tables["articles"]),
    )


def state_share(out: str, tables: Tables) -> increment.StagedState:
    """increment.stage_state of tables["articles"] and tables["features"] in the analysis folder
    `out` (a helper's job: `_align`)."""
    return increment.stage_state(Path(out), tables["articles"], tables["features"])


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
        ("articles.story_id", "mentions.entity_id", "entities.entity_id"),
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


def aside_joined(
    parts: Sequence[tuple[Tables, dict[str, float]]],
) -> tuple[Tables, dict[str, float]]:
    """`aside_timed`'s results of consecutive batches of articles as one: the tables in order,
    the quotes numbered on from batch to batch (as quotes.find numbers them), seconds summed."""
    frames: dict[str, list[pl.DataFrame]] = {}
    seconds: dict[str, float] = {}
    first = 0  # quotes of the batches before
    for made, took in parts:
        for name, frame in made.items():
            if name in QUOTES_FOUND:
                frame = frame.with_columns((pl.col("q") + first).cast(frame.schema["q"]))
            frames.setdefault(name, []).append(frame)
        first += made[QUOTES_FOUND[0]].height if QUOTES_FOUND[0] in made else 0
        for name, spent in took.items():
            seconds[name] = seconds.get(name, 0.0) + spent
    return {name: pl.concat(pieces) for name, pieces in frames.items()}, seconds


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
    names = {t for s in ASIDE for t in tables_of(s.adds)}
    return {t: pl.concat([conform(m[t], t) for m in made]) for t in sorted(names)}, seconds


def tables_of(columns: Sequence[str]) -> list[str]:
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
"""Fewest articles in a shared batch: each batch pays its steps' own polars calls (~30-40 ms)."""


AsideTables = share.SharedAside[tuple[Tables, dict[str, float]]]
"""The ASIDE steps' tables and seconds, made by a helper and this process (`enrich_shared`)."""


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
) -> tuple[Tables, AsideTables | None]:
    """`enrich_batches`; with `aside`, when the `helpers` given share the work, the ASIDE steps
    are left to one of them, started once the others are done: their tables are missing here and
    come from the AsideTables returned (None: every table is here)."""
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
    later: AsideTables | None = None
    if aside and shared is not None:
        sent = {t: tables[t] for t in tables_of([n for s in ASIDE for n in s.needs])}
        # and the spans of the mentions: the helper finds the quotes too (aside_timed)
        sent["mentions"] = tables["mentions"].select("article_id", "start", "end")
        # the helper starts it; this process takes the batches left when it needs the tables
        later = share.SharedAside(
            shared, aside_timed, aside_joined, sent, smallest=MIN_SHARE, largest=batch_size
        )
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
