"""What the busiest views read instead of every mention: two tables derived from the articles and
the mentions, defined here once as lazy frames.

- view_actor_articles: one row per actor and article that mentions it: the article's story,
  outlet, language and day, its number of mentions of the actor, and its first mention (the
  span a hover example quotes). Half the rows of the mentions, sorted by actor, so the timeline
  reads the few actors it draws and filters on the article columns without a join.
- view_actor_forms: per story, outlet, language, actor and surface form, the mentions and the
  articles whose first mention of the actor has that form (summed over the forms: the articles
  mentioning the actor). The coverage comparison of a story of 40,000 articles reads a fifth of
  its mentions' rows.
- view_dates: the dates articles mention that fall on a calendar day or month, as the day on the
  time axis, with their article's columns: the timeline's lower row without a join or a parse.

The store writes them with the tables they come from and records what they were made from
(store.view_fingerprint); a reader uses them only when that still matches, and otherwise gets
the same frames computed from the tables (`define`): never a stale number, only a slower one.
Increments append the rows of their new articles; readers sum rows of one key (forms of an old
story may then appear in two parts).
"""

from __future__ import annotations

import polars as pl

ACTOR_ARTICLES = "view_actor_articles"
ACTOR_FORMS = "view_actor_forms"
DATES = "view_dates"
NAMES = (ACTOR_ARTICLES, ACTOR_FORMS, DATES)
SOURCES = ("articles", "mentions", "dates")  # the tables they are derived from, in this order

SPAN = ("para_no", "start", "end", "text")
ARTICLE = ("story_id", "source", "language", "published")


def outlet_label() -> pl.Expr:
    """The outlet, or for an article without one its language and id (still one row each)."""
    return pl.col("source").fill_null(
        pl.concat_str(pl.col("language").fill_null("?"), pl.lit(" · "), pl.col("article_id"))
    )


def most_frequent_form(count: str = "mentions", form: str = "text") -> pl.Expr:
    """In a group of (form, count) rows: the most frequent form; among equally frequent ones the
    longest (the fuller name), then a fixed hash order. One integer arg_max: no string sort."""
    score = (
        pl.col(count).cast(pl.Int64) * (1 << 39)
        + pl.col(form).str.len_chars().clip(upper_bound=1023).cast(pl.Int64) * (1 << 29)
        + (pl.col(form).hash(seed=7) % (1 << 29)).cast(pl.Int64)
    )
    return pl.col(form).get(score.arg_max())


def _linked(articles: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Linked mentions with the columns of their article (mentions of no article left out)."""
    return (
        mentions.filter(pl.col("entity_id").is_not_null())
        .select("entity_id", "article_id", *SPAN)
        .join(articles.select("article_id", *ARTICLE), on="article_id", how="inner")
    )


def actor_articles(articles: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (entity_id, article_id): article columns, mentions, first mention's span."""
    # the first mention in text order: paragraph, then offset
    first = (pl.col("para_no").cast(pl.Int64) * (1 << 32) + pl.col("start")).arg_min()
    return (
        _linked(articles, mentions)
        .group_by("entity_id", "article_id")
        .agg(
            *[pl.col(c).first() for c in ARTICLE],
            mentions=pl.len().cast(pl.UInt32),
            **{c: pl.col(c).get(first) for c in SPAN},
        )
        .sort("entity_id", "published", "article_id", nulls_last=True)
    )


def actor_forms(
    articles: pl.LazyFrame, mentions: pl.LazyFrame, per_article: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Per (story_id, outlet, source, language, entity_id, text): mentions, and articles whose
    first mention of the entity has this form. `per_article`: actor_articles when at hand."""
    keys = ["story_id", "outlet", "source", "language", "entity_id", "text"]
    if per_article is None:
        per_article = actor_articles(articles, mentions)
    said = (
        _linked(articles, mentions)
        .with_columns(outlet=outlet_label())
        .group_by(keys)
        .agg(mentions=pl.len().cast(pl.UInt32))
    )
    firsts = (
        per_article.with_columns(outlet=outlet_label())
        .group_by(keys)
        .agg(articles=pl.len().cast(pl.UInt32))
    )
    return (
        said.join(firsts, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("articles").fill_null(0))
        .sort("story_id", "entity_id", "outlet", "text", nulls_last=True)
    )


def calendar_dates(articles: pl.LazyFrame, dates: pl.LazyFrame) -> pl.LazyFrame:
    """Mentioned dates of a day or a month (months on their first day) as `day`, with their
    article's story, outlet, language and publication day; year-less values left out."""
    return (
        dates.filter(pl.col("value").is_not_null() & pl.col("granularity").is_in(["day", "month"]))
        .with_columns(
            day=pl.when(pl.col("granularity") == "month")
            .then(pl.concat_str(pl.col("value"), pl.lit("-01")))
            .otherwise(pl.col("value"))
            .str.to_date(strict=False)
        )
        .filter(pl.col("day").is_not_null())
        .join(articles.select("article_id", *ARTICLE), on="article_id", how="inner")
        .select("day", "granularity", "article_id", "text", *ARTICLE)
        .sort("day", "article_id", nulls_last=True)
    )


def define(
    name: str, articles: pl.LazyFrame, mentions: pl.LazyFrame, dates: pl.LazyFrame
) -> pl.LazyFrame:
    """The view table `name` computed from the tables (what a reader gets when none is stored)."""
    if name == ACTOR_ARTICLES:
        return actor_articles(articles, mentions)
    if name == ACTOR_FORMS:
        return actor_forms(articles, mentions)
    if name == DATES:
        return calendar_dates(articles, dates)
    raise ValueError(f"no view table {name!r}")


def build(
    articles: pl.LazyFrame, mentions: pl.LazyFrame, dates: pl.LazyFrame
) -> dict[str, pl.DataFrame]:
    """Every view table, collected (the per-article one is computed once)."""
    per_article = actor_articles(articles, mentions).collect()
    forms = actor_forms(articles, mentions, per_article.lazy()).collect()
    return {
        ACTOR_ARTICLES: per_article,
        ACTOR_FORMS: forms,
        DATES: calendar_dates(articles, dates).collect(),
    }
