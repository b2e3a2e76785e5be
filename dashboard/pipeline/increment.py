"""The cross-article steps for articles added to an analysis, without redoing the whole corpus.

`pipeline.analyze` on an existing analysis enriches only the new articles; when they are at most
RECLUSTER_SHARE of the corpus, no `--recluster` was asked for, the analyst's aliases.json and
stories.json are those the stored tables were made with, and the state sidecar is current,
the increment runs instead of the full reduce:

Each cross-article step of pipeline.STEPS has its increment entry point here (link_increment,
stories_increment, align_increment), run in the table's order by `pipeline.finish_increment`:

- linking: new mentions take the stored entity ids of their keys; only new keys are linked
  (dashboard.steps.link_incremental); stored mentions and entity ids never change;
- quotes and paragraph features: found for the new articles only (those of an old article depend
  on its own text and entity ids, which do not change); the old ones come from the sidecar;
- stories: new articles join existing stories or form new ones (dashboard.steps.story_attach); stored
  stories keep their ids and members, labels are redone for the stories that grew;
- dates: new articles dated by their story are re-anchored, as in a full run;
- alignments: only pairs with a paragraph of a new article are scored, in the stories that grew
  (rarity over the whole grown story); every stored pair is kept as it is.

Two state tables beside the contract tables hold what the contract tables do not give cheaply:
`_state_features.parquet`, the paragraph features of every article (quote speakers), and
`_state_centroids.parquet`, the story centroids (dashboard.steps.story_state); the manifest's "state"
entry says which tables they belong to. An increment writes only what it adds (store.append_analysis:
new rows as part files; the small entities and stories tables whole), so its cost follows the new
articles and the stories they touch, not the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.schema import TABLES, conform
from dashboard.steps import dates, entities, quotes, stories, story_state
from dashboard.steps.align import align
from dashboard.steps.features import paragraph_features
from dashboard.steps.link_incremental import key_counts, link_new
from dashboard.steps.story_attach import attach
from dashboard.steps.story_labels import label_stories
from dashboard.store import store

Tables = dict[str, pl.DataFrame]

RECLUSTER_SHARE = 0.2  # more new articles than this share of the corpus: full re-cluster
FEATURES = "state_features"  # the paragraph features of every article (a state table)
CENTROIDS, DF = story_state.CENTROIDS, story_state.DF  # story centroids, feature counts
KEYS = "state_keys"  # linked mentions per key and entity (link_incremental.key_counts)
StagedState = tuple[int, dict[str, list[str]]]
"""A full run's staged story state (stage_state): the number of units, the files by state table."""


@dataclass
class State:
    """What an increment starts from besides the contract tables."""

    features: pl.DataFrame  # the paragraph features of every article
    story: story_state.Stored
    keys: pl.LazyFrame  # key_counts of the stored mentions


STATE_FILE = "_state_features.parquet"


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def state_entry(
    out: Path,
    tables: Tables,
    features: pl.DataFrame,
    mode: str,
    *,
    units: int | None = None,
    ahead: Callable[[], StagedState] | None = None,
) -> dict[str, Any]:
    """The manifest's "state" entry. Without `units` (a full run) the state tables are staged
    whole first (the features sidecar and the story state: `stage_state`, or `ahead`, which
    waits for a helper that staged them meanwhile; then the key counts) and switched in with the
    analysis (store.write_analysis); an increment appends its rows itself and passes the new
    number of units."""
    staged: dict[str, list[str]] = {}
    if units is None:
        units, staged = (
            ahead() if ahead is not None else stage_state(out, tables["articles"], features)
        )
        keys = key_counts(tables["mentions"])
        staged[KEYS] = [store.stage(out, KEYS, keys, store.new_generation())]
    return {
        "features": store.base_file(FEATURES),
        "centroids": store.base_file(CENTROIDS),
        "df": store.base_file(DF),
        "keys": store.base_file(KEYS),
        "units": units,
        "feature_rows": features.height,
        "articles": tables["articles"].height,
        "mentions": tables["mentions"].height,
        "aliases_sha256": _sha(out / entities.ALIAS_FILE),
        "stories_sha256": _sha(out / "stories.json"),
        "finish": mode,
        # the state tables of a full run, switched in with its tables (store.taken_state)
        **({"staged": staged} if staged else {}),
    }


def stage_state(out: Path, articles: pl.DataFrame, features: pl.DataFrame) -> StagedState:
    """A full run's story state (story_state.initial) and its features sidecar, staged in `out`
    for the switch: (the number of units, the staged files by state table). `articles` needs
    article_id, published and story_id; the articles' stories and features are final."""
    centroids, df, units = story_state.initial(articles, features)
    generation = store.new_generation()
    frames = ((FEATURES, features), (CENTROIDS, centroids), (DF, df))
    return units, {name: [store.stage(out, name, frame, generation)] for name, frame in frames}


