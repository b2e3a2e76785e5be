"""What placing new articles into stories needs, kept between runs so it does not cost the corpus.

An article's event vector (stories.article_vectors) weighs its features by rarity over every
article: `df`, the articles having a feature, and `units`, the articles having any. A story's
centroid is the sum of its members' vectors; story_attach compares a new article's vector with
it. Both need a pass over every feature row, so a run stores them as state tables:

- `state_df`: rows (feature, df); an increment appends its new articles' counts;
- `state_centroids`: rows (story, feature, c), and the squared norm of the centroid as the row
  with feature "" (NORM); an increment appends what its new members add (their vectors, and
  2 c·d + |d|² to the squared norm).

Summing every row of a key gives the value as it now is; an increment reads only the rows of the
features its new articles have. Members keep the weights they had when they joined: rarity drifts
as the corpus grows, until a full run (`--recluster`) sums the centroids afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dashboard.steps.features import weighted
from dashboard.steps.story_merge import usable_published

NORM = ""  # the feature of the row holding a centroid's squared norm
SCHEMA = {"story": pl.String, "feature": pl.String, "c": pl.Float64}
DF_SCHEMA = {"feature": pl.String, "df": pl.Int64}
CENTROIDS = "state_centroids"  # the state table of the story centroids
DF = "state_df"  # the state table of how many articles have each feature


@dataclass
class Stored:
    """The stored state: lazy state tables and the number of articles with a vector."""

    centroids: pl.LazyFrame
    df: pl.LazyFrame
    units: int


def rows(
    articles: pl.DataFrame, features: pl.DataFrame, ids: pl.Series | None = None
) -> pl.DataFrame:
    """(article_id, feature), unique: what article_vectors weighs (paragraph features and the
    publication month), of the articles `ids` (all when None)."""
    if ids is not None:
        keep = pl.col("article_id").is_in(ids.implode())
        articles, features = articles.filter(keep), features.filter(keep)
    dated = articles.select("article_id", published=usable_published(pl.col("published")))
    months = dated.filter(pl.col("published").is_not_null()).select(
        "article_id", feature=pl.format("m:{}", pl.col("published").dt.strftime("%Y-%m"))
    )
    return pl.concat([features.select("article_id", "feature"), months]).unique()


def counts(article_rows: pl.DataFrame) -> pl.DataFrame:
    """(feature, df) of unique (article_id, feature) rows."""
    return article_rows.group_by("feature").agg(df=pl.len().cast(pl.Int64)).select(*DF_SCHEMA)


def rarity(stored: Stored, added: pl.DataFrame, features: pl.Series) -> pl.DataFrame:
    """(feature, df) for `features`: the stored counts plus `added` (the new articles')."""
    wanted = features.unique().implode()
    return (
        pl.concat(
            [
                stored.df.filter(pl.col("feature").is_in(wanted)).collect(),
                added.filter(pl.col("feature").is_in(wanted)),
            ]
        )
        .group_by("feature")
        .agg(pl.col("df").sum())
    )


def vectors(article_rows: pl.DataFrame, df: pl.DataFrame, units: int) -> pl.DataFrame:
    """(article_id, feature, w, df): event vectors of these articles' rows (stories.article_vectors
    with the given rarity)."""
    return weighted(article_rows, ["article_id"], rarity=(df, units), news_wide=True).select(
        "article_id", "feature", "w", "df"
    )


def centroids(vectors: pl.DataFrame, member: pl.DataFrame) -> pl.DataFrame:
    """The state rows of stories from their members' vectors (member: article_id, story)."""
    sums = (
        vectors.join(member, on="article_id").group_by("story", "feature").agg(c=pl.col("w").sum())
    )
    norms = sums.group_by("story").agg(feature=pl.lit(NORM), c=(pl.col("c") ** 2).sum())
    return pl.concat([sums.select(*SCHEMA), norms.select(*SCHEMA)]).sort("story", "feature")


def read(stored: Stored, features: pl.Series) -> pl.DataFrame:
    """(story, feature, c) summed over the stored rows, for `features` and the norms."""
    wanted = pl.concat([features.unique().cast(pl.String), pl.Series([NORM])])
    return (
        stored.centroids.filter(pl.col("feature").is_in(wanted.implode()))
        .group_by("story", "feature")
        .agg(pl.col("c").sum())
        .collect()
    )


def added(vectors: pl.DataFrame, member: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The rows to append when the articles of `vectors` join stories (member: article_id, story):
    their vectors summed per story, and each story's change of squared norm. `stored`: the
    centroid rows at their features (read)."""
    d = vectors.join(member, on="article_id").group_by("story", "feature").agg(c=pl.col("w").sum())
    if d.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    norm = (
        d.join(stored.filter(pl.col("feature") != NORM), on=["story", "feature"], how="left")
        .group_by("story")
        .agg(
            feature=pl.lit(NORM),
            c=2.0 * (pl.col("c") * pl.col("c_right").fill_null(0.0)).sum()
            + (pl.col("c") ** 2).sum(),
        )
    )
    return pl.concat([d.select(*SCHEMA), norm.select(*SCHEMA)])


def initial(
    articles: pl.DataFrame, features: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The state of a full run: centroid rows, df rows and the number of units."""
    every = rows(articles, features)
    df = counts(every)
    units = every.get_column("article_id").n_unique()
    member = articles.filter(pl.col("story_id").is_not_null()).select(
        "article_id", story="story_id"
    )
    return centroids(vectors(every, df, units), member), df, units


DENSE_SPREAD = 64  # a feature in more stories than this is scored as a dense column
CELLS = 8_000_000  # articles x stories (or stories x dense features) scored at a time


def best_centroids(
    vectors: pl.DataFrame,
    stored: pl.DataFrame,
    days: pl.DataFrame,
    spans: pl.DataFrame,
    scale: float,
) -> pl.DataFrame:
    """(article_id, story, sim): each article's most similar story by centroid cosine, damped by
    exp(-gap / scale) where gap is the days between the article's day and the story's window.

    vectors: the articles' vectors; stored: the centroid rows at their features and the norms
    (read); days: (article_id, day), spans: (story, lo, hi), the publication day of an article
    and the window of a story (null or absent: no damping). A month or a big actor is shared with thousands of stories: such features are
    multiplied as dense matrices, the rare ones joined, so the cost follows the new articles
    and the stories they share something with, not the pairs of rows.
    """
    centroid = stored.filter(pl.col("feature") != NORM)
    norm_rows = stored.filter(pl.col("feature") == NORM)
    stories = sorted(norm_rows["story"].to_list())
    articles = sorted(vectors["article_id"].unique().to_list())
    if not stories or not articles:
        return pl.DataFrame(schema={"article_id": pl.String, "story": pl.String, "sim": pl.Float64})
    s_code = pl.DataFrame(
        {"story": stories, "s": range(len(stories))}, schema_overrides={"s": pl.Int64}
    )
    a_code = pl.DataFrame(
        {"article_id": articles, "a": range(len(articles))}, schema_overrides={"a": pl.Int64}
    )
    spread = centroid.group_by("feature").agg(n=pl.len())
    dense = spread.filter(pl.col("n") > DENSE_SPREAD).sort("n", "feature", descending=[True, False])
    dense = dense.head(max(1, CELLS // len(stories))).select("feature").with_row_index("f")
    cent = centroid.join(s_code, on="story")
    vec = vectors.join(a_code, on="article_id")
    norms = np.ones(len(stories))
    norms[norm_rows.join(s_code, on="story")["s"].to_numpy()] = np.sqrt(
        norm_rows.join(s_code, on="story")["c"].to_numpy()
    )
    norms[norms == 0] = 1.0
    window = spans.join(s_code, on="story").drop_nulls(["lo", "hi"])
    lo, hi = np.full(len(stories), np.nan), np.full(len(stories), np.nan)
    lo[window["s"].to_numpy()] = window["lo"].to_numpy()
    hi[window["s"].to_numpy()] = window["hi"].to_numpy()
    dated = days.join(a_code, on="article_id").drop_nulls("day")
    day = np.full(len(articles), np.nan)
    day[dated["a"].to_numpy()] = dated["day"].to_numpy()
    dense_c = np.zeros((len(stories), dense.height))
    dc = cent.join(dense, on="feature")
    dense_c[dc["s"].to_numpy(), dc["f"].to_numpy()] = dc["c"].to_numpy()
    sparse_c = cent.join(dense, on="feature", how="anti").select("feature", "s", "c")
    out = []
    step = max(1, CELLS // len(stories))
    for first in range(0, len(articles), step):
        mine = vec.filter(pl.col("a").is_between(first, first + step - 1))
        sims = np.zeros((min(step, len(articles) - first), len(stories)))
        dv = mine.join(dense, on="feature")
        dense_w = np.zeros((sims.shape[0], dense.height))
        dense_w[dv["a"].to_numpy() - first, dv["f"].to_numpy()] = dv["w"].to_numpy()
        sims += dense_w @ dense_c.T
        sv = (
            mine.select("a", "feature", "w")
            .join(sparse_c, on="feature")
            .group_by("a", "s")
            .agg(v=(pl.col("w") * pl.col("c")).sum())
        )
        np.add.at(sims, (sv["a"].to_numpy() - first, sv["s"].to_numpy()), sv["v"].to_numpy())
        shared = sims != 0
        sims /= norms
        mine_day = day[first : first + sims.shape[0], None]
        gap = np.fmax(np.fmax(mine_day - hi[None, :], lo[None, :] - mine_day), 0.0)
        sims *= np.exp(-np.nan_to_num(gap, nan=0.0) / scale)
        # ties go to the smallest story id, as a sort by (sim desc, story) would
        sims[~shared] = -np.inf
        best = sims.argmax(axis=1)
        top = sims[np.arange(sims.shape[0]), best]
        for i in np.flatnonzero(np.isfinite(top)):
            out.append((articles[first + i], stories[best[i]], float(top[i])))
    return pl.DataFrame(
        out, schema={"article_id": pl.String, "story": pl.String, "sim": pl.Float64}, orient="row"
    )
