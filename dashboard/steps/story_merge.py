"""Second clustering pass: events (tight clusters from stories.cluster) merged into stories.

A story is a run of events about the same core actors. Each event gets a profile of its core
actors only: those mentioned by at least CORE_SHARE of its articles, weighted by (1 + ln tf) x
ln(N / df) x the actor's news-wide discount, summed over the articles (tf: mentions in an article;
df: articles of the corpus that mention the actor; dashboard.steps.news_prior: how common the actor is
in news in general). An actor every article mentions weighs nothing, so in a small corpus sharing
the obvious actors is no evidence; the news-wide discount does the same for Trump or the United
States in a one-day corpus of unrelated reports, which gives no rarity signal of its own. Two
events' similarity is the cosine of their profiles, damped by the gap between their time spans on
a scale that follows the corpus' own time spread (clipped to MIN/MAX_SCALE_DAYS). In rounds, every
event joins its most similar event when that is at least MERGE_THRESHOLD and they share a
specific core actor; profiles are recomputed after each round, so core actors are always those
of the story as it now stands.
Candidate pairs come from a join on shared specific core actors (an inverted index over those that
are core to at most MAX_POSTINGS stories), never all pairs.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.steps import news_prior

CORE_SHARE = 0.5  # an actor is core to a story when at least this share of its articles name it
MERGE_THRESHOLD = 0.2  # profile cosine (after time damping) from which two stories are one
MIN_SCALE_DAYS = 30.0  # time-gap scale for a corpus collected over a few weeks
MAX_SCALE_DAYS = 365.0  # ... and for one spanning years: events years apart stay apart
SPREAD_QUANTILE = 0.1  # spans and the corpus spread run from this quantile to 1 minus it
MAX_ROUNDS = 50
SPECIFIC = 0.01  # news-wide share under which an actor is specific (cities yes, countries no)
MAX_POSTINGS = 500  # a core actor of more stories than this scores pairs but does not propose them
PAIR_ROWS = 1_000_000
"""(candidate pair, core actor) rows scored together: bounds the memory of scoring (~100 bytes a
row at the peak), which grows with the core actors of a story (long articles name many). The
scores are the same in any chunks."""
PLACEHOLDER_DATE = date(1970, 1, 1)  # the Unix epoch: a missing timestamp, not a publication date


def usable_published(published: pl.Expr) -> pl.Expr:
    """Publication date, null when it is the epoch placeholder some exports write for "unknown"."""
    return pl.when(published != pl.lit(PLACEHOLDER_DATE)).then(published)


def actor_vectors(mentions: pl.DataFrame, n_articles: int) -> pl.DataFrame:
    """(article_id, entity_id, w, prior): (1 + ln tf) x ln(N / df) x the actor's news-wide
    discount (news_prior.discount_of: Trump and the United States weigh little even in a
    one-day corpus), L2-normalised per article; prior is the actor's news-wide share, 0 when
    the corpus is about it (news_prior.in_corpus)."""
    counts = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .group_by("article_id", "entity_id")
        .agg(tf=pl.len())
        .with_columns(df=pl.len().over("entity_id"))
        .join(news_prior.shares(mentions["entity_id"]), on="entity_id", how="left")
        .with_columns(prior=news_prior.in_corpus(pl.col("prior"), pl.col("df"), pl.lit(n_articles)))
    )
    idf = (pl.lit(float(max(n_articles, 1))) / pl.col("df")).log().clip(lower_bound=0.0)
    return (
        counts.with_columns(
            w=(1.0 + pl.col("tf").cast(pl.Float64).log())
            * idf
            * news_prior.discount_of(pl.col("prior"))
        )
        .filter(pl.col("w") > 0)
        .with_columns(w=pl.col("w") / (pl.col("w") ** 2).sum().over("article_id").sqrt())
        .select("article_id", "entity_id", "w", pl.col("prior").fill_null(0.0))
    )


def time_scale(days: pl.Series) -> float:
    """Days over which a gap between stories divides their similarity by e: the corpus' spread."""
    known = days.drop_nulls()
    if known.len() < 2:
        return MIN_SCALE_DAYS
    high, low = known.quantile(1 - SPREAD_QUANTILE), known.quantile(SPREAD_QUANTILE)
    spread = float(high or 0.0) - float(low or 0.0)
    return min(max(spread, MIN_SCALE_DAYS), MAX_SCALE_DAYS)


