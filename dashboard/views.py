"""What each view shows, as pure functions of an analysis and the filters.

The pages, the export buttons and `newsprism export --chart NAME` all read this one registry,
so a chart on screen and its exported file are the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, compare, timeline
from dashboard.filters import Filters
from dashboard.store import Analysis


def filtered(an: Analysis, f: Filters) -> pl.LazyFrame:
    """Articles passing the filters, lazily (actors: articles that mention any chosen actor);
    callers select only the columns they need, so full texts are read only when used."""
    lf = an.scan("articles").filter(f.articles_expr())
    if f.actors:
        ids = (
            an.scan("mentions")
            .filter(pl.col("entity_id").is_in(list(f.actors)))
            .select("article_id")
            .unique()
        )
        lf = lf.join(ids, on="article_id", how="semi")
    return lf


def articles(an: Analysis, f: Filters) -> pl.DataFrame:
    """Articles passing the filters, every column."""
    return filtered(an, f).collect()


def language_names(codes: pl.Expr) -> pl.Expr:
    """English language names for ISO codes, without a Python call per row."""
    from babel import Locale

    names = {str(k): str(v) for k, v in Locale("en").languages.items() if len(str(k)) <= 3}
    return codes.replace_strict(names, default=codes, return_dtype=pl.String)


def translated_titles(an: Analysis, ids: pl.DataFrame) -> pl.DataFrame:
    """article_id -> title_translation: the first sentence of the first translated paragraph."""
    first = (
        an.scan("paragraphs")
        .join(ids.lazy(), on="article_id", how="semi")
        .filter(~pl.col("boilerplate") & pl.col("translation").is_not_null())
        .sort("article_id", "para_no")
        .group_by("article_id", maintain_order=True)
        .agg(pl.col("translation").first())
        .collect()
    )
    return first.select(
        "article_id",
        title_translation=pl.col("translation")
        .str.extract(r"^(.{1,120}?[.!?])(\s|$)", 1)
        .fill_null(pl.col("translation").str.slice(0, 120)),
    )


def article_table(an: Analysis, f: Filters) -> pl.DataFrame:
    """The articles table as shown and exported (no full text)."""
    arts = (
        filtered(an, f)
        .select(
            "article_id",
            "title",
            "source",
            "published",
            "published_inferred",
            "language",
            "language_score",
            "words",
            "story_id",
            "origin",
            title_inferred=pl.col("provenance").struct.field("title").is_in(["first-line"]),
        )
        .collect()
    )
    return (
        arts.with_columns(language_name=language_names(pl.col("language")))
        .join(translated_titles(an, arts.select("article_id")), on="article_id", how="left")
        .select(
            "article_id",
            "title",
            "title_translation",
            "source",
            "published",
            "published_inferred",
            "language",
            "language_name",
            "language_score",
            "words",
            "story_id",
            "title_inferred",
            "origin",
        )
        .sort("published", "article_id", nulls_last=True)
    )


def by_language(an: Analysis, f: Filters) -> pl.DataFrame:
    """Article counts per language."""
    return (
        filtered(an, f)
        .group_by("language")
        .agg(articles=pl.len())
        .collect()
        .with_columns(language_name=language_names(pl.col("language")))
        .sort("articles", "language", descending=[True, False])
    )


def by_outlet(an: Analysis, f: Filters) -> pl.DataFrame:
    """Article counts per outlet (unknown outlets grouped as such)."""
    return (
        filtered(an, f)
        .with_columns(source=pl.col("source").fill_null("(unknown outlet)"))
        .group_by("source")
        .agg(articles=pl.len(), languages=pl.col("language").unique().sort().str.join(", "))
        .collect()
        .sort("articles", "source", descending=[True, False])
    )


def by_date(an: Analysis, f: Filters) -> pl.DataFrame:
    """Article counts per publication day and language (undated articles left out)."""
    return (
        filtered(an, f)
        .filter(pl.col("published").is_not_null())
        .group_by("published", "language")
        .agg(articles=pl.len(), inferred=pl.col("published_inferred").sum())
        .collect()
        .sort("published", "language")
    )


@dataclass(frozen=True)
class View:
    """A registered view: its title, its frame and its chart."""

    title: str
    frame: Callable[[Analysis, Filters], pl.DataFrame]
    chart: Callable[[Analysis, Filters, pl.DataFrame, str], go.Figure] | None


def _simple(draw: Callable[[pl.DataFrame, str], go.Figure]) -> Callable[..., go.Figure]:
    """A chart drawn from its frame alone."""
    return lambda an, f, frame, caption: draw(frame, caption)


def _timeline_chart(an: Analysis, f: Filters, frame: pl.DataFrame, caption: str) -> go.Figure:
    return charts.timeline(frame, timeline.mentioned_dates(an, f), caption)


def _coverage_chart(an: Analysis, f: Filters, frame: pl.DataFrame, caption: str) -> go.Figure:
    return charts.coverage(frame, caption)


VIEWS: dict[str, View] = {
    "languages": View("Articles by language", by_language, _simple(charts.by_language)),
    "outlets": View("Articles by outlet", by_outlet, _simple(charts.by_outlet)),
    "published": View("Articles by publication date", by_date, _simple(charts.by_date)),
    "timeline": View("Actors over time", timeline.timeline, _timeline_chart),
    "coverage": View("Who mentions whom", compare.coverage, _coverage_chart),
    "story-publication": View(
        "Who published when", compare.publication, _simple(charts.publication)
    ),
    "articles": View("Articles", article_table, None),
}


def register(name: str, view: View) -> None:
    """Add a view to the registry (each feature module registers its own)."""
    VIEWS[name] = view
