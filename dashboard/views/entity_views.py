"""Frames for the entity pages: the searchable table, one actor's mentions, co-mentioned actors."""

from __future__ import annotations

import polars as pl

from dashboard.store.store import Analysis
from dashboard.views.filters import Filters
from dashboard.views.sentences import with_sentences


def table(an: Analysis, f: Filters, search: str = "", show_hidden: bool = False) -> pl.DataFrame:
    """Entities mentioned in the filtered articles, with their mentions, articles and the
    first and last publication day they are seen on; search matches label and aliases."""
    arts = an.scan("articles").filter(f.articles_expr()).select("article_id", "published")
    counts = (
        an.scan("mentions")
        .select("entity_id", "article_id")
        .join(arts, on="article_id", how="inner")
        .group_by("entity_id")
        .agg(
            articles=pl.col("article_id").n_unique(),
            mentions=pl.len(),
            first_seen=pl.col("published").min(),
            last_seen=pl.col("published").max(),
        )
    )
    ents = an.scan("entities")
    if not show_hidden:
        ents = ents.filter(~pl.col("hidden").fill_null(False))
    out = ents.join(counts, on="entity_id", how="inner")
    if search.strip():
        needle = search.strip().lower()
        out = out.filter(
            pl.col("label").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("aliases")
            .list.eval(pl.element().str.to_lowercase().str.contains(needle, literal=True))
            .list.any()
        )
    return (
        out.select(
            "entity_id",
            "label",
            "type",
            "languages",
            "aliases",
            "articles",
            "mentions",
            "first_seen",
            "last_seen",
            "hidden",
        )
        .sort("mentions", "label", descending=[True, False])
        .collect()
    )


def mentions_of(an: Analysis, f: Filters, entity_id: str) -> pl.DataFrame:
    """Every mention of one actor in the filtered articles, with the sentence around it."""
    passing = an.scan("articles").filter(f.articles_expr()).select("article_id")
    spans = (
        an.scan("mentions")
        .filter(pl.col("entity_id") == entity_id)
        .join(passing, on="article_id", how="semi")
        .select("article_id", "para_no", "start", "end", "text")
        .collect()
    )
    # a filter, not a join: only the texts of the articles that mention the actor are read
    arts = (
        an.scan("articles")
        .filter(pl.col("article_id").is_in(spans["article_id"].unique().implode()))
        .collect()
    )
    return with_sentences(spans, arts, an, f).sort("language", "article_id", "start")


def most_mentioned(an: Analysis, f: Filters) -> str | None:
    """The actor with most mentions in the filtered articles (a per-actor view's default)."""
    top = table(an, f)
    return str(top["entity_id"][0]) if top.height else None


def co_mentioned(an: Analysis, f: Filters, entity_id: str, n: int = 15) -> pl.DataFrame:
    """Actors mentioned in the same articles, by the number of articles they share."""
    arts = an.scan("articles").filter(f.articles_expr()).select("article_id")
    with_it = (
        an.scan("mentions").filter(pl.col("entity_id") == entity_id).select("article_id").unique()
    )
    return (
        an.scan("mentions")
        .join(arts, on="article_id", how="semi")
        .join(with_it, on="article_id", how="semi")
        .filter(pl.col("entity_id") != entity_id)
        .group_by("entity_id")
        .agg(shared_articles=pl.col("article_id").n_unique(), mentions=pl.len())
        .join(
            an.scan("entities")
            .filter(~pl.col("hidden").fill_null(False))
            .select("entity_id", "label", "type"),
            on="entity_id",
        )
        .sort("shared_articles", "mentions", descending=True)
        .head(n)
        .collect()
    )
