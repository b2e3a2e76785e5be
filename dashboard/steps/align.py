"""Paragraph alignment: within a story, paragraphs of different articles that share rare features
(and, when translated, read alike) are aligned one to one.

The features live in dashboard.steps.features and the source-comparison helpers (coverage,
first_and_copies, uniques) in dashboard.steps.comparison; both are re-exported here for older callers.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz

from dashboard.schema import conform, empty
from dashboard.steps import align_fill
from dashboard.steps import quotes as quotes_mod
from dashboard.steps.comparison import MAJORITY, NEAR_DUPLICATE, coverage, first_and_copies, uniques
from dashboard.steps.features import KIND_WEIGHT, date_features, paragraph_features, weighted

__all__ = [
    "KIND_WEIGHT",
    "MAJORITY",
    "NEAR_DUPLICATE",
    "align",
    "coverage",
    "date_features",
    "first_and_copies",
    "paragraph_features",
    "uniques",
    "weighted",
]

# Paragraphs: a number or a rare actor shared says more than many common ones, so idf is squared.
ALIGN_KINDS = {**KIND_WEIGHT, "n": 1.0}
ALIGN_IDF_POWER = 2.0
ALIGN_THRESHOLD = 0.3  # aligned paragraphs score at least this
POSITION_WEIGHT = 0.2  # share of the score that rewards similar relative position
TRANSLATION_WEIGHT = 0.35  # share of the score from translation similarity, when both have one
BLOCK_DF = 60  # within a story, features in more paragraphs than this do not propose pairs
TOP_K = 20  # a paragraph keeps at most this many partners (its best): output grows linearly
CANDIDATES = 4 * TOP_K  # scored pairs kept per paragraph for the matching
CHUNK_ROWS = 500_000
"""Rows of the paragraph-pair join (a story's paragraphs sharing a rare feature: n x n for a
feature in n of them) of the stories scored together: bounds the memory of a chunk, pairs and
their cosines (~400 bytes a row at the peak), however many paragraphs a story's articles share a
feature in. A story larger than this is scored alone."""
# a paragraph (article number a, para_no) as one integer
_UNIT = (pl.col("a").cast(pl.UInt64) * (1 << 32) + pl.col("para_no").cast(pl.UInt64)).alias("u")


def align(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    *,
    threshold: float = ALIGN_THRESHOLD,
    quote_table: pl.DataFrame | None = None,
    features: pl.DataFrame | None = None,
    new_ids: pl.Series | None = None,
    prior: pl.DataFrame | None = None,
    fill: bool = True,
) -> pl.DataFrame:
    """Paragraphs of different articles of one story that report the same thing (alignments table).

    Scores combine the cosine of idf-weighted shared features, similar relative position and
    (when both are translated) rapidfuzz similarity of the translations; each paragraph keeps at
    most one partner per other article, best scores first.

    features: paragraph features the caller already has (features.paragraph_features). With
    new_ids, only pairs with a paragraph of one of those articles are scored (an increment: the
    rarity weights are the whole story's), and `prior` (alignments already made) counts in the
    one-partner-per-article and TOP_K limits; the result holds the new pairs only. `fill`:
    the paragraphs between anchors of two versions of a report are paired in order too
    (dashboard.steps.align_fill); False gives the feature pass alone.
    """
    story = articles.filter(pl.col("story_id").is_not_null()).select("article_id", "story_id")
    multi = story.filter(pl.len().over("story_id") > 1)
    if multi.height == 0:
        return empty("alignments")
    if features is None:
        arts = articles.join(multi, on="article_id", how="semi")
        paras = paragraphs.join(multi, on="article_id", how="semi")
        # quotes are per article: the pipeline passes the table it already has for the stories
        if quote_table is None:
            quote_table = quotes_mod.quotes(arts, paras, mentions)
        else:
            quote_table = quote_table.join(multi, on="article_id", how="semi")
        features = paragraph_features(arts, paras, mentions, dates, quote_table)
    if new_ids is None:
        full = features.join(multi, on="article_id")
        vectors = weighted(
            full, ["article_id", "para_no"], ["story_id"], kinds=ALIGN_KINDS, power=ALIGN_IDF_POWER
        )
        positions = _positions(full)
    else:
        # an increment scores only the new paragraphs and those sharing a rare feature with them,
        # weighted by the counts of the whole story
        vectors, positions = _near_vectors(features, multi, new_ids)
    units = (
        vectors.select("story_id", "article_id", "para_no").unique().sort("article_id", "para_no")
    )
    units = units.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    units = units.join(positions, on=["article_id", "para_no"], how="left")
    # integer feature ids: the pair joins below are on numbers, not strings
    vectors = vectors.join(units, on=["story_id", "article_id", "para_no"]).select(
        "story_id", "article_id", "i", "df", "w", feature=pl.col("feature").rank("dense")
    )
    rare = vectors.filter(pl.col("df").is_between(2, BLOCK_DF)).select(
        "story_id", "feature", "i", "article_id"
    )
    # stories are scored a chunk at a time: memory is bounded by a chunk, not by the corpus
    chunk_of = (
        rare.group_by("story_id", "feature")
        .agg(n=pl.len().cast(pl.Int64))
        .group_by("story_id")
        .agg(rows=(pl.col("n") * pl.col("n")).sum())
        .sort("story_id")
        .select("story_id", chunk=pl.col("rows").cum_sum() // CHUNK_ROWS)
    )
    parts = []
    for _, stories in chunk_of.group_by("chunk", maintain_order=True):
        mine = rare.join(stories, on="story_id", how="semi")
        if new_ids is None:
            pairs = mine.join(mine, on=["story_id", "feature"], suffix="_b").filter(
                pl.col("article_id") < pl.col("article_id_b")
            )
        else:
            new = mine.filter(pl.col("article_id").is_in(new_ids.implode()))
            # units are numbered in article order: the smaller i is always article_a
            pairs = (
                new.join(mine, on=["story_id", "feature"], suffix="_b")
                .filter(pl.col("article_id") != pl.col("article_id_b"))
                .select(i=pl.min_horizontal("i", "i_b"), i_b=pl.max_horizontal("i", "i_b"))
            )
        candidates = pairs.select("i", "i_b").unique()
        units_here = units.join(stories, on="story_id", how="semi")
        own = vectors.join(units_here.select("i"), on="i", how="semi").select("i", "feature", "w")
        cosine = (
            candidates.join(own, on="i")
            .join(own.rename({"i": "i_b", "w": "w_b"}), on=["i_b", "feature"])
            .group_by("i", "i_b")
            .agg(cos=(pl.col("w") * pl.col("w_b")).sum())
        )
        scored = _with_position_and_translation(cosine, units_here, paragraphs)
        parts.append(_best(scored.filter(pl.col("score") >= threshold)))
    if not parts:
        return empty("alignments")
    anchors = _one_to_one(pl.concat(parts), prior)
    return align_fill.fill(anchors, paragraphs, features) if fill else anchors


def story_shares(articles: pl.DataFrame, features: pl.DataFrame, parts: int) -> list[pl.DataFrame]:
    """The articles of stories of several articles (article_id, story_id) cut into `parts` by
    whole stories, of about equal work: `align` of each is `align` of all of them cut the same
    way (a story is aligned alone), so processes can share it.

    A story's work is its feature rows plus the rows of its paragraph-pair join (n x n for a
    rare feature in n paragraphs, as `align` chunks by), which cost about as much each. Feature
    rows alone misjudge a story: a huge one whose features are mostly too common to propose
    pairs is cheap, one of many near copies costly (10,000 articles: shares of 0.4 s and 1.3 s
    by rows, where the same stories cost 0.8 and 0.9 s by this weight)."""
    story = articles.filter(pl.col("story_id").is_not_null()).select("article_id", "story_id")
    multi = story.filter(pl.len().over("story_id") > 1)
    weight = (
        features.join(multi, on="article_id")
        .group_by("story_id", "feature")
        .agg(n=pl.len().cast(pl.Int64))
        .group_by("story_id")
        .agg(
            rows=pl.col("n").sum()
            + (pl.col("n") * pl.col("n")).filter(pl.col("n").is_between(2, BLOCK_DF)).sum()
        )
        .sort("rows", "story_id", descending=[True, False])
    )
    # the heaviest story first, each to the lightest part so far
    loads, owner = [0] * parts, {}
    for story_id, rows in weight.iter_rows():
        lightest = loads.index(min(loads))
        owner[story_id] = lightest
        loads[lightest] += rows
    part = multi.with_columns(
        part=pl.col("story_id").replace_strict(owner, default=0, return_dtype=pl.Int32)
    )
    return [part.filter(pl.col("part") == k).drop("part") for k in range(parts)]


def _near_vectors(
    features: pl.DataFrame, multi: pl.DataFrame, new_ids: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Weighted vectors and positions of the paragraphs an increment scores: those sharing a rare
    feature with a paragraph of a new article, with df and n counted over the whole story.

    The same numbers as weighted(within=...) for those paragraphs, for a fraction of the work:
    one count of every (story, feature), the rest on the few rows these paragraphs touch.
    """
    ids = multi.with_row_index("a").with_columns(s=pl.col("story_id").rank("dense").cast(pl.UInt32))
    new_a = ids.filter(pl.col("article_id").is_in(new_ids.implode()))["a"].implode()
    # the article ids stay behind (a stands for them); this join is fastest in memory, while
    # the grouping and semi-join of millions of rows below are several times faster streamed
    rows = (
        features.lazy()
        .join(ids.lazy().select("article_id", "a", "s"), on="article_id")
        .select("para_no", "feature", "a", "s")
        .collect(engine="in-memory")
    )
    keys = ["s", "feature"]
    df = rows.lazy().group_by(keys).agg(df=pl.len()).collect(engine="streaming")
    rare = (
        rows.filter(pl.col("a").is_in(new_a))
        .select(keys)
        .unique()
        .join(df, on=keys)
        .filter(pl.col("df").is_between(2, BLOCK_DF))
    )
    # the paragraphs with a rare feature of a new one (the new ones among them)
    sharing = rows.lazy().join(rare.lazy().select(keys), on=keys, how="semi")
    near_units = sharing.select(_UNIT.unique()).collect(engine="streaming")["u"]
    # all paragraphs of their articles: the positions need them
    their = rows.filter(pl.col("a").is_in((near_units // (1 << 32)).cast(pl.UInt32).implode()))
    their = their.with_columns(_UNIT, article_id=ids["article_id"].gather(their["a"]))
    near = their.filter(pl.col("u").is_in(near_units.implode()))
    n = _units_per_story(rows, ids)
    kind_weight = (
        pl.col("feature").str.extract(r"^([a-z]+):").replace_strict(ALIGN_KINDS, default=0.0)
    )
    # the same arithmetic as weighted(): the floats must come out bit for bit the same
    vectors = (
        near.join(df, on=keys, how="left")
        .join(n, on="s", how="left")
        .with_columns(w=kind_weight * (1.0 + pl.col("n") / pl.col("df")).log().pow(ALIGN_IDF_POWER))
        .with_columns(w=pl.col("w") / (pl.col("w") ** 2).sum().over("u").sqrt())
        .join(ids.select("a", "story_id"), on="a")
        .drop("a", "s", "u", "n")
    )
    return vectors, _positions(their)


def _units_per_story(rows: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """The n of weighted(): each story's paragraphs (with features), each counted once."""
    para = pl.col("para_no")
    lo, hi, nulls = rows.select(lo=para.min(), hi=para.max(), nulls=para.null_count()).row(0)
    span = (hi or 0) + 1
    if ids.height * span <= 8 * rows.height and nulls == 0 and (lo or 0) >= 0:
        # a bitmap article x paragraph: news articles have tens of paragraphs, not thousands
        seen = np.zeros(ids.height * span, dtype=bool)
        seen[rows.select(pl.col("a").cast(pl.Int64) * span + para)["a"].to_numpy()] = True
        per_article = pl.Series("n", seen.reshape(ids.height, span).sum(axis=1))
        units = ids.select("s").with_columns(per_article)
    else:
        first = (rows.select(_UNIT.unique())["u"] // (1 << 32)).cast(pl.UInt32)
        units = pl.DataFrame({"a": first}).join(ids.select("a", "s"), on="a").with_columns(n=1)
    return units.group_by("s").agg(n=pl.col("n").sum().cast(pl.UInt32))


def _positions(rows: pl.DataFrame) -> pl.DataFrame:
    """Relative position of each paragraph among all its article's paragraphs (with features)."""
    return (
        rows.select("article_id", "para_no")
        .unique()
        .with_columns(
            rel=(pl.col("para_no").rank("dense").over("article_id") - 1)
            / (pl.col("para_no").n_unique().over("article_id") - 1).clip(lower_bound=1)
        )
    )


def _best(scored: pl.DataFrame) -> pl.DataFrame:
    """Pairs among the CANDIDATES best of either paragraph: the only ones the matching needs."""
    order = ["score", "i", "i_b"]
    best_a = pl.struct(order).rank("ordinal", descending=True).over("i") <= CANDIDATES
    best_b = pl.struct(order).rank("ordinal", descending=True).over("i_b") <= CANDIDATES
    return scored.filter(best_a | best_b)


def _with_position_and_translation(
    cosine: pl.DataFrame, units: pl.DataFrame, paragraphs: pl.DataFrame
) -> pl.DataFrame:
    """Score = cosine blended with relative-position similarity and translation similarity."""
    if units.height < paragraphs.height // 16:
        # a few units (an increment): the paragraphs of their articles, not all of them hashed
        mine = units["article_id"].unique().implode()
        paragraphs = paragraphs.filter(pl.col("article_id").is_in(mine))
    position = units.join(
        paragraphs.select(
            "article_id",
            "para_no",
            pl.col("translation")
            if "translation" in paragraphs.columns
            else pl.lit(None, pl.String).alias("translation"),
        ),
        on=["article_id", "para_no"],
        how="left",
    )
    b = position.rename({c: f"{c}_b" for c in position.columns})
    both = pl.col("translation").is_not_null() & pl.col("translation_b").is_not_null()
    # untranslated pairs first: rapidfuzz (a Python call per pair) runs on the others only
    pairs = (
        cosine.join(position, on="i")
        .join(b, on="i_b")
        .with_columns(_both=both)
        .sort("_both", "i", "i_b")
    )
    translated = pairs.filter("_both").select("translation", "translation_b")
    fuzzy = [None] * (pairs.height - translated.height) + [
        fuzz.token_set_ratio(ta, tb) / 100.0 for ta, tb in translated.iter_rows()
    ]
    blended = (
        pl.when(pl.col("fuzzy").is_not_null())
        .then((1 - TRANSLATION_WEIGHT) * pl.col("cos") + TRANSLATION_WEIGHT * pl.col("fuzzy"))
        .otherwise(pl.col("cos"))
    )
    near = 1.0 - (pl.col("rel") - pl.col("rel_b")).abs()
    return (
        pairs.with_columns(fuzzy=pl.Series(fuzzy, dtype=pl.Float64))
        .drop("_both")
        # rounded: float sums in another row order must not flip ties in the greedy matching
        .with_columns(score=(blended * (1 - POSITION_WEIGHT + POSITION_WEIGHT * near)).round(9))
    )


def _one_to_one(scored: pl.DataFrame, prior: pl.DataFrame | None = None) -> pl.DataFrame:
    """Greedy best-first matching: one partner per paragraph per other article, at most TOP_K
    partners per paragraph (in a story of thousands of copies, not one per copy). Pairs in
    `prior` are taken already (they are not returned)."""
    used: set[tuple[str, int, str]] = set()
    degree: dict[tuple[str, int], int] = {}
    if prior is not None:
        used, degree = _taken(scored, prior)
    rows = []
    ordered = scored.sort(
        ["score", "article_id", "para_no", "article_id_b", "para_no_b"],
        descending=[True, False, False, False, False],
    )
    get, use = degree.get, used.add
    for story_id, a, pa, b, pb, score in ordered.select(
        "story_id", "article_id", "para_no", "article_id_b", "para_no_b", "score"
    ).iter_rows():
        side_a, side_b = (a, pa, b), (b, pb, a)
        if side_a in used or side_b in used:
            continue
        unit_a, unit_b = (a, pa), (b, pb)
        has_a, has_b = get(unit_a, 0), get(unit_b, 0)
        if has_a >= TOP_K or has_b >= TOP_K:
            continue
        use(side_a)
        use(side_b)
        degree[unit_a] = has_a + 1
        degree[unit_b] = has_b + 1
        rows.append((story_id, a, pa, b, pb, round(score, 4)))
    frame = pl.DataFrame(
        rows,
        schema=["story_id", "article_a", "para_a", "article_b", "para_b", "score"],
        orient="row",
    )
    return conform(frame, "alignments").sort("story_id", "article_a", "para_a", "article_b")


def _taken(
    scored: pl.DataFrame, prior: pl.DataFrame
) -> tuple[set[tuple[str, int, str]], dict[tuple[str, int], int]]:
    """What `prior` already gives the paragraphs scored here: their (paragraph, other article)
    sides that are taken, and how many partners each has (only these can limit the matching)."""
    asked = pl.concat(
        [
            scored.select(article="article_id", para="para_no", other="article_id_b"),
            scored.select(article="article_id_b", para="para_no_b", other="article_id"),
        ]
    )
    ends = asked.select("article", "para").unique()
    # a cheap filter on article first: the prior of grown stories can be millions of pairs
    arts = ends["article"].unique().implode()
    near = prior.filter(pl.col("article_a").is_in(arts) | pl.col("article_b").is_in(arts))
    by = ["article", "para"]
    touching = (
        near.join(ends, left_on=["article_a", "para_a"], right_on=by, how="semi")
        .vstack(near.join(ends, left_on=["article_b", "para_b"], right_on=by, how="semi"))
        .unique()
    )
    sides = pl.concat(
        [
            touching.select(article="article_a", para="para_a", other="article_b"),
            touching.select(article="article_b", para="para_b", other="article_a"),
        ]
    )
    degree = sides.join(ends, on=by, how="semi").group_by(by).len()
    used = sides.join(asked, on=[*by, "other"], how="semi").unique()
    return set(used.iter_rows()), {(a, p): n for a, p, n in degree.iter_rows()}
