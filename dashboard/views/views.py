"""What each view shows, as pure functions of an analysis and the filters.

The pages, the export buttons, the URL and `newsprism export --chart NAME` all read this one
registry (VIEWS), so a chart on screen and its exported file are the same numbers: each view
declares its options (dashboard/views/view_options.py), its table, its chart and its evidence rule
(dashboard/views/evidence.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.errors import NewsprismError
from dashboard.lang import boilerplate
from dashboard.store.store import Analysis
from dashboard.views import (
    charts,
    compare,
    entity_views,
    evidence,
    timeline,
    timeline_chart,
    view_options,
)
from dashboard.views.filters import Filters
from dashboard.views.view_options import Option, Opts


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
        .filter(boilerplate.is_body() & pl.col("translation").is_not_null())
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


def by_date(an: Analysis, f: Filters, every: str | None = "auto") -> pl.DataFrame:
    """Article counts per publication period and language (undated articles left out): by day,
    week or month, `auto` choosing from the span as the timeline does (a year of days is a
    thicket); `period` says which."""
    period = timeline.resolve_every(an, f, every)
    return (
        filtered(an, f)
        .filter(pl.col("published").is_not_null())
        .with_columns(pl.col("published").dt.truncate(timeline.EVERY[period]))
        .group_by("published", "language")
        .agg(articles=pl.len(), inferred=pl.col("published_inferred").sum())
        .collect()
        .sort("published", "language")
        .with_columns(period=pl.lit(period))
    )


@dataclass(frozen=True)
class View:
    """A registered view: its title, its options (beside the shared filters), its table
    function, its chart function (None for a table) and its evidence rule (None when its
    points cannot be traced to rows). The table function takes the analysis, the filters and
    the options marked `frame` as keywords; the chart function the analysis, the filters, the
    table, the caption and the options marked `chart`."""

    title: str
    frame: Callable[..., pl.DataFrame]
    chart: Callable[..., go.Figure] | None = None
    evidence: evidence.Rule | None = None
    options: tuple[Option, ...] = ()
    page: str = ""  # the page showing it (its url path), for `newsprism export --list`

    def opts(self, given: Opts | None = None, an: Analysis | None = None) -> dict:
        """Every option with its value (given ones checked; NewsprismError on a bad one)."""
        return view_options.resolve(self.options, given or {}, an, self.title)

    def table(self, an: Analysis, f: Filters, opts: Opts | None = None) -> pl.DataFrame:
        """The view's table for these filters and options."""
        values = self.opts(opts)
        return self.frame(an, f, **{o.name: values[o.name] for o in self.options if o.frame})

    def figure(
        self, an: Analysis, f: Filters, frame: pl.DataFrame, caption: str, opts: Opts | None = None
    ) -> go.Figure | None:
        """The view's chart of its table, or None for a table view."""
        if self.chart is None:
            return None
        values = self.opts(opts)
        chosen = {o.name: values[o.name] for o in self.options if o.chart}
        return self.chart(an, f, frame, caption, **chosen)


def _simple(draw: Callable[[pl.DataFrame, str], go.Figure]) -> Callable[..., go.Figure]:
    """A chart drawn from its frame alone."""
    return lambda an, f, frame, caption: draw(frame, caption)


def _timeline_chart(an: Analysis, f: Filters, frame: pl.DataFrame, caption: str) -> go.Figure:
    return timeline_chart.timeline(frame, timeline.mentioned_dates(an, f), caption)


def _published_evidence(
    an: Analysis, f: Filters, point: evidence.Point, frame: pl.DataFrame
) -> evidence.Selector:
    # the articles of the bar's language published in the bar's period
    every = timeline.resolve_every(an, f, point.get("every"))
    return RULES["published"](an, f, {**point, "every": every}, frame)


def _timeline_evidence(
    an: Analysis, f: Filters, point: evidence.Point, frame: pl.DataFrame
) -> evidence.Selector:
    # `auto` becomes the grouping the chart was drawn with before the rule truncates to it
    every = timeline.resolve_every(an, f, point.get("every"))
    return RULES["timeline"](an, f, {**point, "every": every}, frame)


def _coverage_chart(
    an: Analysis,
    f: Filters,
    frame: pl.DataFrame,
    caption: str,
    by: str = "source",
    value: str = "n_mentions",
) -> go.Figure:
    return charts.coverage(frame, caption, by=by, value=value)


def _entities(an: Analysis, f: Filters, search: str | None = "") -> pl.DataFrame:
    return entity_views.table(an, f, search or "")


