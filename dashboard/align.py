"""Paragraph features shared with story clustering, paragraph alignment and source comparison.

Features are what survives translation: linked actors (`e:`), mentioned dates at every
granularity (`d:` day, `md:` day-month, `m:` year-month, `mo:` month, `y:` year), numbers (`n:`),
quote speakers (`q:`) and words of the translation (`t:`). Within a story, paragraphs of different
articles that share rare features (and, when translated, read alike) are aligned one to one.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz

from dashboard import quotes as quotes_mod
from dashboard.schema import conform, empty

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


def _texts(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Non-boilerplate paragraphs with their text sliced out of the article."""
    paras = paragraphs
    if "boilerplate" in paras.columns:
        paras = paras.filter(~pl.col("boilerplate").fill_null(False))
    cols = ["article_id", "para_no", "start", "end"]
    cols += ["translation"] if "translation" in paras.columns else []
    return (
        paras.select(cols)
        .join(articles.select("article_id", "text"), on="article_id", how="inner")
        .with_columns(
            para_text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
        )
        .drop("text")
    )


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
    """(article_id, para_no, feature) for every non-boilerplate paragraph, features prefixed by kind."""
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


def weighted(
    features: pl.DataFrame,
    unit: list[str],
    scope: list[str] | None = None,
    *,
    kinds: dict[str, float] = KIND_WEIGHT,
    power: float = 1.0,
) -> pl.DataFrame:
    """Add w = kind weight x idf^power (units per scope), L2-normalised per unit.

    `df` is the number of units in the scope that have the feature; features no other unit has
    stay in the norm (an article full of things nobody else reports is less alike).
    """
    scope = scope or []
    n = (
        pl.struct(unit).n_unique().over(scope)
        if scope
        else pl.lit(features.select(unit).n_unique())
    )
    kind_weight = pl.col("feature").str.extract(r"^([a-z]+):").replace_strict(kinds, default=0.0)
    return (
        features.with_columns(n=n, df=pl.len().over([*scope, "feature"]))
        .with_columns(w=kind_weight * (1.0 + pl.col("n") / pl.col("df")).log().pow(power))
        .with_columns(w=pl.col("w") / (pl.col("w") ** 2).sum().over(unit).sqrt())
        .drop("n")
    )


# Paragraphs: a number or a rare actor shared says more than many common ones, so idf is squared.
ALIGN_KINDS = {**KIND_WEIGHT, "n": 1.0}
ALIGN_IDF_POWER = 2.0
ALIGN_THRESHOLD = 0.3  # aligned paragraphs score at least this
POSITION_WEIGHT = 0.2  # share of the score that rewards similar relative position
TRANSLATION_WEIGHT = 0.35  # share of the score from translation similarity, when both have one
BLOCK_DF = 60  # within a story, features in more paragraphs than this do not propose pairs


def align(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    *,
    threshold: float = ALIGN_THRESHOLD,
) -> pl.DataFrame:
    """Paragraphs of different articles of one story that report the same thing (alignments table).

    Scores combine the cosine of idf-weighted shared features, similar relative position and
    (when both are translated) rapidfuzz similarity of the translations; each paragraph keeps at
    most one partner per other article, best scores first.
    """
    story = articles.filter(pl.col("story_id").is_not_null()).select("article_id", "story_id")
    multi = story.filter(pl.len().over("story_id") > 1)
    if multi.height == 0:
        return empty("alignments")
    arts = articles.join(multi, on="article_id", how="semi")
    paras = paragraphs.join(multi, on="article_id", how="semi")
    quote_table = quotes_mod.quotes(arts, paras, mentions)
    feats = paragraph_features(arts, paras, mentions, dates, quote_table).join(
        multi, on="article_id"
    )
    vectors = weighted(
        feats, ["article_id", "para_no"], ["story_id"], kinds=ALIGN_KINDS, power=ALIGN_IDF_POWER
    )
    units = (
        vectors.select("story_id", "article_id", "para_no").unique().sort("article_id", "para_no")
    )
    units = units.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    vectors = vectors.join(units, on=["story_id", "article_id", "para_no"])
    rare = vectors.filter(pl.col("df").is_between(2, BLOCK_DF)).select(
        "story_id", "feature", "i", "article_id", "w"
    )
    candidates = (
        rare.join(rare, on=["story_id", "feature"], suffix="_b")
        .filter(pl.col("article_id") < pl.col("article_id_b"))
        .select("i", "i_b")
        .unique()
    )
    cosine = (
        candidates.join(vectors.select("i", "feature", "w"), on="i")
        .join(vectors.select(i_b="i", feature="feature", w_b="w"), on=["i_b", "feature"])
        .group_by("i", "i_b")
        .agg(cos=(pl.col("w") * pl.col("w_b")).sum())
    )
    scored = _with_position_and_translation(cosine, units, paragraphs)
    return _one_to_one(scored.filter(pl.col("score") >= threshold))


