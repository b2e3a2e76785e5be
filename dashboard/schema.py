"""The data contract: the tables `newsprism analyze --out DIR` writes, with their column types.

Contract columns come first in each table, in DESIGN.md order; columns after them are extras the
app uses (provenance of inferred values, warnings, reasons). Bump CONTRACT_VERSION on any change.
"""

from __future__ import annotations

import polars as pl

CONTRACT_VERSION = "1.4"

PROVENANCE = pl.Struct(
    {
        "title": pl.String,
        "published": pl.String,
        "source": pl.String,
        "url": pl.String,
        "language": pl.String,
    }
)
"""How each inferred article field was obtained: header, html-meta, sidecar, column, feed, url,
first-line, detected, corrected; null when the value is missing."""

# groups of people named by nationality (Americans, Amerikanci) are not actors: an entity of
# these types is hidden from the actor lists by default (the analyst can show it)
HIDDEN_TYPES = frozenset({"GROUP"})

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "articles": {
        "article_id": pl.String(),
        "origin": pl.String(),
        "source": pl.String(),
        "title": pl.String(),
        "url": pl.String(),
        "published": pl.Date(),
        "published_inferred": pl.Boolean(),
        "language": pl.String(),
        "language_score": pl.Float64(),
        "text": pl.String(),
        "story_id": pl.String(),
        # extras
        "script": pl.String(),
        "provenance": PROVENANCE,
        "warnings": pl.List(pl.String()),
        "content_hash": pl.String(),
        "words": pl.Int32(),
    },
    "paragraphs": {
        "article_id": pl.String(),
        "para_no": pl.Int32(),
        "start": pl.Int32(),
        "end": pl.Int32(),
        "language": pl.String(),
        "boilerplate": pl.Boolean(),
        "translation": pl.String(),
        "translator": pl.String(),
        # extras
        "language_score": pl.Float64(),
        "boilerplate_reason": pl.String(),
        "translation_status": pl.String(),
        "quality": pl.List(pl.String()),
    },
    "mentions": {
        "article_id": pl.String(),
        "para_no": pl.Int32(),
        "start": pl.Int32(),
        "end": pl.Int32(),
        "text": pl.String(),
        "entity_id": pl.String(),
        "type": pl.String(),
        # extras
        "key": pl.String(),
        "language": pl.String(),
        "cue": pl.Boolean(),
        # a one-word name that is also a dictionary word (German nouns): kept only where the
        # corpus confirms it (linking.link)
        "doubt": pl.Boolean(),
        # the type the extractor found for this mention (type is its entity's): the evidence of
        # the entity's type vote, kept so that every linking run votes on the same
        "found_type": pl.String(),
    },
    "entities": {
        "entity_id": pl.String(),
        "label": pl.String(),
        "type": pl.String(),
        "aliases": pl.List(pl.String()),
        "languages": pl.List(pl.String()),
        "n_articles": pl.Int32(),
        "n_mentions": pl.Int32(),
        # extras
        "hidden": pl.Boolean(),
    },
    "dates": {
        "article_id": pl.String(),
        "para_no": pl.Int32(),
        "start": pl.Int32(),
        "end": pl.Int32(),
        "text": pl.String(),
        "value": pl.String(),
        "anchored": pl.Boolean(),
        # extras
        "granularity": pl.String(),
        "resolution": pl.String(),
    },
    "stories": {
        "story_id": pl.String(),
        "label": pl.String(),
        "article_ids": pl.List(pl.String()),
    },
    "alignments": {
        "story_id": pl.String(),
        "article_a": pl.String(),
        "para_a": pl.Int32(),
        "article_b": pl.String(),
        "para_b": pl.Int32(),
        "score": pl.Float64(),
    },
}

TABLES = tuple(SCHEMAS)


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the table's schema."""
    return pl.DataFrame(schema=SCHEMAS[table])


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Cast to the table's schema, add missing columns as nulls and order columns as contracted.

    Columns not in the schema are dropped: the contract is what is written.
    """
    schema = SCHEMAS[table]
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )
