"""Source comparison inside one story: who mentions which actor, who came first and who copied,
what each article alone reports or leaves out."""

from __future__ import annotations

import polars as pl

from dashboard.lang import boilerplate
from dashboard.schema import empty
from dashboard.steps import quotes as quotes_mod
from dashboard.steps.features import paragraph_features
from dashboard.store.view_tables import most_frequent_form

NEAR_DUPLICATE = 0.6  # share of paragraphs aligned with one other article that makes a copy
MAJORITY = 0.5  # an actor "most others have" is in more than this share of the other articles


def _story_articles(articles: pl.DataFrame, story_id: str) -> pl.DataFrame:
    return articles.filter(pl.col("story_id") == story_id)


def coverage(
    mentions: pl.DataFrame, articles: pl.DataFrame, story_id: str, by: str = "source"
) -> pl.DataFrame:
    """Who mentions which actor in one story, per source or language: counts and per 1,000 words.

    Columns: <by>, entity_id, name (most frequent surface form), n_mentions, n_articles, words,
    per_1000_words.
    """
    if by not in ("source", "language"):
        raise ValueError(f"coverage by {by!r}: use 'source' or 'language'")
    counted = pl.col("text").str.count_matches(r"\w+")
    # the stored count (normalise.with_word_counts) spares reading every text of the story
    if "words" in articles.columns:
        counted = (
            pl.col("words").cast(pl.UInt32).fill_null(counted)
            if "text" in articles.columns
            else pl.col("words").cast(pl.UInt32)
        )
    arts = _story_articles(articles, story_id).select(
        "article_id", pl.col(by).fill_null("unknown"), words=counted
    )
    words = arts.group_by(by).agg(pl.col("words").sum())
    said = mentions.filter(pl.col("entity_id").is_not_null()).join(
        arts.select("article_id", by), on="article_id"
    )
    names = (
        said.group_by(by, "entity_id", "text")
        .agg(k=pl.len())
        .group_by(by, "entity_id")
        .agg(name=most_frequent_form("k"))
    )
    return (
        said.group_by(by, "entity_id")
        .agg(
            n_mentions=pl.len().cast(pl.Int64),
            n_articles=pl.col("article_id").n_unique().cast(pl.Int64),
        )
        .join(names, on=[by, "entity_id"])
        .select(by, "entity_id", "name", "n_mentions", "n_articles")
        .join(words, on=by)
        .with_columns(
            per_1000_words=(
                1000 * pl.col("n_mentions") / pl.col("words").clip(lower_bound=1)
            ).round(2)
        )
        .sort([by, "n_mentions", "entity_id"], descending=[False, True, False])
    )


def _paragraph_counts(articles: pl.DataFrame, paragraphs: pl.DataFrame | None) -> pl.DataFrame:
    """article_id -> number of (non-boilerplate) paragraphs; blank-line blocks without a paragraph table."""
    if paragraphs is not None:
        paras = boilerplate.body(paragraphs)
        return paras.group_by("article_id").agg(n_paragraphs=pl.len().cast(pl.Int64))
    blocks = (
        pl.col("text")
        .str.strip_chars()
        .str.split("\n\n")
        .list.eval(pl.element().filter(pl.element().str.strip_chars() != ""))
    )
    return articles.select("article_id", n_paragraphs=blocks.list.len().cast(pl.Int64))


