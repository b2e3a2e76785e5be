"""Every number traced to its evidence: the rows behind a selected bar or point of a chart.

A point (as Streamlit's plotly selection event gives it: x, y, customdata, curve_number,
point_index..., with the view's options beside them) maps, per view, to a selector: the table whose rows the point counts
(articles, mentions or dates) and an expression picking them. The rows come back with the
sentence around each span and its offsets, and a link opening the article at that paragraph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from dashboard.lang import boilerplate
from dashboard.store.store import Analysis
from dashboard.views import compare
from dashboard.views.filters import Filters
from dashboard.views.sentences import with_sentences

Point = Mapping[str, Any]
Selector = tuple[str, pl.Expr]
"""(table, expression): "articles" rows a point counts, or "mentions"/"dates" rows. A span
table's expression may also use the article's source, language, published and story_id, and
(mentions) the entity's label."""
Rule = Callable[[Analysis, Filters, Point, pl.DataFrame], Selector]

SPAN_TABLES = ("mentions", "dates")
UNKNOWN_OUTLET = "(unknown outlet)"
ARTICLE_FIELDS = ("source", "language", "published", "story_id")


def value(point: Point, key: str) -> Any:
    """A point's field; the first item when plotly gives customdata as a list."""
    found = point.get(key)
    return found[0] if isinstance(found, list | tuple) and found else found


def day(point: Point, key: str = "x") -> date:
    """A point's date (plotly gives "2025-12-12" or "2025-12-12 00:00")."""
    return date.fromisoformat(str(point.get(key))[:10])


# half of each grouping's period: a timeline point is drawn beside the others of its period
# (scattermode "group"), up to half a period before or after the period's start
_HALF = {"day": timedelta(hours=12), "week": timedelta(days=3.5), "month": timedelta(days=15)}


def period_of(point: Point, every: str, key: str = "x") -> date:
    """The start of the period (day, week, month) a drawn point stands for: plotly gives the
    point's drawn x ("2025-12-11 23:59:59.9998" for a point of 12 December set beside
    another), so the x is moved to the nearest period start."""
    from dashboard.views.timeline import EVERY

    drawn = datetime.fromisoformat(str(point.get(key)).strip())
    moved = pl.Series([drawn + _HALF.get(every, _HALF["day"])]).dt.truncate(EVERY.get(every, "1d"))
    return moved.dt.date()[0]  # type: ignore[no-any-return]


def _language(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    code = value(point, "customdata")
    if code is None and frame.height:
        hit = frame.filter(pl.col("language_name") == point.get("y"))["language"]
        code = hit[0] if hit.len() else None
    return "articles", pl.col("language").eq_missing(code)


def _outlet(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    source = point.get("y")
    if source == UNKNOWN_OUTLET:
        return "articles", pl.col("source").is_null()
    return "articles", pl.col("source") == str(source)


def _published(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    # charts.by_date draws one trace per language, in the frame's order of appearance
    languages = frame["language"].unique(maintain_order=True).to_list()
    curve = int(point.get("curve_number") or 0)
    lang = languages[curve] if curve < len(languages) else None
    every = str(point.get("every") or "day")
    if every == "day":
        published = pl.col("published") == day(point)
    else:
        from dashboard.views.timeline import EVERY

        published = pl.col("published").dt.truncate(EVERY[every]) == day(point)
    return "articles", published & pl.col("language").eq_missing(lang)


def _timeline(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    from dashboard.views.timeline import EVERY

    entity = value(point, "customdata")
    every = str(point.get("every") or "day")
    if entity:
        period = pl.col("published").dt.truncate(EVERY[every])
        return "mentions", (pl.col("entity_id") == entity) & (period == period_of(point, every))
    # the lower row: dates the articles mention (months drawn on their first day)
    as_day = (
        pl.when(pl.col("granularity") == "month")
        .then(pl.concat_str(pl.col("value"), pl.lit("-01")))
        .otherwise(pl.col("value"))
    )
    return "dates", pl.col("granularity").is_in(["day", "month"]) & (
        as_day == period_of(point, "day").isoformat()
    )


def _coverage(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    # the view's rows are outlets or languages (its `by` option); its story option rides along
    by = str(point.get("by") or "source")
    row = compare.outlet_label() if by == "source" else pl.col("language").fill_null("unknown")
    ids = frame.filter(pl.col("label") == point.get("x"))["entity_id"].unique().to_list()
    return "mentions", (
        pl.col("entity_id").is_in(ids)
        & (row == point.get("y"))
        & (pl.col("story_id") == compare.story_for(an, f, point.get("story")))
    )


def _story_article(an: Analysis, f: Filters, point: Point, frame: pl.DataFrame) -> Selector:
    # charts.publication draws one point per outlet and day
    return "articles", (compare.outlet_label() == point.get("y")) & (
        pl.col("published") == day(point)
    )


RULES: dict[str, Rule] = {
    "languages": _language,
    "outlets": _outlet,
    "published": _published,
    "timeline": _timeline,
    "coverage": _coverage,
    "story-publication": _story_article,
}
"""The built-in rules by view name; the registry (views.VIEWS) gives each view its rule, and
evidence is only ever looked up there (views.evidence_rows)."""


def rows(
    an: Analysis,
    table: str,
    expr: pl.Expr,
    arts: pl.DataFrame,
    filters: Filters,
    *,
    limit: int | None = None,
) -> pl.DataFrame:
    """The rows a selector picks among the filtered articles `arts`, with the sentence around
    each span. Article counts give one row per article: the first mention of a chosen actor
    when actors are filtered, else the lead sentence. Mention or date counts: one row a span.
    """
    if table == "articles":
        arts = arts.filter(expr)
        spans = _article_spans(an, arts, filters)
    elif table in SPAN_TABLES:
        spans = _span_rows(an, table, arts, expr)
    else:
        raise ValueError(f"evidence table {table!r} is not one of articles, {SPAN_TABLES}")
    out = with_sentences(spans, arts, an, filters)
    return out.head(limit) if limit is not None else out


def _span_rows(an: Analysis, table: str, arts: pl.DataFrame, expr: pl.Expr) -> pl.DataFrame:
    # the article's columns win: a mention's own language is not the one its article is counted in
    rows = (
        an.scan(table)
        .drop(ARTICLE_FIELDS, strict=False)
        .join(arts.lazy().select("article_id", *ARTICLE_FIELDS), on="article_id", how="inner")
    )
    if table == "mentions":
        rows = rows.join(
            an.scan("entities").select("entity_id", "label"), on="entity_id", how="left"
        )
    return rows.filter(expr).select("article_id", "para_no", "start", "end", "text").collect()


def _article_spans(an: Analysis, arts: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """Per article: the first mention of a chosen actor, else an empty span opening the lead."""
    ids = arts.lazy().select("article_id")
    if f.actors:
        return (
            an.scan("mentions")
            .join(ids, on="article_id", how="semi")
            .filter(pl.col("entity_id").is_in(list(f.actors)))
            .sort("article_id", "start")
            .group_by("article_id", maintain_order=True)
            .first()
            .select("article_id", "para_no", "start", "end", "text")
            .collect()
        )
    return (
        an.scan("paragraphs")
        .join(ids, on="article_id", how="semi")
        # the lead: the first paragraph that is not a photo credit, tag or title line
        .sort("article_id", boilerplate.flagged(), "para_no")
        .group_by("article_id", maintain_order=True)
        .first()
        .select(
            "article_id",
            "para_no",
            "start",
            end=pl.col("start"),
            text=pl.lit(None, pl.String),
        )
        .collect()
    )