def _with_position_and_translation(
    cosine: pl.DataFrame, units: pl.DataFrame, paragraphs: pl.DataFrame
) -> pl.DataFrame:
    """Score = cosine blended with relative-position similarity and translation similarity."""
    position = units.with_columns(
        rel=(pl.col("para_no").rank("dense").over("article_id") - 1)
        / (pl.col("para_no").n_unique().over("article_id") - 1).clip(lower_bound=1)
    ).join(
        paragraphs.select(
            "article_id",
            "para_no",
            pl.col("translation")
            if "translation" in paragraphs.columns
            else pl.lit(None, pl.String).alias("translation"),
        ),
        on=["article_id", "para_no"],
        how="left",
    )
    b = position.rename({c: f"{c}_b" for c in position.columns})
    pairs = cosine.join(position, on="i").join(b, on="i_b")
    fuzzy = [
        None if ta is None or tb is None else fuzz.token_set_ratio(ta, tb) / 100.0
        for ta, tb in pairs.select("translation", "translation_b").iter_rows()
    ]
    blended = (
        pl.when(pl.col("fuzzy").is_not_null())
        .then((1 - TRANSLATION_WEIGHT) * pl.col("cos") + TRANSLATION_WEIGHT * pl.col("fuzzy"))
        .otherwise(pl.col("cos"))
    )
    near = 1.0 - (pl.col("rel") - pl.col("rel_b")).abs()
    return pairs.with_columns(fuzzy=pl.Series(fuzzy, dtype=pl.Float64)).with_columns(
        score=blended * (1 - POSITION_WEIGHT + POSITION_WEIGHT * near)
    )


def _one_to_one(scored: pl.DataFrame) -> pl.DataFrame:
    """Greedy best-first matching: one partner per paragraph per other article."""
    used: set[tuple[str, int, str]] = set()
    rows = []
    ordered = scored.sort(
        ["score", "article_id", "para_no", "article_id_b", "para_no_b"],
        descending=[True, False, False, False, False],
    )
    for story_id, a, pa, b, pb, score in ordered.select(
        "story_id", "article_id", "para_no", "article_id_b", "para_no_b", "score"
    ).iter_rows():
        if (a, pa, b) in used or (b, pb, a) in used:
            continue
        used.update({(a, pa, b), (b, pb, a)})
        rows.append((story_id, a, pa, b, pb, round(score, 4)))
    frame = pl.DataFrame(
        rows,
        schema=["story_id", "article_a", "para_a", "article_b", "para_b", "score"],
        orient="row",
    )
    return conform(frame, "alignments").sort("story_id", "article_a", "para_a", "article_b")


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
    arts = _story_articles(articles, story_id).select(
        "article_id",
        pl.col(by).fill_null("unknown"),
        words=pl.col("text").str.count_matches(r"\w+"),
    )
    words = arts.group_by(by).agg(pl.col("words").sum())
    return (
        mentions.filter(pl.col("entity_id").is_not_null())
        .join(arts.select("article_id", by), on="article_id")
        .group_by(by, "entity_id")
        .agg(
            name=pl.col("text").mode().sort().first(),
            n_mentions=pl.len().cast(pl.Int64),
            n_articles=pl.col("article_id").n_unique().cast(pl.Int64),
        )
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
        paras = (
            paragraphs.filter(~pl.col("boilerplate").fill_null(False))
            if "boilerplate" in paragraphs.columns
            else paragraphs
        )
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
    """Per article of a story: publication order, whether it came first, and its closest other
    article with the share of its paragraphs aligned to it (near_duplicate when >= 0.6).
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
            first=pl.col("published").is_not_null() & (pl.col("order") == 1),
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
) -> pl.DataFrame:
    """Per article of a story: what only it reports and what it leaves out.

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
    body = (
        paras.filter(~pl.col("boilerplate").fill_null(False))
        if "boilerplate" in paras.columns
        else paras
    )
    unaligned = body.join(aligned, on=["article_id", "para_no"], how="anti").select(
        "article_id", "para_no"
    )
    quote_table = quotes_mod.quotes(arts, paras, mentions).join(
        unaligned, on=["article_id", "para_no"], how="semi"
    )
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
