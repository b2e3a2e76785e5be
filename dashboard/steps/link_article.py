"""What one article says about its own names, applied to mention keys before linking.

A body's name followed by a listed place in the genitive (Нафтогаз України, Naftogaz Ukrainy:
Naftogaz of Ukraine), read as a person's two names for want of a cue, is the body when the article
also names the body alone. This is a fact of one article, so the full run and an increment (which
links new articles only) apply it alike, before any key is looked up.
"""

from __future__ import annotations

import polars as pl

from dashboard.lang import lexicon


def _body_of_place(key: str, lang: str | None, given: frozenset[str]) -> str | None:
    """The body's key of a two-word key "Body Place" (Naftogaz Ukrainy), else None."""
    words = key.split(" ")
    if len(words) != 2 or words[0] in given or lexicon.place(words[0], lang) is not None:
        return None
    return words[0] if lexicon.place(words[1], lang, strict=True) is not None else None


def within_article(mentions: pl.DataFrame) -> pl.DataFrame:
    """Mentions with the keys their own article settles (module docstring); `found_type` (the
    extractor's type, which linking votes on) follows a changed key."""
    if mentions.is_empty() or "language" not in mentions.columns:
        return mentions
    typed = "found_type" if "found_type" in mentions.columns else "type"
    found = pl.coalesce(typed, "type")
    strong = pl.col("cue").fill_null(False) if "cue" in mentions.columns else pl.lit(False)
    two_words = pl.col("key").str.count_matches(" ") == 1
    doubtful = mentions.filter((found == "PER") & ~strong & two_words)
    if doubtful.is_empty():
        return mentions
    given = lexicon.given_name_keys()
    pairs = doubtful.select("key", "language").unique().rows()
    bodies = {(k, lang): _body_of_place(k, lang, given) for k, lang in pairs}
    named = pl.DataFrame(
        [(k, lang, b) for (k, lang), b in bodies.items() if b is not None],
        schema={"key": pl.String, "language": pl.String, "_body": pl.String},
        orient="row",
    )
    # the article names the body alone too, typed a body (Нафтогаз ... Нафтогаз України)
    alone = (
        mentions.filter(found.is_in(["ORG", "MISC"]) & ~pl.col("key").str.contains(" "))
        .select("article_id", _body="key")
        .unique()
        .with_columns(_alone=pl.lit(True))
    )
    out = (
        mentions.join(
            named, on=["key", "language"], how="left", nulls_equal=True, maintain_order="left"
        )
        .join(alone, on=["article_id", "_body"], how="left", maintain_order="left")
        .with_columns(_fix=pl.col("_alone").fill_null(False) & (found == "PER") & ~strong)
        .with_columns(
            key=pl.when("_fix").then("_body").otherwise("key"),
            **{typed: pl.when("_fix").then(pl.lit("ORG")).otherwise(typed)},
        )
        .drop("_body", "_alone", "_fix")
    )
    return out
