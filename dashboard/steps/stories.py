"""Stories: articles about the same events, grouped across languages, in two passes.

Events first: each article becomes a sparse vector of what survives translation (linked actors,
mentioned dates, numbers, quote speakers and, when present, words of its translation), weighted by
rarity (idf over articles). Candidate pairs come from an inverted index over the rarer features (no
all-pairs pass), their cosine is damped by the distance between publication dates, and pairs are
merged greedily while the clusters' centroids stay similar; an article left alone then joins the
event it is most like if that is nearly close enough. Then stories: events that share their core
actors close enough in time are merged (dashboard.steps.story_merge). The analyst's moves, merges and
splits live in `stories.json` (dashboard.steps.story_edits) and are replayed on every re-analysis.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable

import polars as pl

from dashboard.lang import boilerplate
from dashboard.schema import empty
from dashboard.steps import quotes as quotes_mod
from dashboard.steps import story_state
from dashboard.steps.features import paragraph_features, weighted
from dashboard.steps.story_edits import (
    OVERRIDES_VERSION,
    Overrides,
    add_op,
    apply_overrides,
    merge,
    move,
    read_overrides,
    split,
    write_overrides,
)
from dashboard.steps.story_labels import label_stories, story_id_for, story_tables
from dashboard.steps.story_merge import MERGE_THRESHOLD, merge_events, usable_published

__all__ = [
    "OVERRIDES_VERSION",
    "Overrides",
    "add_op",
    "apply_overrides",
    "article_vectors",
    "by_spread",
    "cluster",
    "infer_published",
    "label_stories",
    "merge",
    "move",
    "candidate_pairs",
    "month_conflicts",
    "number_features",
    "pair_similarity",
    "proposals",
    "score_pairs",
    "read_overrides",
    "split",
    "story_id_for",
    "write_overrides",
]

THRESHOLD = 0.2  # centroid cosine above which two clusters are one event
TIME_SCALE_DAYS = 365.0  # publication dates a year apart divide similarity by e
ATTACH = 0.6  # a lone article joins an event at this share of the threshold
MIN_PAIR = 0.05  # pair similarities below this are treated as zero
BLOCK_DF = 100  # features in more articles than this are scored but not used to find pairs
BLOCK_KEYS = 3  # every article also proposes pairs through its rarest features
BLOCK_MAX = 2000  # features in more articles than this never propose pairs
BROAD = r"^(?:m|mo|y):"  # months and years are scored but too broad to find pairs
MONTH_CONFLICT = 0.3  # similarity kept by an undated pair naming months, none in common
WINDOW = 100  # a common key proposes only the articles nearest in time, about this many a side
TOP_K = 50  # each article keeps its this-many most similar partners: a sparse kNN graph
CANDIDATES = 4 * TOP_K  # candidates scored per article, those sharing the most keys
SCORE_ROWS = 3_000_000
"""(candidate pair, feature) rows one block of proposing articles joins when its pairs are scored:
bounds the memory (~150 bytes a row at the peak) whatever the articles' length. A block is this
over CANDIDATES x the mean shared features an article: ~500 articles of 10,000 synthetic ones
(29 features each), ~700 of the real interleaved corpus (21 each)."""


PAIR_SPREAD = 100
"""A feature of at most this many articles (of a scoring's rows) is scored by pairing its articles
directly, a commoner one pair by pair (score_pairs): a cost, not a result, setting. Under
CANDIDATES, so pairing a proposer's feature directly makes fewer rows than looking it up for each
of its candidate pairs would: a block's memory stays within SCORE_ROWS."""


# The candidate-pair rule of the event pass, in three public parts that the full run
# (pair_similarity) and the increment (story_attach.nearest_neighbours) both call: one core.


def proposals(
    vectors: pl.DataFrame, block_df: int = BLOCK_DF, proposers: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keys (i, f, bucket) articles propose pairs through, and postings (i_b, f, bucket).

    vectors: (i, f, feature, df, day) rows, every article having a feature the proposers have
    (df: articles with the feature in the whole corpus). An article proposes through its
    features in at most block_df articles and its BLOCK_KEYS rarest ones; features in fewer than
    2 or more than BLOCK_MAX articles, months and years (BROAD) never propose. A feature's
    articles are ordered by (day, i) and cut into buckets of WINDOW; each posting is copied into
    its neighbouring buckets, so a key pairs its article with at most 3 x WINDOW others nearest
    in time, never with the whole posting list (a quadratic blow-up for a common feature).
    proposers: the articles whose keys are kept (None: every article).
    """
    usable = (
        vectors.filter(
            pl.col("df").is_between(2, BLOCK_MAX) & ~pl.col("feature").str.contains(BROAD)
        )
        .sort("day", "i", nulls_last=True)
        .with_columns(bucket=(pl.int_range(pl.len()).over("f") // WINDOW).cast(pl.Int32))
    )
    rarest = pl.col("df").rank("ordinal").over("i") <= BLOCK_KEYS
    keys = usable.filter((pl.col("df") <= block_df) | rarest).select("i", "f", "bucket")
    if proposers is not None:
        keys = keys.filter(pl.col("i").is_in(proposers.implode()))
    near = pl.concat_list(pl.col("bucket") - 1, "bucket", pl.col("bucket") + 1)
    postings = usable.select(i_b="i", f="f", bucket=near).explode("bucket")
    return keys.sort("i"), postings


def candidate_pairs(keys: pl.DataFrame, postings: pl.DataFrame) -> pl.DataFrame:
    """(i, i_b): each proposing article's CANDIDATES partners sharing the most keys with it
    (the rest rarely make its top k)."""
    return (
        keys.join(postings, on=["f", "bucket"])
        .filter(pl.col("i") != pl.col("i_b"))
        .group_by("i", "i_b")
        .agg(hits=pl.len())
        .sort(["i", "hits", "i_b"], descending=[False, True, False])
        .group_by("i", maintain_order=True)
        .head(CANDIDATES)
        .select("i", "i_b")
    )


def by_spread(shared: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `shared` (i, f, w) of features of at most PAIR_SPREAD of its articles, and
    those of the commoner ones: the two parts score_pairs sums apart."""
    spread = shared.group_by("f").agg(_n=pl.len())
    rare = shared.join(spread.filter(pl.col("_n") <= PAIR_SPREAD), on="f", how="semi")
    common = shared.join(spread.filter(pl.col("_n") > PAIR_SPREAD), on="f", how="semi")
    return rare, common


def score_pairs(
    candidates: pl.DataFrame,
    shared: pl.DataFrame,
    days: pl.DataFrame,
    parts: tuple[pl.DataFrame, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """(i, i_b, sim): each proposer's TOP_K best candidates, sim = the dot product of their
    vectors damped by exp(-gap / TIME_SCALE_DAYS) between publication days; pairs below MIN_PAIR
    are dropped. shared: (i, f, w) rows of features in 2+ articles (covering proposers and
    candidates); days: (i, day), one row an article.

    The dot product is summed in two parts over the features, by how many rows of `shared` hold
    them: a feature of at most PAIR_SPREAD articles pairs its articles directly (a join on the
    feature, kept for candidate pairs), a commoner one is looked up for each candidate pair (a
    join of the pair's rows on (article, feature)). The second join grows with the candidates x
    an article's features, the first with the features' articles: each part takes the features
    it is cheaper for. parts: by_spread(shared), when the caller scores several blocks of
    proposers against the same rows (made once, not once a block)."""
    n_features = int(shared.select(pl.col("f").max().fill_null(0)).item()) + 1
    rare, common = parts if parts is not None else by_spread(shared)
    proposers = candidates.select("i").unique()
    # (proposer, partner) as one integer: the candidates' filter is on a single cheap key
    pair = pl.col("i").cast(pl.UInt64) * (1 << 32) + pl.col("i_b").cast(pl.UInt64)
    by_feature = (
        rare.join(proposers, on="i", how="semi")
        .join(rare.select(i_b="i", f="f", w_b="w"), on="f")
        .with_columns(_pair=pair)
        .join(candidates.select(_pair=pair), on="_pair", how="semi")
        .select("i", "i_b", part=pl.col("w") * pl.col("w_b"))
    )
    # (article, feature) as one integer: the scoring join is on a single cheap key
    partners = common.join(candidates.select(i="i_b").unique(), on="i", how="semi")
    other = partners.select(k=pl.col("i").cast(pl.UInt64) * n_features + pl.col("f"), w_b="w")
    by_pair = (
        candidates.join(common.join(proposers, on="i", how="semi"), on="i")
        .with_columns(k=pl.col("i_b").cast(pl.UInt64) * n_features + pl.col("f"))
        .join(other, on="k")
        .select("i", "i_b", part=pl.col("w") * pl.col("w_b"))
    )
    gap = (pl.col("day") - pl.col("day_b")).abs().cast(pl.Float64)
    scored = (
        pl.concat([by_feature, by_pair])
        .group_by("i", "i_b")
        .agg(sim=pl.col("part").sum())
        .join(days, on="i")
        .join(days.rename({"i": "i_b", "day": "day_b"}), on="i_b")
        .with_columns(sim=pl.col("sim") * (-gap / TIME_SCALE_DAYS).exp().fill_null(1.0))
        .filter(pl.col("sim") >= MIN_PAIR)
    )
    best = scored.sort(["i", "sim", "i_b"], descending=[False, True, False]).group_by(
        "i", maintain_order=True
    )
    return best.head(TOP_K).select("i", "i_b", "sim")


def number_features(vectors: pl.DataFrame) -> pl.DataFrame:
    """vectors with integer feature ids f (joins on them are cheaper than on strings) and the
    rows in a fixed order (ties among the rarest keys break the same way); a null day when the
    vectors carry none."""
    if "day" not in vectors.columns:
        vectors = vectors.with_columns(day=pl.lit(None, pl.Int32))
    return vectors.with_columns(
        f=pl.col("feature").rank("dense").cast(pl.UInt64),
        i=pl.col("i").cast(pl.Int64),
        day=pl.col("day").cast(pl.Int32),
    ).sort("i", "f")


def pair_block(shared_rows: int, articles: int) -> int:
    """Proposing articles scored together: SCORE_ROWS over each one's CANDIDATES x the mean
    shared features an article (`shared_rows` over `articles`), at least one."""
    per_article = CANDIDATES * max(1.0, shared_rows / max(1, articles))
    return max(1, int(SCORE_ROWS / per_article))


def pair_similarity(vectors: pl.DataFrame, block_df: int = BLOCK_DF) -> pl.DataFrame:
    """(i, i_b, sim), i < i_b: every article's TOP_K most similar candidates (a sparse kNN graph).

    vectors: (i, feature, w, df) and optionally day (publication day number), which damps sim
    by exp(-gap / TIME_SCALE_DAYS); pairs below MIN_PAIR are dropped. Candidates come from an
    inverted index (no all-pairs pass, `proposals`): an article proposes pairs through its
    features rarer than block_df and its BLOCK_KEYS rarest ones (so an article naming only a
    story's main actors still finds its story); features in more than BLOCK_MAX articles never
    propose, and a common one only among articles near in time. Pairs are scored a block of
    proposing articles at a time (`pair_block`), so memory stays bounded, never growing with a
    posting list squared.
    """
    vectors = number_features(vectors)
    keys, postings = proposals(vectors, block_df)
    shared = vectors.filter(pl.col("df") > 1).select("i", "f", "w")
    parts = by_spread(shared)
    days = vectors.select("i", "day").unique("i")
    blocks = []
    top = int(vectors.select(pl.col("i").max().fill_null(0)).item()) + 1
    block = pair_block(shared.height, days.height)
    for first in range(0, top, block):
        inside = pl.col("i").is_between(first, first + block - 1)
        candidates = candidate_pairs(keys.filter(inside), postings)
        blocks.append(score_pairs(candidates, shared, days, parts))
    if not blocks:
        return pl.DataFrame(schema={"i": pl.Int64, "i_b": pl.Int64, "sim": pl.Float64})
    # a pair kept from both ends is one edge
    return (
        pl.concat(blocks)
        .select(
            pl.min_horizontal("i", "i_b").alias("i"),
            pl.max_horizontal("i", "i_b").alias("i_b"),
            "sim",
        )
        .group_by("i", "i_b")
        .agg(pl.col("sim").max())
        .sort("i", "i_b")
    )


def _linkage(n: int, pairs: list[tuple[int, int, float]], threshold: float) -> list[int]:
    """Greedy merging while the centroid cosine of two clusters is >= threshold; cluster per item."""
    between: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    for a, b, s in pairs:
        between[a][b] += s
        between[b][a] += s
    within = [1.0] * n
    parent = list(range(n))
    alive = [True] * n
    sqrt, push, pop = math.sqrt, heapq.heappush, heapq.heappop

    def score(a: int, b: int) -> float:
        return between[a][b] / sqrt(within[a] * within[b])

    # every within starts at 1.0: a pair's first score is its similarity (s / sqrt(1.0) == s);
    # a score under the threshold is never merged, only ends the loop: it is not queued at all
    # the first scores are sorted once and read in order; the scores of grown clusters go to a
    # heap; each step takes the better head of the two (one queue, with a fraction of the pops)
    first = sorted(
        (-s, a, b) for a in range(n) for b, s in between[a].items() if a < b and s >= threshold
    )
    heap: list[tuple[float, int, int]] = []
    k, m = 0, len(first)
    # the scores inlined below are score()'s arithmetic, in its order (the same bits).
    # A merge queues anew only the pairs of a with b's neighbours, whose shared weight grew: a
    # pair of a with a neighbour of a alone only fell (a grew), so its queued score is still an
    # upper bound, and it is queued at its score now when it comes out (the same merges, in the
    # same order, as queuing every pair of a at every merge, with fewer entries)
    while True:
        if heap and (k == m or heap[0] < first[k]):
            neg, a, b = pop(heap)
        elif k < m:
            neg, a, b = first[k]
            k += 1
        else:
            break
        if -neg < threshold:
            break
        if not (alive[a] and alive[b]):
            continue
        near_a = between[a]
        now = near_a[b] / sqrt(within[a] * within[b])
        if abs(now + neg) > 1e-12:
            if now < -neg and now >= threshold:
                push(heap, (-now, a, b))  # fallen since queued: back at its score now
            continue  # else risen: its fresh entry is queued already
        within[a] += within[b] + 2 * near_a.pop(b)
        alive[b] = False
        parent[b] = a
        w_a = within[a]
        for c, s in between[b].items():
            if c != a:
                near_a[c] += s
                near_c = between[c]
                near_c[a] = near_c.get(a, 0.0) + near_c.pop(b)
                entry = -(near_a[c] / sqrt(w_a * within[c]))
                if -entry >= threshold:
                    push(heap, (entry, a, c) if a < c else (entry, c, a))
        between[b].clear()

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    size = Counter(root(i) for i in range(n))
    for s in [i for i in range(n) if size[i] == 1]:
        # an article left alone joins the story it is most like when that is close enough
        near = [(score(s, c), c) for c in between[s] if size[c] > 1]
        if near and max(near)[0] >= threshold * ATTACH:
            parent[s] = max(near)[1]
    return [root(i) for i in range(n)]


def cluster(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    *,
    entities: pl.DataFrame | Callable[[], pl.DataFrame] | None = None,
    threshold: float = THRESHOLD,
    merge_threshold: float | None = MERGE_THRESHOLD,
    quote_table: pl.DataFrame | None = None,
    features: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles with story_id set, and the stories table (story_id, label, article_ids).

    threshold groups articles into events; merge_threshold merges events sharing their core
    actors into stories (None keeps the events as the stories). features: the paragraph
    features (features.paragraph_features) when the caller has them already. entities: the
    entities table (for the stories' labels), or a call returning it, made when the labels are.
    """
    if articles.height == 0:
        return articles.with_columns(story_id=pl.lit(None, pl.String)), empty("stories")
    if features is None:
        if quote_table is None:
            quote_table = quotes_mod.quotes(articles, paragraphs, mentions)
        features = paragraph_features(articles, paragraphs, mentions, dates, quote_table)
    events = _events(articles, features, threshold)
    if merge_threshold is not None:
        body = boilerplate.body(paragraphs)
        # actors named only in boilerplate (photo credits, tags) say nothing about the story
        said = mentions.join(
            body.select("article_id", "para_no"), on=["article_id", "para_no"], how="semi"
        )
        events = merge_events(articles, events, said, threshold=merge_threshold).rename(
            {"story": "event"}
        )
    groups = events.group_by("event").agg(pl.col("article_id").sort())
    membership = {story_id_for(members): members for members in groups["article_id"].to_list()}
    if callable(entities):
        entities = entities()
    return story_tables(articles, membership, mentions, dates, entities)


def article_vectors(articles: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    """(article_id, feature, w, df): an article's paragraph features and publication month,
    weighted by rarity over the articles (what events are clustered on)."""
    return weighted(story_state.rows(articles, features), ["article_id"], news_wide=True)


def month_conflicts(pairs: pl.DataFrame, vectors: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Damp the similarity of two articles, one of them undated, that both name months but no
    month in common (21 and 25 November against 23 January): with no publication date to keep
    them apart in time, that is the one sign they report different events."""
    months = (
        vectors.select(
            "i", month=pl.col("feature").str.extract(r"^(?:d:\d{4}-|m:\d{4}-|md:|mo:)(\d{2})")
        )
        .drop_nulls()
        .group_by("i")
        .agg(pl.col("month").unique())
        .join(days, on="i", how="left")
    )
    other = months.rename({"i": "i_b", "month": "month_b", "day": "day_b"})
    conflict = (
        (pl.col("day").is_null() | pl.col("day_b").is_null())
        & (pl.col("month").list.len() > 0)
        & (pl.col("month_b").list.len() > 0)
        & (pl.col("month").list.set_intersection("month_b").list.len() == 0)
    )
    return (
        pairs.join(months, on="i", how="left")
        .join(other, on="i_b", how="left")
        .with_columns(sim=pl.when(conflict).then(pl.col("sim") * MONTH_CONFLICT).otherwise("sim"))
        .select(pairs.columns)
    )


def _events(articles: pl.DataFrame, features: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """(article_id, event): tight clusters of articles reporting the same event."""
    ids = sorted(articles["article_id"].to_list())
    index = pl.DataFrame(
        {"article_id": ids, "i": range(len(ids))}, schema={"article_id": pl.String, "i": pl.Int64}
    )
    vectors = article_vectors(articles, features).join(index, on="article_id")
    dated = articles.select("article_id", published=usable_published(pl.col("published")))
    days = index.join(dated, on="article_id").select("i", day=pl.col("published").cast(pl.Int32))
    pairs = month_conflicts(pair_similarity(vectors.join(days, on="i", how="left")), vectors, days)
    roots = _linkage(len(ids), list(pairs.select("i", "i_b", "sim").iter_rows()), threshold)
    return pl.DataFrame(
        {"article_id": ids, "event": [ids[r] for r in roots]},
        schema={"article_id": pl.String, "event": pl.String},
    )


def infer_published(articles: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """Articles without a publication date get the median date of their story's dated articles.

    Such dates are marked published_inferred and provenance.published = "story".
    """
    member = stories.select("story_id", article_id=pl.col("article_ids")).explode("article_id")
    # the epoch placeholder is no date to spread over a story
    known = usable_published(pl.col("published")).is_not_null() & ~pl.col(
        "published_inferred"
    ).fill_null(False)
    medians = (
        articles.select("article_id", "published", "published_inferred")
        .join(member, on="article_id")
        .filter(known)
        .group_by("story_id")
        .agg(
            story_date=pl.col("published")
            .cast(pl.Int32)
            .median()
            .round()
            .cast(pl.Int32)
            .cast(pl.Date)
        )
    )
    filled = (
        articles.join(member.rename({"story_id": "_story"}), on="article_id", how="left")
        .join(medians.rename({"story_id": "_story"}), on="_story", how="left")
        .with_columns(_fill=pl.col("published").is_null() & pl.col("story_date").is_not_null())
    )
    provenance = articles.schema.get("provenance")
    updates = [
        pl.when("_fill").then("story_date").otherwise("published").alias("published"),
        (pl.col("_fill") | pl.col("published_inferred").fill_null(False)).alias(
            "published_inferred"
        ),
    ]
    if isinstance(provenance, pl.Struct):
        blank = pl.struct([pl.lit(None, f.dtype).alias(f.name) for f in provenance.fields])
        with_story = pl.coalesce("provenance", blank).struct.with_fields(published=pl.lit("story"))
        updates.append(
            pl.when("_fill").then(with_story).otherwise("provenance").alias("provenance")
        )
    return filled.with_columns(updates).select(articles.columns)