def spans_of(days: pl.DataFrame, member: pl.DataFrame) -> pl.DataFrame:
    """(story, lo, hi): the time window of each story's members (days: article_id, day)."""
    return (
        days.join(member, on="article_id")
        .group_by("story")
        .agg(
            lo=pl.col("day").quantile(SPREAD_QUANTILE),
            hi=pl.col("day").quantile(1 - SPREAD_QUANTILE),
        )
    )


def core_profiles(vectors: pl.DataFrame, member: pl.DataFrame) -> pl.DataFrame:
    """(story, entity_id, w, prior): the story's core actors, summed article weights,
    L2-normalised, with their news-wide share."""
    return (
        vectors.join(member, on="article_id")
        .group_by("story", "entity_id")
        .agg(w=pl.col("w").sum(), n=pl.len(), prior=pl.col("prior").first())
        .join(member.group_by("story").agg(size=pl.len()), on="story")
        .filter(pl.col("n") >= CORE_SHARE * pl.col("size"))
        .with_columns(w=pl.col("w") / (pl.col("w") ** 2).sum().over("story").sqrt())
        .select("story", "entity_id", "w", "prior")
    )


def candidate_pairs(profiles: pl.DataFrame, among: pl.Expr | None = None) -> pl.DataFrame:
    """(story, story_b): stories sharing a specific core actor (an inverted index over those
    core to at most MAX_POSTINGS stories), story < story_b; `among` filters the pairs."""
    postings = pl.len().over("entity_id")
    keys = profiles.filter((postings <= MAX_POSTINGS) & (pl.col("prior") < SPECIFIC)).select(
        "story", "entity_id"
    )
    # stories numbered in their order: the join makes a row per shared actor, two numbers each,
    # not two strings (a row per pair is left once they are made unique)
    numbers = keys.select(pl.col("story").unique().sort()).with_row_index("s")
    own = keys.join(numbers, on="story").select("s", "entity_id")
    pairs = (
        own.join(own.rename({"s": "s_b"}), on="entity_id")
        .filter(pl.col("s") < pl.col("s_b"))
        .select("s", "s_b")
        .unique()
        .join(numbers, on="s")
        .join(numbers.rename({"s": "s_b", "story": "story_b"}), on="s_b")
    )
    if among is not None:
        pairs = pairs.filter(among)
    return pairs.select("story", "story_b")


def scored_pairs(
    profiles: pl.DataFrame,
    candidates: pl.DataFrame,
    spans: pl.DataFrame,
    scale: float,
    threshold: float,
) -> pl.DataFrame:
    """(story, story_b, sim, dated, dated_b): candidate pairs (from candidate_pairs, so they
    share a core actor rarer in news in general than SPECIFIC: celebrities alone do not make two
    reports one story) whose profile cosine, damped by the gap between their spans, is at least
    threshold. The one rule of the full merge and of an increment (dashboard.steps.story_attach).
    The pairs are scored PAIR_ROWS rows of (pair, core actor of its first story) at a time."""
    sizes = profiles.group_by("story").agg(_rows=pl.len())
    rows = candidates.join(sizes, on="story", how="left", maintain_order="left").with_columns(
        _chunk=pl.col("_rows").fill_null(0).cum_sum() // PAIR_ROWS
    )
    if rows.is_empty() or rows["_chunk"].max() == 0:
        return _scored(profiles, candidates, spans, scale, threshold)
    return pl.concat(
        [
            _scored(profiles, part.drop("_rows", "_chunk"), spans, scale, threshold)
            for _, part in rows.group_by("_chunk", maintain_order=True)
        ]
    )


