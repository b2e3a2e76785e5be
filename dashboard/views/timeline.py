"""Who is mentioned when: actor mentions over publication time, and the dates the articles
mention, on one time axis; plus the evidence (sentences) behind any point."""

from __future__ import annotations

import polars as pl

from dashboard.store.store import Analysis
from dashboard.store.view_tables import ACTOR_ARTICLES, DATES
from dashboard.views.filters import Filters
from dashboard.views.sentences import with_sentences

EVERY = {"day": "1d", "week": "1w", "month": "1mo"}
# the longest span (days) drawn by day, then by week: about 60 points at most either way
BY_DAY_UP_TO = 62
BY_WEEK_UP_TO = 62 * 7


def every_for_span(days: int) -> str:
    """The grouping that keeps a span of `days` readable: day up to about two months, week
    up to about fourteen months, month beyond."""
    if days <= BY_DAY_UP_TO:
        return "day"
    return "week" if days <= BY_WEEK_UP_TO else "month"


def resolve_every(an: Analysis, f: Filters, every: str | None = "auto") -> str:
    """The grouping asked for, or for `auto` (or none) the one the filtered articles'
    publication span reads best in."""
    if every in EVERY:
        return str(every)
    span = (
        an.scan("articles")
        .filter(f.articles_expr() & pl.col("published").is_not_null())
        .select(first=pl.col("published").min(), last=pl.col("published").max())
        .collect()
    )
    first, last = span["first"][0], span["last"][0]
    return every_for_span((last - first).days if first is not None else 0)


def top_actors(an: Analysis, f: Filters, n: int = 6) -> list[str]:
    """The chosen actors, or the n most mentioned in the filtered articles."""
    if f.actors:
        return list(f.actors)
    people = an.scan("entities").filter(
        ~pl.col("hidden").fill_null(False) & (pl.col("type") == "PER")
    )
    if not f.active:
        # the whole corpus: the entities table already has the counts
        return (
            people.sort("n_mentions", "entity_id", descending=[True, False])
            .head(n)
            .collect()["entity_id"]
            .to_list()
        )
    return (
        an.view(ACTOR_ARTICLES)
        .filter(f.articles_expr())
        .group_by("entity_id")
        .agg(n=pl.col("mentions").sum())
        .join(people.select("entity_id"), on="entity_id", how="semi")
        .sort("n", "entity_id", descending=[True, False])
        .head(n)
        .collect()["entity_id"]
        .to_list()
    )


def timeline(an: Analysis, f: Filters, every: str | None = "auto") -> pl.DataFrame:
    """Mentions per actor per period of publication (undated articles left out), with one
    example sentence per point for the hover: the first mention in the period's first article.
    `every`: day, week, month, or auto (resolve_every). Reads the actor-by-article view table
    (view_tables), not the mentions."""
    every = resolve_every(an, f, every)
    actors = top_actors(an, f)
    counts = (
        an.view(ACTOR_ARTICLES)
        .filter(
            pl.col("entity_id").is_in(actors)
            & f.articles_expr()
            & pl.col("published").is_not_null()
        )
        .group_by(pl.col("published").dt.truncate(EVERY[every]).alias("period"), "entity_id")
        .agg(
            pl.col("mentions").sum(),
            articles=pl.len().cast(pl.UInt32),
            first=pl.struct("article_id", "para_no", "start", "end", "text")
            .sort_by("published", "article_id")
            .first(),
        )
        .unnest("first")
        .join(an.scan("entities").select("entity_id", "label"), on="entity_id", how="left")
        .sort("period", "entity_id")
        .collect()
    )
    if counts.height == 0:
        return pl.DataFrame(
            schema={
                "period": pl.Date,
                "entity_id": pl.String,
                "label": pl.String,
                "mentions": pl.UInt32,
                "articles": pl.UInt32,
                "example": pl.String,
            }
        )
    # a filter, not a join: the scan then decodes the texts of these articles only
    meta = (
        an.scan("articles")
        .filter(pl.col("article_id").is_in(counts["article_id"].unique().implode()))
        .select("article_id", "title", "source", "published", "language", "text")
        .collect()
    )
    spans = counts.select("period", "entity_id", "article_id", "para_no", "start", "end", "text")
    examples = with_sentences(spans, meta, an, f).select(
        "period", "entity_id", example=pl.col("sentence")
    )
    return (
        counts.select("period", "entity_id", "label", "mentions", "articles")
        .join(examples, on=["period", "entity_id"], how="left")
        .sort("period", "entity_id")
    )


def mentioned_dates(an: Analysis, f: Filters) -> pl.DataFrame:
    """Dates the filtered articles mention, as days on the time axis (months: their first day);
    read from the calendar-dates view table (view_tables)."""
    dates = an.view(DATES).filter(f.articles_expr())
    if f.actors:
        with_actor = (
            an.view(ACTOR_ARTICLES)
            .filter(pl.col("entity_id").is_in(list(f.actors)))
            .select("article_id")
        )
        dates = dates.join(with_actor, on="article_id", how="semi")
    return (
        dates.group_by("day", "granularity")
        .agg(
            mentions=pl.len(),
            articles=pl.col("article_id").n_unique(),
            texts=pl.col("text").unique().sort().str.join(" · "),
            languages=pl.col("language").unique().sort().str.join(", "),
        )
        .sort("day")
        .collect()
    )