def usable_state(out: Path, old: Tables, n_new: int, recluster: bool) -> State | None:
    """The stored state when an increment may run, else None (full re-cluster)."""
    n_old = old["articles"].height
    if recluster or n_old == 0 or n_new > RECLUSTER_SHARE * n_old or not store.is_analysis(out):
        return None
    manifest = store.read_manifest(out)
    state = manifest.get("state") or {}
    current = (
        state.get("articles") == n_old
        and state.get("mentions") == old["mentions"].height
        and state.get("aliases_sha256") == _sha(out / entities.ALIAS_FILE)
        and state.get("stories_sha256") == _sha(out / "stories.json")
        and isinstance(state.get("units"), int)
    )
    features = store.scan_parts(out, FEATURES, manifest)
    centroids = store.scan_parts(out, CENTROIDS, manifest)
    df = store.scan_parts(out, DF, manifest)
    keys = store.scan_parts(out, KEYS, manifest)
    if not current or features is None or centroids is None or df is None or keys is None:
        return None
    frame = features.collect()
    if frame.height != state.get("feature_rows"):
        return None
    return State(frame, story_state.Stored(centroids, df, state["units"]), keys)


def reanchor(
    articles: pl.DataFrame,
    before: pl.DataFrame,
    paragraphs: pl.DataFrame,
    date_table: pl.DataFrame,
    story_table: pl.DataFrame,
    text: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """Articles that got a publication date from their story get their dates anchored again.

    text: fills in the text of articles read without it (the ones re-anchored need theirs).
    Returns the articles, the dates and the ids of the articles re-anchored.
    """
    articles = stories.infer_published(articles, story_table)
    changed = (
        articles.join(before.select("article_id", old=pl.col("published")), on="article_id")
        .filter(pl.col("published").is_not_null() & pl.col("old").is_null())
        .get_column("article_id")
    )
    if changed.len() == 0:
        return articles, date_table, changed
    subset = articles.filter(pl.col("article_id").is_in(changed.implode()))
    if text is not None:
        subset = text(subset)
    redone = dates.extract_dates(
        subset, paragraphs.filter(pl.col("article_id").is_in(changed.implode()))
    )
    kept = date_table.filter(~pl.col("article_id").is_in(changed.implode()))
    return articles, pl.concat([conform(kept, "dates"), conform(redone, "dates")]), changed


def refeature(
    features: pl.DataFrame,
    changed: pl.Series,
    tables: Tables,
    text: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Paragraph features with those of the re-anchored `changed` articles made again from
    `tables` (articles, paragraphs, mentions, dates); their quote speakers do not change.
    text: as in reanchor."""
    if changed.len() == 0:
        return features
    ids = changed.implode()
    sub = [
        tables[t].filter(pl.col("article_id").is_in(ids))
        for t in ("articles", "paragraphs", "mentions", "dates")
    ]
    if text is not None:
        sub[0] = text(sub[0])
    mine = pl.col("article_id").is_in(ids)
    speakers = features.filter(mine & pl.col("feature").str.starts_with("q:"))
    return pl.concat(
        [features.filter(~mine), paragraph_features(*sub).select(features.columns), speakers]
    )


def _story_table(
    old_stories: pl.DataFrame,
    placed: pl.DataFrame,
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    date_table: pl.DataFrame,
    ents: pl.DataFrame,
) -> tuple[pl.DataFrame, list[str]]:
    """The stories table (stored rows for the stories no new article joined) and the ids of the
    stories that grew or are new. placed: (article_id, story) of the new articles."""
    changed = sorted(set(placed["story"].to_list()))
    inside = articles.filter(pl.col("story_id").is_in(changed))
    # label_stories keeps the mentions and dates of `inside` itself (inner joins)
    labels = label_stories(inside, mentions, date_table, ents)
    fresh = (
        inside.group_by("story_id")
        .agg(article_ids=pl.col("article_id").sort())
        .with_columns(label=pl.col("story_id").replace_strict(labels, default=""))
    )
    kept = old_stories.filter(~pl.col("story_id").is_in(changed))
    table = pl.concat([conform(kept, "stories"), conform(fresh, "stories")]).sort(
        pl.col("article_ids").list.len(), "story_id", descending=[True, False]
    )
    return table, changed


@dataclass
class Added:
    """What an increment made: every table (old and new rows) and how to store it cheaply."""

    tables: Tables
    features: pl.DataFrame  # the paragraph features of every article (the sidecar)
    units: int  # articles with an event vector (story_state)
    appended: dict[str, pl.DataFrame]  # new rows of tables whose stored rows did not change
    replaced: dict[str, pl.DataFrame]  # tables (and state tables) written whole


@dataclass
class Delta:
    """What the increment entry points of the cross-article steps share (pipeline.STEPS runs
    them in order, `pipeline.finish_increment`): the stored analysis, the new articles, the
    stored state, and what one step makes for the next."""

    old: Tables  # the stored tables (articles without text)
    new_ids: pl.Series  # the new articles
    out: Path
    state: State
    text: Callable[[pl.DataFrame], pl.DataFrame] | None = None  # fills in stored texts
    new_mentions: pl.DataFrame | None = None  # the new articles' mentions, linked
    features: pl.DataFrame | None = None  # the paragraph features of every article
    units: int = 0  # articles with an event vector, new ones counted
    state_rows: dict[str, pl.DataFrame] = field(default_factory=dict)  # story state rows to add
    changed: list[str] = field(default_factory=list)  # stories that grew or are new
    redated: pl.Series | None = None  # articles dated by their story in this increment
    pairs: pl.DataFrame | None = None  # the new alignments


def link_increment(tables: Tables, delta: Delta) -> Tables:
    """The entities step over new rows: new mentions take the stored ids of their keys, new keys
    are linked by linking's own rules (dashboard.steps.link_incremental), then the alias file."""
    new_mentions = tables["mentions"].filter(pl.col("article_id").is_in(delta.new_ids.implode()))
    aliases = entities.read_aliases(delta.out / entities.ALIAS_FILE)
    linked, ents = link_new(
        delta.old["mentions"], delta.old["entities"], new_mentions, aliases, delta.state.keys
    )
    delta.new_mentions = linked
    mentions = pl.concat([conform(delta.old["mentions"], "mentions"), linked])
    return {"mentions": mentions, "entities": ents}


def stories_increment(tables: Tables, delta: Delta) -> Tables:
    """The stories step over new rows: the new articles' quotes and features, their place in the
    stored stories (dashboard.steps.story_attach), the grown stories' rows, the dates of articles a
    story now dates."""
    ids = delta.new_ids.implode()
    new = {
        t: tables[t].filter(pl.col("article_id").is_in(ids))
        for t in ("articles", "paragraphs", "dates")
    }
    new_mentions = delta.new_mentions
    assert new_mentions is not None  # the entities step ran first
    new_quotes = quotes.quotes(new["articles"], new["paragraphs"], new_mentions)
    new_feats = paragraph_features(
        new["articles"], new["paragraphs"], new_mentions, new["dates"], new_quotes
    ).select(delta.state.features.columns)
    feats = pl.concat([delta.state.features, new_feats])
    articles, paragraphs, mentions = tables["articles"], tables["paragraphs"], tables["mentions"]
    placed, delta.state_rows, delta.units = attach(
        articles, paragraphs, mentions, tables["dates"], feats, delta.new_ids, delta.state.story
    )
    story_of = dict(placed.iter_rows())
    articles = articles.with_columns(
        story_id=pl.col("article_id").replace_strict(story_of, default=pl.col("story_id"))
    )
    story_table, delta.changed = _story_table(
        delta.old["stories"], placed, articles, mentions, tables["dates"], tables["entities"]
    )
    articles, date_table, delta.redated = reanchor(
        articles, tables["articles"], paragraphs, tables["dates"], story_table, delta.text
    )
    done = {"paragraphs": paragraphs, "mentions": mentions, "dates": date_table}
    delta.features = refeature(feats, delta.redated, {**done, "articles": articles}, delta.text)
    return {"articles": articles, "stories": story_table, "dates": date_table}


def align_increment(tables: Tables, delta: Delta) -> Tables:
    """The alignments step over new rows: only pairs with a paragraph of a new article, in the
    stories that grew (rarity over the whole grown story); every stored pair is kept."""
    grown = pl.col("story_id").is_in(delta.changed)
    # align keeps the rows of the grown stories' articles itself (features given, the mentions
    # and dates are not read)
    delta.pairs = align(
        tables["articles"].filter(grown),
        tables["paragraphs"],
        tables["mentions"],
        tables["dates"],
        features=delta.features,
        new_ids=delta.new_ids,
        prior=delta.old["alignments"].filter(grown),
    )
    return {"alignments": pl.concat([conform(delta.old["alignments"], "alignments"), delta.pairs])}


def added(tables: Tables, delta: Delta) -> Added:
    """What the increment's steps made (`tables`: every table), and how to store it: the new
    rows as part files, the small or changed tables whole."""
    feats, redated, pairs, new_mentions = (
        delta.features,
        delta.redated,
        delta.pairs,
        delta.new_mentions,
    )
    assert feats is not None and redated is not None and pairs is not None
    assert new_mentions is not None
    ids = delta.new_ids.implode()
    is_new = pl.col("article_id").is_in(ids)
    articles, date_table = tables["articles"], tables["dates"]
    result = {t: tables[t] for t in TABLES}
    appended = {
        "mentions": new_mentions,
        "alignments": pairs,
        KEYS: key_counts(new_mentions),
        **delta.state_rows,
    }
    replaced = {"entities": tables["entities"], "stories": tables["stories"]}
    # an old article dated by its story now (rare): its row, its dates and features are redone
    if redated.filter(~redated.is_in(ids)).len():
        whole = delta.text(articles) if delta.text is not None else articles
        replaced |= {"articles": whole, "dates": date_table, FEATURES: feats}
    else:
        appended |= {
            "articles": articles.filter(is_new),
            "dates": date_table.filter(is_new),
            FEATURES: feats.filter(is_new),
        }
    appended["paragraphs"] = tables["paragraphs"].filter(is_new)
    return Added(result, feats, delta.units, appended, replaced)
