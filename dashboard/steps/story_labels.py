"""Story tables and readable labels: stable story ids, main actors and the period they cover."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from typing import Literal

import polars as pl
from babel.dates import get_month_names

from dashboard.schema import conform
from dashboard.steps import news_prior
from dashboard.steps.story_merge import usable_published

LABEL_ACTORS = 3
PERIOD_TAILS = 10
"""An undated story's period leaves out, at either end, the months mentioned that together hold
at most 1 / PERIOD_TAILS of its dated mentions."""


def story_id_for(article_ids: list[str] | tuple[str, ...] | set[str]) -> str:
    """Stable id of a story: a hash of its earliest (smallest) article id."""
    return "s-" + hashlib.sha1(min(article_ids).encode("utf-8")).hexdigest()[:12]


def story_tables(
    articles: pl.DataFrame,
    membership: dict[str, list[str]],
    mentions: pl.DataFrame | None,
    dates: pl.DataFrame | None,
    entities: pl.DataFrame | None,
    old_labels: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles with story_id set and the stories table (sorted by size) for a membership map."""
    article_story = pl.DataFrame(
        [(a, s) for s, members in membership.items() for a in members],
        schema={"article_id": pl.String, "story_id": pl.String},
        orient="row",
    )
    articles = articles.drop("story_id", strict=False).join(
        article_story, on="article_id", how="left"
    )
    labels = old_labels or {}
    if mentions is not None:
        labels = {**labels, **label_stories(articles, mentions, dates, entities)}
    stories = pl.DataFrame(
        {
            "story_id": list(membership),
            "label": [labels.get(s, "") for s in membership],
            "article_ids": [sorted(m) for m in membership.values()],
        },
        schema={"story_id": pl.String, "label": pl.String, "article_ids": pl.List(pl.String)},
    ).sort(pl.col("article_ids").list.len(), "story_id", descending=[True, False])
    return articles, conform(stories, "stories")


def label_stories(
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
) -> dict[str, str]:
    """story_id -> readable label: the main actors and the period ("Maduro, Putin · Nov–Dec 2025")."""
    story_of = articles.select("article_id", "story_id").filter(pl.col("story_id").is_not_null())
    names = _entity_names(mentions, entities)
    actors = {s: [names.get(e, e) for e in es] for s, es in _top_actors(mentions, story_of)}
    periods = _periods(articles, dates)
    out = {}
    for story_id in story_of["story_id"].unique().to_list():
        parts = [
            ", ".join(dict.fromkeys(actors.get(story_id, []))) or "Untitled",
            periods.get(story_id, ""),
        ]
        out[story_id] = " · ".join(p for p in parts if p)
    return out


def _top_actors(mentions: pl.DataFrame, story_of: pl.DataFrame) -> list[tuple[str, list[str]]]:
    """(story_id, entity ids): what the story is about first: most articles, weighed by how
    specific the actor is in news in general (a celebrity counts half to fully, by its news-wide
    discount), then persons, then most mentions, then by id."""
    # categorical (integer) keys keep grouping millions of mentions cheap; art: an article's first row
    keyed = story_of.with_row_index("art").select(
        "article_id",
        pl.col("art").first().over("article_id"),
        story=pl.col("story_id").cast(pl.Categorical),
    )
    ranked = (
        mentions.lazy()
        .filter(pl.col("entity_id").is_not_null())
        .select(
            "article_id",
            entity=pl.col("entity_id").cast(pl.Categorical),
            person=pl.col("type") == "PER",
        )
        .join(keyed.lazy(), on="article_id")
        .group_by("story", "entity")
        .agg(n_articles=pl.col("art").n_unique(), n=pl.len(), person=pl.col("person").any())
        .select(
            "n_articles",
            "n",
            "person",
            story_id=pl.col("story").cast(pl.String),
            entity_id=pl.col("entity").cast(pl.String),
        )
        .join(news_prior.shares(mentions["entity_id"]).lazy(), on="entity_id", how="left")
        .with_columns(
            about=pl.col("n_articles") * (0.5 + 0.5 * news_prior.discount_of(pl.col("prior")))
        )
        .sort(["about", "person", "n", "entity_id"], descending=[True, True, True, False])
        .group_by("story_id", maintain_order=True)
        .agg(pl.col("entity_id").head(LABEL_ACTORS))
    )
    return list(ranked.collect().iter_rows())