def _co_mentioned(an: Analysis, f: Filters, actor: str | None = None) -> pl.DataFrame:
    # no actor in the filtered articles: an id no actor has gives the empty table
    return entity_views.co_mentioned(an, f, actor or entity_views.most_mentioned(an, f) or "")


def inferred(an: Analysis, f: Filters) -> pl.DataFrame:
    """What the files did not say (title from the first line, an inferred or unknown date) and
    how sure the language is, per article: the overview's table."""
    return article_table(an, f).select(
        "article_id",
        "title",
        title_from=pl.when(pl.col("title_inferred")).then(pl.lit("first line")),
        date=pl.when(pl.col("published").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("published_inferred"))
        .then(pl.lit("inferred")),
        language=pl.concat_str(
            pl.col("language"),
            pl.lit(" ("),
            pl.col("language_score").round(2).cast(pl.String),
            pl.lit(")"),
        ),
    )


RULES = evidence.RULES  # where the rules are written; each view below takes its own
STORY_OPTS = (view_options.STORY,)
VIEWS: dict[str, View] = {
    "languages": View(
        "Articles by language",
        by_language,
        _simple(charts.by_language),
        RULES["languages"],
        page="overview",
    ),
    "outlets": View(
        "Articles by outlet",
        by_outlet,
        _simple(charts.by_outlet),
        RULES["outlets"],
        page="overview",
    ),
    "published": View(
        "Articles by publication date",
        by_date,
        _simple(charts.by_date),
        _published_evidence,
        (view_options.EVERY,),
        page="overview",
    ),
    "inferred": View("What was inferred", inferred, page="overview"),
    "articles": View("Articles", article_table, page="articles"),
    "timeline": View(
        "Actors over time",
        timeline.timeline,
        _timeline_chart,
        _timeline_evidence,
        (view_options.EVERY,),
        page="timeline",
    ),
    "mentioned-dates": View(
        "Dates the articles mention", timeline.mentioned_dates, page="timeline"
    ),
    "entities": View(
        "Actors, places and organisations",
        _entities,
        options=(view_options.SEARCH,),
        page="entities",
    ),
    "co-mentioned": View(
        "Actors mentioned with an actor",
        _co_mentioned,
        options=(view_options.ACTOR,),
        page="entities",
    ),
    "coverage": View(
        "Who mentions whom",
        compare.coverage,
        _coverage_chart,
        RULES["coverage"],
        (view_options.STORY, view_options.BY, view_options.VALUE),
        page="compare",
    ),
    "story-publication": View(
        "Who published when",
        compare.publication,
        _simple(charts.publication),
        RULES["story-publication"],
        STORY_OPTS,
        page="compare",
    ),
    "story-firsts": View(
        "Who came first, and who copies whom",
        compare.firsts,
        options=STORY_OPTS,
        page="compare",
    ),
    "story-uniques": View(
        "What only one article has, and what it leaves out",
        compare.unique_content,
        options=STORY_OPTS,
        page="compare",
    ),
    "quotes": View(
        "Quotes and their speakers", compare.story_quotes, options=STORY_OPTS, page="compare"
    ),
}


def register(name: str, view: View) -> None:
    """Add a view to the registry (each feature module registers its own)."""
    VIEWS[name] = view


def view(name: str) -> View:
    """A registered view, or the analyst's error naming the ones there are."""
    if name not in VIEWS:
        raise NewsprismError(
            name,
            f"no such chart or table; choose one of {', '.join(VIEWS)} (newsprism export --list)",
        )
    return VIEWS[name]


def has_evidence(name: str) -> bool:
    """True when points of the view's chart can be traced to rows (the page shows a hint)."""
    return name in VIEWS and VIEWS[name].evidence is not None


def evidence_rows(
    an: Analysis,
    name: str,
    point: evidence.Point,
    f: Filters,
    opts: Opts | None = None,
    *,
    limit: int | None = None,
) -> pl.DataFrame:
    """The rows behind one point of a registered chart, with the sentence around each span.
    The view's options travel with the point (the timeline's `every` sets its periods)."""
    v = view(name)
    if v.evidence is None:
        raise ValueError(f"view {name!r} does not map its points to evidence")
    values = v.opts(opts)
    frame = v.table(an, f, values)
    table, expr = v.evidence(an, f, {**values, **point}, frame)
    return evidence.rows(an, table, expr, articles(an, f), f, limit=limit)