def first_and_copies(
    articles: pl.DataFrame,
    alignments: pl.DataFrame,
    story_id: str,
    paragraphs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per article of a story: publication order, whether it came first (never when two or more
    share the earliest date: the order is unknown), and its closest other article with the
    share of its paragraphs aligned to it (near_duplicate when >= 0.6).
    """
    arts = _story_articles(articles, story_id)
    links = alignments.filter(pl.col("story_id") == story_id)
    both = pl.concat(
        [
            links.select(article_id="article_a", para="para_a", other="article_b"),
            links.select(article_id="article_b", para="para_b", other="article_a"),
        ]
    )
    closest = (
        both.group_by("article_id", "other")
        .agg(aligned=pl.col("para").n_unique().cast(pl.Int64))
        .sort(["aligned", "other"], descending=[True, False])
        .group_by("article_id", maintain_order=True)
        .first()
    )
    counts = _paragraph_counts(arts, paragraphs)
    return (
        arts.select("article_id", "source", "language", "published")
        .join(counts, on="article_id", how="left")
        .join(closest, on="article_id", how="left")
        .with_columns(
            order=pl.col("published").rank("min"),
            aligned=pl.col("aligned").fill_null(0),
            share=(pl.col("aligned") / pl.col("n_paragraphs").clip(lower_bound=1))
            .fill_null(0.0)
            .round(3),
        )
        .with_columns(
            # first only when one article alone holds the earliest date: on a shared
            # timestamp the order is unknown, and no article is ticked
            first=pl.col("published").is_not_null()
            & (pl.col("order") == 1)
            & ((pl.col("order") == 1).sum() == 1),
            near_duplicate=pl.col("share") >= NEAR_DUPLICATE,
        )
        .rename({"other": "closest_article"})
        .sort("published", "article_id", nulls_last=True)
    )


def uniques(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    alignments: pl.DataFrame,
    story_id: str,
    quote_table: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per article of a story: what only it reports and what it leaves out (`quote_table`: the
    story's quotes when the caller has them, quotes.quotes of the same rows).

    Columns: article_id, unaligned_paragraphs (para_no list), only_actors, only_numbers (found in
    no other article of the story), only_quotes (quotes in its unaligned paragraphs) and
    omitted_actors (actors most other articles mention but it does not).
    """
    arts = _story_articles(articles, story_id)
    paras = paragraphs.join(arts.select("article_id"), on="article_id", how="semi")
    feats = paragraph_features(
        arts, paras, mentions.join(arts, on="article_id", how="semi"), empty("dates")
    )
    per_article = feats.select("article_id", "feature").unique()
    n_articles = arts.height
    spread = per_article.group_by("feature").agg(n=pl.len())
    links = alignments.filter(pl.col("story_id") == story_id)
    aligned = pl.concat(
        [
            links.select(article_id="article_a", para_no="para_a"),
            links.select(article_id="article_b", para_no="para_b"),
        ]
    ).unique()
    body = boilerplate.body(paras)
    unaligned = body.join(aligned, on=["article_id", "para_no"], how="anti").select(
        "article_id", "para_no"
    )
    if quote_table is None:
        quote_table = quotes_mod.quotes(arts, paras, mentions)
    quote_table = quote_table.join(unaligned, on=["article_id", "para_no"], how="semi")
    only = per_article.join(spread.filter(pl.col("n") == 1), on="feature")
    present = per_article.select("article_id", "feature")
    common = spread.filter(
        pl.col("feature").str.starts_with("e:") & (pl.col("n") > MAJORITY * (n_articles - 1))
    )
    omitted = (
        arts.select("article_id")
        .join(common.select("feature"), how="cross")
        .join(present, on=["article_id", "feature"], how="anti")
    )

    def listed(frame: pl.DataFrame, prefix: str, name: str) -> pl.DataFrame:
        return (
            frame.filter(pl.col("feature").str.starts_with(prefix))
            .group_by("article_id")
            .agg(pl.col("feature").str.strip_prefix(prefix).sort().alias(name))
        )

    out = arts.select("article_id", "source", "language")
    for part in (
        unaligned.group_by("article_id").agg(unaligned_paragraphs=pl.col("para_no").sort()),
        listed(only, "e:", "only_actors"),
        listed(only, "n:", "only_numbers"),
        quote_table.group_by("article_id").agg(only_quotes=pl.col("text")),
        listed(omitted, "e:", "omitted_actors"),
    ):
        out = out.join(part, on="article_id", how="left")
    lists = ["unaligned_paragraphs", "only_actors", "only_numbers", "only_quotes", "omitted_actors"]
    return out.with_columns(pl.col(c).fill_null([]) for c in lists).sort("article_id")
