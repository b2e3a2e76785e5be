"""Paragraph features shared by story clustering, paragraph alignment and source comparison.

Features are what survives translation: linked actors (`e:`), mentioned dates at every
granularity (`d:` day, `md:` day-month, `m:` year-month, `mo:` month, `y:` year), numbers (`n:`),
quote speakers (`q:`) and words of the translation (`t:`), weighted by rarity (`weighted`).
"""

from __future__ import annotations

import polars as pl

from dashboard.lang import boilerplate
from dashboard.spans import span_texts
from dashboard.steps import news_prior

# Relative weight of each kind of feature: actors and exact dates say most across languages.
KIND_WEIGHT = {
    "e": 1.0,
    "d": 1.0,
    "md": 0.6,
    "m": 0.5,
    "mo": 0.2,
    "y": 0.2,
    "n": 0.6,
    "q": 0.6,
    "t": 0.3,
}
BATCH = 10_000  # articles whose paragraph features are made together


def _texts(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Non-boilerplate paragraphs with their text sliced out of the article."""
    paras = boilerplate.body(paragraphs)
    cols = ["article_id", "para_no", "start", "end"]
    cols += ["translation"] if "translation" in paras.columns else []
    joined = paras.select(cols).join(articles.select("article_id"), on="article_id", how="inner")
    return joined.with_columns(para_text=span_texts(joined, articles, "start", "end"))


def date_features(values: pl.Expr) -> pl.Expr:
    """Features of an ISO date value at the granularity it gives (2025, 2025-11, 2025-11-21, --11-21).

    A day also gives its day-month (so a date without a year can still match); coarser keys are
    only made for coarser values, so one precise date does not count several times.
    """
    year = values.str.extract(r"^(\d{4})")
    month = values.str.extract(r"^(?:\d{4}|-)-(\d{2})(?:-|$)")
    day = values.str.extract(r"^(?:\d{4}|-)-\d{2}-(\d{2})")
    return pl.concat_list(
        pl.when(day.is_not_null() & year.is_not_null()).then(
            pl.format("d:{}-{}-{}", year, month, day)
        ),
        pl.when(day.is_not_null()).then(pl.format("md:{}-{}", month, day)),
        pl.when(day.is_null() & month.is_not_null() & year.is_not_null()).then(
            pl.format("m:{}-{}", year, month)
        ),
        pl.when(day.is_null() & month.is_not_null()).then(pl.format("mo:{}", month)),
        pl.when(month.is_null() & year.is_not_null()).then(pl.format("y:{}", year)),
    ).list.drop_nulls()


def paragraph_features(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    quote_table: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """(article_id, para_no, feature) for every non-boilerplate paragraph, features prefixed by kind.

    Runs BATCH articles at a time: a paragraph's features are its own, and the paragraph texts
    and numbers of a whole corpus at once are what peaks memory.
    """
    if articles.height <= BATCH:
        return _paragraph_features(articles, paragraphs, mentions, dates, quote_table)
    parts = []
    for start in range(0, articles.height, BATCH):
        ids = articles.slice(start, BATCH).select("article_id")
        parts.append(
            _paragraph_features(
                articles.join(ids, on="article_id", how="semi"),
                paragraphs.join(ids, on="article_id", how="semi"),
                mentions.join(ids, on="article_id", how="semi"),
                dates.join(ids, on="article_id", how="semi"),
                None if quote_table is None else quote_table.join(ids, on="article_id", how="semi"),
            )
        )
    return pl.concat(parts)


def _paragraph_features(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    quote_table: pl.DataFrame | None,
) -> pl.DataFrame:
    texts = _texts(articles, paragraphs)
    keys = texts.select("article_id", "para_no")
    frames = [
        mentions.filter(pl.col("entity_id").is_not_null()).select(
            "article_id", "para_no", feature=pl.lit("e:") + pl.col("entity_id")
        ),
        dates.filter(pl.col("value").is_not_null())
        .select("article_id", "para_no", feature=date_features(pl.col("value")))
        .explode("feature"),
        texts.select("article_id", "para_no", feature=pl.col("para_text").str.extract_all(r"\d+"))
        .explode("feature")
        .with_columns(feature=pl.lit("n:") + pl.col("feature").str.strip_chars_start("0")),
    ]
    if quote_table is not None:
        frames.append(
            quote_table.filter(pl.col("speaker_entity_id").is_not_null()).select(
                "article_id", "para_no", feature=pl.lit("q:") + pl.col("speaker_entity_id")
            )
        )
    if "translation" in texts.columns:
        frames.append(
            texts.filter(pl.col("translation").is_not_null())
            .select(
                "article_id",
                "para_no",
                feature=pl.col("translation").str.to_lowercase().str.extract_all(r"[^\W\d_]{4,}"),
            )
            .explode("feature")
            .with_columns(feature=pl.lit("t:") + pl.col("feature"))
        )
    stacked = pl.concat(
        [
            f.with_columns(pl.col("para_no").cast(pl.Int32), pl.col("feature").cast(pl.String))
            for f in frames
        ]
    )
    # mentions, dates and quotes in boilerplate (photo credits, tags) do not count
    return (
        stacked.join(
            keys.with_columns(pl.col("para_no").cast(pl.Int32)),
            on=["article_id", "para_no"],
            how="semi",
        )
        .filter(pl.col("feature").is_not_null() & (pl.col("feature") != "n:"))
        .unique()
    )


def _news_discount(features: pl.DataFrame) -> pl.Expr:
    """news_prior.discount_of each actor feature (e:, q:) by its share in this corpus (`df` of
    `n` units); 1.0 for every other feature."""
    actors = features.filter(pl.col("feature").str.contains(r"^[eq]:"))["feature"].unique()
    shares = {f: news_prior.share(f[2:]) for f in actors.to_list()}
    prior = pl.col("feature").replace_strict(shares, default=0.0, return_dtype=pl.Float64)
    return news_prior.discount_of(news_prior.in_corpus(prior, pl.col("df"), pl.col("n")))


def weighted(
    features: pl.DataFrame,
    unit: list[str],
    scope: list[str] | None = None,
    *,
    kinds: dict[str, float] = KIND_WEIGHT,
    power: float = 1.0,
    within: pl.DataFrame | None = None,
    rarity: tuple[pl.DataFrame, int] | None = None,
    news_wide: bool = False,
) -> pl.DataFrame:
    """Add w = kind weight x idf^power (units per scope), L2-normalised per unit.

    `df` is the number of units in the scope that have the feature; features no other unit has
    stay in the norm (an article full of things nobody else reports is less alike). `within`:
    the larger frame the counts come from when `features` holds only some of its units (an
    increment weights its new paragraphs by the whole story). `rarity`: the counts already made,
    (feature, df) and the number of units (no scope; an increment keeps them between runs).
    `news_wide`: actors (`e:`, `q:`) also weigh by how rare they are in news in general
    (news_prior.discount), so celebrities count for less than what only this story names.
    """
    scope = scope or []
    counted = features if within is None else within
    n_col = (
        pl.struct(unit).n_unique().over(scope)
        if scope
        else pl.lit(rarity[1] if rarity is not None else counted.select(unit).n_unique())
    )
    kind_weight = pl.col("feature").str.extract(r"^([a-z]+):").replace_strict(kinds, default=0.0)
    if rarity is not None:
        counts = features.join(rarity[0], on="feature", how="left").with_columns(n=n_col)
    elif within is None:
        counts = features.with_columns(n=n_col, df=pl.len().over([*scope, "feature"]))
    else:
        df = within.group_by([*scope, "feature"]).agg(df=pl.len())
        if scope:
            n = within.group_by(scope).agg(n=pl.struct(unit).n_unique())
            counts = features.join(df, on=[*scope, "feature"], how="left").join(
                n, on=scope, how="left"
            )
        else:
            counts = features.join(df, on="feature", how="left").with_columns(n=n_col)
    if news_wide:
        kind_weight = kind_weight * _news_discount(features)
    return (
        counts.with_columns(w=kind_weight * (1.0 + pl.col("n") / pl.col("df")).log().pow(power))
        .with_columns(w=pl.col("w") / (pl.col("w") ** 2).sum().over(unit).sqrt())
        .drop("n")
    )