def _entity_names(mentions: pl.DataFrame, entities: pl.DataFrame | None) -> dict[str, str]:
    """entity_id -> display name: the entities label, else its most frequent Latin-script form."""
    if entities is not None and entities.height:
        return dict(entities.select("entity_id", "label").drop_nulls().iter_rows())
    forms = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .group_by("entity_id", "text")
        .agg(n=pl.len())
        .with_columns(latin=pl.col("text").str.contains(r"^[\p{Latin}\s'’.-]+$"))
        .sort(
            ["latin", "n", pl.col("text").str.len_chars(), "text"],
            descending=[True, True, False, False],
        )
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("text").first())
    )
    return dict(forms.iter_rows())


def _periods(articles: pl.DataFrame, dates: pl.DataFrame | None) -> dict[str, str]:
    """story_id -> month range of its publication dates; a story with none is dated by the
    dates it mentions (with a year, else its most frequent month, "year unknown")."""
    day = usable_published(pl.col("published"))
    # a zoned time counts in its own zone (as Python's dates did); an all-null column has no type
    day = day.dt.date() if articles.schema["published"].is_temporal() else day.cast(pl.Date)
    pubs = (
        articles.select("story_id", day=day)
        .drop_nulls()
        .group_by("story_id")
        .agg(
            first=pl.col("day").min(),
            last=pl.col("day").max(),
        )
    )
    spans = [
        pubs.select(
            "story_id", lo=pl.col("first").dt.month_start(), hi=pl.col("last").dt.month_start()
        )
    ]
    if dates is not None and dates.height:
        # one row per story and date value: each value is parsed once, "row" is where it first shows
        mentioned = (
            dates.select("article_id", "value")
            .join(articles.select("article_id", "story_id"), on="article_id")
            .with_row_index("row")
            .filter(pl.col("story_id").is_not_null())
            .group_by("story_id", "value")
            .agg(n=pl.len(), row=pl.col("row").min())
            .with_columns(
                year=pl.col("value").str.extract(r"^(\d{4})").cast(pl.Int32),
                month=pl.col("value").str.extract(r"^(?:\d{4}|-)-(\d{2})(?:-|$)").cast(pl.Int32),
            )
            .filter(pl.col("month").is_not_null())
        )
        # a story is dated by its publication: the dates it mentions label only undated ones,
        # without the earliest and the latest months that hold at most a tenth of its dated
        # mentions at either end (the history it recalls, the plans it reports: 1994 and 2023
        # in reports on a pipeline of 2017-2019)
        day = pl.date("year", "month", 1)
        before = (pl.col("n").cum_sum() - pl.col("n")).over("story_id")
        total = pl.col("n").sum().over("story_id")
        placed = (
            mentioned.join(pubs, on="story_id", how="anti")
            .filter(day.is_not_null())
            .select("story_id", "n", day=day)
            .sort("story_id", "day")
            .filter(
                (PERIOD_TAILS * (before + pl.col("n")) > total)
                & (PERIOD_TAILS * before < (PERIOD_TAILS - 1) * total)
            )
            .select("story_id", lo="day", hi="day")
        )
        spans.append(placed)
        # only yearless months: name the most frequent one, the first seen among equals
        spans.append(
            mentioned.join(pl.concat(spans).select("story_id"), on="story_id", how="anti")
            .group_by("story_id", "month")
            .agg(pl.col("n").sum(), pl.col("row").min())
            .sort(["n", "row"], descending=[True, False])
            .group_by("story_id", maintain_order=True)
            .agg(lo=pl.date(1, pl.col("month").first(), 1))
            .with_columns(hi="lo")
        )
    ranges = pl.concat(spans).group_by("story_id").agg(pl.col("lo").min(), pl.col("hi").max())
    return {s: _month_range(lo, hi) for s, lo, hi in ranges.iter_rows()}


def _month_range(first: date, last: date) -> str:
    names = _month_names("abbreviated")
    if first.year == 1:
        # only day-months without a year were mentioned: say so, "Jan" alone reads like a name
        return f"{_month_names('wide')[first.month]}, year unknown"
    if first == last:
        return f"{names[first.month]} {first.year}"
    if first.year == last.year:
        return f"{names[first.month]}–{names[last.month]} {last.year}"
    return f"{names[first.month]} {first.year}–{names[last.month]} {last.year}"


@cache
def _month_names(width: Literal["abbreviated", "wide"]) -> dict[int, str]:
    return dict(get_month_names(width, locale="en"))
