"""Raw article records (from formats) -> the articles frame: normalised text, content hashes,
ids for rows without one, parsed dates, and source/date inferred from URLs (vectorised).
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl

from dashboard import schema
from dashboard.ingest import formats
from dashboard.steps.normalise import MIXED_SCRIPT, in_nfc, normalise_expr, one_script

_URL_HOST = r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:www\.)?([^/:?#]+)"
_URL_DATE = r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/\-_.]|$)"


def articles_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    """Records -> a frame with normalised text, hashes, ids, parsed dates and URL inferences."""
    if not records:
        return schema.empty("articles").with_columns(file_id=pl.lit(None, pl.String))
    for record in records:
        raw = record["published"]
        record["published"] = formats.parse_date(raw)
        if raw is not None and record["published"] is None:
            record["warnings"].append(f"publication date {str(raw)[:40]!r} not understood")
            record["provenance"]["published"] = None
    columns = ["article_id", "file_id", "origin", "text", "warnings", "provenance", *formats.FIELDS]
    frame = pl.DataFrame(
        [{c: r[c] for c in columns} for r in records],
        schema={
            "article_id": pl.String,
            "file_id": pl.String,
            "origin": pl.String,
            "text": pl.String,
            "warnings": pl.List(pl.String),
            "provenance": schema.PROVENANCE,
            **{f: pl.Date if f == "published" else pl.String for f in formats.FIELDS},
        },
    )
    # NFC first, on the texts not in it (most are): the rest of the rule is cheap
    frame = frame.with_columns(text=in_nfc(frame["text"])).with_columns(
        text=normalise_expr("text", nfc=False)
    )
    # to_list: a Series iterated in Python yields its values one call at a time
    texts = frame["text"].to_list()
    mixed = frame["text"].str.contains(MIXED_SCRIPT).fill_null(False)
    if mixed.any():
        texts = [one_script(t) if m else t for t, m in zip(texts, mixed.to_list(), strict=True)]
        frame = frame.with_columns(text=pl.Series(texts, dtype=pl.String))
    hashes = [hashlib.sha1(t.encode()).hexdigest()[:16] for t in texts]
    url_date = pl.col("url").str.extract_groups(_URL_DATE)
    from_url = pl.col("published").is_null() & url_date.struct.field("1").is_not_null()
    language = pl.col("language").str.to_lowercase().str.extract(r"^([a-z]{2,3})(?:[-_].*)?$", 1)
    return frame.with_columns(
        content_hash=pl.Series(hashes, dtype=pl.String),
        article_id=pl.coalesce(
            "article_id", pl.col("file_id") + "#" + pl.Series(hashes).str.slice(0, 12)
        ),
        source=pl.coalesce("source", pl.col("url").str.extract(_URL_HOST, 1)),
        published=pl.coalesce(
            "published",
            pl.concat_str(url_date.struct.field("1", "2", "3"), separator="-").str.to_date(
                "%Y-%m-%d", strict=False
            ),
        ),
        published_inferred=from_url,
        language=language,
        provenance=pl.col("provenance").struct.with_fields(
            source=pl.when(pl.col("source").is_null() & pl.col("url").str.contains(_URL_HOST))
            .then(pl.lit("url"))
            .otherwise(pl.field("source")),
            published=pl.when(from_url).then(pl.lit("url")).otherwise(pl.field("published")),
            language=pl.when(language.is_null()).then(None).otherwise(pl.field("language")),
        ),
    ).with_columns(
        published_inferred=pl.col("published_inferred") & pl.col("published").is_not_null()
    )


def unique_ids(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, str, str]]]:
    """Give repeated article ids a `~n` suffix so every article keeps a unique id."""
    seen = pl.int_range(pl.len()).over("article_id")
    frame = frame.with_columns(
        new_id=pl.when(seen > 0).then(pl.col("article_id") + "~" + (seen + 1).cast(pl.String))
    )
    renamed = frame.filter(pl.col("new_id").is_not_null()).select("origin", "article_id", "new_id")
    frame = frame.with_columns(article_id=pl.coalesce("new_id", "article_id")).drop("new_id")
    return frame, [tuple(row) for row in renamed.iter_rows()]