def _scored(
    profiles: pl.DataFrame,
    candidates: pl.DataFrame,
    spans: pl.DataFrame,
    scale: float,
    threshold: float,
) -> pl.DataFrame:
    """scored_pairs of one chunk of candidates."""
    other = profiles.drop("prior").rename({"story": "story_b", "w": "w_b"})
    gap = pl.max_horizontal(
        pl.col("lo_b") - pl.col("hi"), pl.col("lo") - pl.col("hi_b"), pl.lit(0.0)
    ).fill_null(0.0)
    return (
        candidates.join(profiles, on="story")
        .join(other, on=["story_b", "entity_id"])
        .group_by("story", "story_b")
        .agg(sim=(pl.col("w") * pl.col("w_b")).sum())
        .join(spans, on="story", how="left")
        .join(
            spans.rename({"story": "story_b", "lo": "lo_b", "hi": "hi_b"}), on="story_b", how="left"
        )
        .with_columns(sim=pl.col("sim") * (-gap / scale).exp())
        .filter(pl.col("sim") >= threshold)
        .select(
            "story",
            "story_b",
            "sim",
            dated=pl.col("lo").is_not_null(),
            dated_b=pl.col("lo_b").is_not_null(),
        )
    )


def _best_partners(
    profiles: pl.DataFrame, spans: pl.DataFrame, scale: float, threshold: float
) -> list[tuple[str, str]]:
    """(story, partner): each story's most similar other story among scored_pairs."""
    pairs = scored_pairs(profiles, candidate_pairs(profiles), spans, scale, threshold)
    # a story of known time never reaches another through one whose time is unknown: an undated
    # story may join a dated one, but is nobody's bridge between two periods
    both = pl.concat(
        [
            pairs.filter(pl.col("dated_b") | ~pl.col("dated")).select("story", "story_b", "sim"),
            pairs.filter(pl.col("dated") | ~pl.col("dated_b")).select(
                story="story_b", story_b="story", sim="sim"
            ),
        ]
    )
    best = both.sort(["sim", "story", "story_b"], descending=[True, False, False]).group_by(
        "story", maintain_order=True
    )
    return list(best.first().select("story", "story_b").iter_rows())


def _unite(links: list[tuple[str, str]]) -> dict[str, str]:
    """story -> the story it now belongs to (the smallest id of its linked group), for linked ones.

    Links chain (A joins B while B joins C): with imperfect cross-lingual linking, a story often
    reaches its other language versions only through an article that names both spellings.
    """
    parent: dict[str, str] = {}

    def root(s: str) -> str:
        while parent.get(s, s) != s:
            s = parent[s]
        return s

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {s: root(s) for s in parent}


def merge_events(
    articles: pl.DataFrame,
    events: pl.DataFrame,
    mentions: pl.DataFrame,
    *,
    threshold: float = MERGE_THRESHOLD,
) -> pl.DataFrame:
    """(article_id, story): events (article_id, event) merged into stories; story is an event id.

    articles needs article_id and published (dates at the epoch count as unknown).
    """
    member = events.select("article_id", story=pl.col("event").cast(pl.String))
    vectors = actor_vectors(mentions.join(member, on="article_id", how="semi"), articles.height)
    days = articles.select(
        "article_id", day=usable_published(pl.col("published")).cast(pl.Int32).cast(pl.Float64)
    )
    scale = time_scale(days["day"])
    for _ in range(MAX_ROUNDS):
        links = _best_partners(
            core_profiles(vectors, member), spans_of(days, member), scale, threshold
        )
        if not links:
            break
        into = _unite(links)
        renamed = pl.DataFrame(
            {"story": list(into), "into": list(into.values())},
            schema={"story": pl.String, "into": pl.String},
        )
        member = member.join(renamed, on="story", how="left").select(
            "article_id", story=pl.coalesce("into", "story")
        )
    return member
