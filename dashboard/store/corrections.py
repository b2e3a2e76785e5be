"""Analyst corrections of article metadata (title, outlet, date, language, url).

Kept in `corrections.json` in the analysis folder, keyed by article_id, and applied on every
run, so a correction survives re-analysis. Corrected fields get provenance "corrected".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dashboard import atomic
from dashboard.errors import NewsprismError

FILE = "corrections.json"
FIELDS = ("title", "source", "url", "published", "language")

Corrections = dict[str, dict[str, str | None]]


def read_corrections(out: Path) -> Corrections:
    """The corrections of an analysis folder ({} when there are none)."""
    data = atomic.read_json_object(out / FILE, "corrections file")
    if data is None:
        return {}
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}


def validate(field: str, value: str | None) -> str | None:
    """Check one corrected value; return it cleaned or raise NewsprismError."""
    if field not in FIELDS:
        raise NewsprismError(field, f"cannot correct {field!r}; one of {', '.join(FIELDS)}")
    if value is None or not value.strip():
        return None
    value = value.strip()
    if field == "published":
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise NewsprismError(value, "a date is written YYYY-MM-DD") from exc
    if field == "language" and not (2 <= len(value) <= 3 and value.isalpha()):
        raise NewsprismError(value, "a language is an ISO 639-1 code such as sr, ro, el")
    return value.lower() if field == "language" else value


def save_correction(out: Path, article_id: str, changes: dict[str, str | None]) -> Corrections:
    """Validate and store corrections for one article (atomic write); return all corrections."""
    current = read_corrections(out)
    entry = dict(current.get(article_id, {}))
    for field, value in changes.items():
        entry[field] = validate(field, value)
    current[article_id] = entry
    atomic.write_json(out / FILE, current)
    return current


def apply_corrections(articles: pl.DataFrame, corrections: Corrections) -> pl.DataFrame:
    """Overwrite corrected fields and mark their provenance "corrected"."""
    if not corrections or articles.height == 0:
        return articles
    rows = [
        {"article_id": aid, "field": f, "value": v}
        for aid, entry in corrections.items()
        for f, v in entry.items()
        if f in FIELDS
    ]
    if not rows:
        return articles
    wide = pl.DataFrame(
        rows, schema={"article_id": pl.String, "field": pl.String, "value": pl.String}
    ).pivot(on="field", index="article_id", values="value")
    out = articles.join(
        wide.rename({f: f"_c_{f}" for f in FIELDS if f in wide.columns}),
        on="article_id",
        how="left",
    )
    prov = pl.col("provenance")
    for f in FIELDS:
        col = f"_c_{f}"
        if col not in out.columns:
            continue
        fixed = pl.col(col).str.to_date(strict=False) if f == "published" else pl.col(col)
        hit = pl.col(col).is_not_null()
        out = out.with_columns(
            pl.when(hit).then(fixed).otherwise(pl.col(f)).alias(f),
            prov.struct.with_fields(
                pl.when(hit).then(pl.lit("corrected")).otherwise(prov.struct.field(f)).alias(f)
            ),
        )
        if f == "published":
            out = out.with_columns(
                published_inferred=pl.when(hit).then(False).otherwise(pl.col("published_inferred"))
            )
    return out.drop([c for c in out.columns if c.startswith("_c_")])
