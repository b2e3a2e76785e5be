"""New articles placed into the stories an analysis already has, without clustering it again.

A new article joins the existing story whose centroid it is most like: the cosine of its event
vector (stories.article_vectors: rarity-weighted features, idf over every article, old and new)
with the sum of the story members' vectors (kept between runs by dashboard.steps.story_state), damped by how far its publication day lies outside
the story's time window (the 10%-90% span of its members' days) on the event pass' time scale
(stories.TIME_SCALE_DAYS). It joins when that is at least the score at which a lone article joins
an event in a full run (stories.ATTACH x stories.THRESHOLD). An article near no centroid (a copy
of one event inside a broad story) joins the story most of its nearest old articles belong to
when its best pair similarity there reaches the event threshold (stories.THRESHOLD), pairs found
and scored by the full run's own rule (stories.proposals, candidate_pairs, score_pairs). The new articles that join no story are clustered
among themselves (stories.cluster); each story they form then joins the existing
story it shares its core actors with, by the rule that merges events into stories
(story_merge.MERGE_THRESHOLD, time-damped on the corpus' spread), or stays a new story.
Existing stories keep their ids and their members; only whole new stories are added.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from dashboard.lang import boilerplate
from dashboard.steps import stories, story_state
from dashboard.steps.story_merge import (
    MERGE_THRESHOLD,
    actor_vectors,
    candidate_pairs,
    core_profiles,
    scored_pairs,
    spans_of,
    time_scale,
    usable_published,
)

ATTACH_SCORE = stories.ATTACH * stories.THRESHOLD


def _days(articles: pl.DataFrame) -> pl.DataFrame:
    return articles.select(
        "article_id", day=usable_published(pl.col("published")).cast(pl.Int32).cast(pl.Float64)
    )


def nearest_story(
    vectors: pl.DataFrame, articles: pl.DataFrame, member: pl.DataFrame, stored: pl.DataFrame
) -> pl.DataFrame:
    """(article_id, story, sim): each new article's most similar existing story (by centroid).

    vectors: the new articles' vectors; member: (article_id, story) of the old articles; stored:
    the centroid rows at the new articles' features and the norms (story_state.read).
    """
    days = _days(articles)
    return story_state.best_centroids(
        vectors,
        stored,
        days.join(vectors.select("article_id").unique(), on="article_id"),
        spans_of(days, member),
        stories.TIME_SCALE_DAYS,
    )


def nearest_neighbours(
    vectors: pl.DataFrame,
    articles: pl.DataFrame,
    member: pl.DataFrame,
    features: pl.DataFrame,
    df: Callable[[pl.Series], tuple[pl.DataFrame, int]],
) -> pl.DataFrame:
    """(article_id, story, sim): for each new article, the story its TOP_K most similar old
    articles mostly belong to (sum of similarities) and its best pair similarity there.

    vectors: the new articles' vectors; features: the paragraph features of every article; df:
    the rarity of some features (story_state.rarity) and the number of articles.
    Pairs are found and scored by the full run's own rule (stories.proposals, candidate_pairs,
    score_pairs, month_conflicts: BLOCK_DF, BLOCK_KEYS, BLOCK_MAX, WINDOW, CANDIDATES, MIN_PAIR,
    TOP_K), the new articles proposing, the old members as partners.
    """
    if vectors.is_empty() or member.is_empty():
        return pl.DataFrame(schema={"article_id": pl.String, "story": pl.String, "sim": pl.Float64})
    days = _days(articles).select("article_id", day=pl.col("day").cast(pl.Int32))
    rare = vectors.select("feature", "df").unique("feature")
    # the postings: every old member having a feature a new article could propose through
    usable = rare.filter(
        pl.col("df").is_between(2, stories.BLOCK_MAX)
        & ~pl.col("feature").str.contains(stories.BROAD)
    )
    olds = member.select("article_id")
    posted = (
        features.select("article_id", "feature")
        .join(usable.select("feature"), on="feature", how="semi")
        .join(olds, on="article_id", how="semi")
        .unique()
        .join(rare, on="feature")
    )
    # one numbering, new articles first, each part in id order (ties break the same way each run)
    new_ids = vectors.get_column("article_id").unique().sort()
    old_ids = posted.get_column("article_id").unique().sort()
    index = pl.DataFrame({"article_id": pl.concat([new_ids, old_ids])}).with_columns(
        i=pl.int_range(pl.len(), dtype=pl.Int64)
    )
    blocking = pl.concat(
        [
            vectors.select("article_id", "feature", "df"),
            posted.select("article_id", "feature", "df"),
        ]
    )
    # one numbering of features for blocking and scoring
    blocking = stories.number_features(
        blocking.join(index, on="article_id").join(days, on="article_id", how="left")
    )
    # the new articles (numbered first) propose; the windows count them as a full run does, but
    # only old members are partners (another new article's story is not decided yet)
    n_new = new_ids.len()
    keys, postings = stories.proposals(blocking, proposers=pl.Series(range(n_new)))
    candidates = stories.candidate_pairs(keys, postings.filter(pl.col("i_b") >= n_new))
    partner_ids = index.join(candidates.select(i="i_b").unique(), on="i", how="semi")
    near = story_state.rows(articles, features, partner_ids["article_id"])
    old = story_state.vectors(near, *df(near["feature"]))
    scoring = pl.concat(
        [
            vectors.select("article_id", "feature", "w", "df"),
            old.select("article_id", "feature", "w", "df"),
        ]
    )
    scoring = scoring.join(index, on="article_id").join(days, on="article_id", how="left")
    f_of = blocking.select("feature", "f").unique("feature")
    top = int(f_of.select(pl.col("f").max().fill_null(0)).item())
    extra = (
        scoring.select("feature")
        .unique()
        .join(f_of, on="feature", how="anti")
        .sort("feature")
        .with_columns(f=(pl.int_range(pl.len()) + top + 1).cast(pl.UInt64))
    )
    scoring = scoring.join(pl.concat([f_of, extra]), on="feature")
    shared = scoring.filter(pl.col("df") > 1).select("i", "f", "w")
    day_of = scoring.select("i", "day").unique("i")
    pairs = stories.month_conflicts(
        stories.score_pairs(candidates, shared, day_of), scoring.select("i", "feature"), day_of
    )
    ids = index.select(article_b="article_id", i_b="i")
    scored = (
        pairs.join(index, on="i")
        .join(ids, on="i_b")
        .join(member.rename({"article_id": "article_b"}), on="article_b")
    )
    return (
        scored.group_by("article_id", "story")
        .agg(vote=pl.col("sim").sum(), sim=pl.col("sim").max())
        .sort(["article_id", "vote", "story"], descending=[False, True, False])
        .group_by("article_id", maintain_order=True)
        .first()
        .select("article_id", "story", "sim")
    )


def _join_new_stories(
    articles: pl.DataFrame,
    said: pl.DataFrame,
    member: pl.DataFrame,
    fresh: dict[str, list[str]],
) -> dict[str, str]:
    """new story -> the existing story it merges into (core actors shared, time-damped)."""
    if not fresh:
        return {}
    new_member = pl.DataFrame(
        [(a, s) for s, ms in fresh.items() for a in ms],
        schema={"article_id": pl.String, "story": pl.String},
        orient="row",
    )
    both = pl.concat([member, new_member])
    vectors = actor_vectors(said.join(both, on="article_id", how="semi"), articles.height)
    profiles = core_profiles(vectors, both)
    days = _days(articles)
    new = list(fresh)
    # only pairs of a new and an old story: old stories were merged when they were made
    one_new = pl.col("story").is_in(new) != pl.col("story_b").is_in(new)
    scored = scored_pairs(
        profiles,
        candidate_pairs(profiles, among=one_new),
        spans_of(days, both),
        time_scale(days["day"]),
        MERGE_THRESHOLD,
    )
    swap = ~pl.col("story").is_in(new)
    pairs = (
        scored.select(
            story=pl.when(swap).then("story_b").otherwise("story"),
            story_b=pl.when(swap).then("story").otherwise("story_b"),
            sim="sim",
        )
        .sort(["story", "sim", "story_b"], descending=[False, True, False])
        .group_by("story", maintain_order=True)
        .first()
    )
    return dict(pairs.select("story", "story_b").iter_rows())


def attach(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    features: pl.DataFrame,
    new_ids: pl.Series,
    stored: story_state.Stored,
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame], int]:
    """(article_id, story) of every new article (old stories keep their ids and members), the
    rows to append to the stored state (state_centroids, state_df) and its new number of units.

    Every table covers old and new articles; old articles carry their story_id.
    """
    is_new = pl.col("article_id").is_in(new_ids.implode())
    member = articles.filter(~is_new & pl.col("story_id").is_not_null()).select(
        "article_id", story="story_id"
    )
    new_rows = story_state.rows(articles, features, new_ids)
    new_df = story_state.counts(new_rows)
    units = stored.units + new_rows.get_column("article_id").n_unique()

    def rarity(wanted: pl.Series) -> tuple[pl.DataFrame, int]:
        return story_state.rarity(stored, new_df, wanted), units

    vectors = story_state.vectors(new_rows, *rarity(new_rows["feature"]))
    centroid = story_state.read(stored, vectors["feature"])
    placed: dict[str, str] = {}
    if member.height and new_ids.len():
        near = nearest_story(vectors, articles, member, centroid)
        placed = dict(
            near.filter(pl.col("sim") >= ATTACH_SCORE).select("article_id", "story").iter_rows()
        )
        # an article near no story's centroid may still be one event's copy: its nearest articles
        rest = vectors.filter(~pl.col("article_id").is_in(list(placed)))
        neighbours = nearest_neighbours(rest, articles, member, features, rarity)
        placed |= dict(
            neighbours.filter(pl.col("sim") >= stories.THRESHOLD)
            .select("article_id", "story")
            .iter_rows()
        )
    joined = dict(placed)
    alone = articles.filter(is_new & ~pl.col("article_id").is_in(list(placed)))
    if alone.height:
        ids = alone.select("article_id")
        sub = [
            t.join(ids, on="article_id", how="semi")
            for t in (paragraphs, mentions, dates, features)
        ]
        _, table = stories.cluster(alone, sub[0], sub[1], sub[2], features=sub[3])
        fresh = {s: list(ms) for s, ms in table.select("story_id", "article_ids").iter_rows()}
        body = boilerplate.body(paragraphs)
        said = mentions.join(
            body.select("article_id", "para_no"), on=["article_id", "para_no"], how="semi"
        )
        into = _join_new_stories(articles, said, member, fresh) if member.height else {}
        for story, members in fresh.items():
            joined.update(dict.fromkeys(members, into.get(story, story)))
    new_member = pl.DataFrame(
        list(joined.items()), schema={"article_id": pl.String, "story": pl.String}, orient="row"
    )
    appended = {
        story_state.CENTROIDS: story_state.added(vectors, new_member, centroid),
        story_state.DF: new_df,
    }
    return new_member, appended, units
