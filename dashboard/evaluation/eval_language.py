"""How often language detection names the right language: SlavicNER documents, by language.

Each document goes through `language.detect` (the step the pipeline runs) as one article split
into paragraphs at blank lines, and its article language is compared with the corpus label.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.evaluation.benchdata import load_slavicner
from dashboard.schema import conform, empty
from dashboard.steps import language

FLOOR = 0.97
"""The overall accuracy the detector has to keep on slavicner_dev."""

_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")


def split_blank_lines(articles: pl.DataFrame) -> pl.DataFrame:
    """Paragraphs at blank lines (no boilerplate marking): the simple split the evaluation uses."""
    rows = [
        {"article_id": article_id, "para_no": no, "start": m.start(), "end": m.end()}
        for article_id, text in zip(articles["article_id"], articles["text"], strict=True)
        for no, m in enumerate(_BLOCK.finditer(text or ""))
    ]
    if not rows:
        return empty("paragraphs")
    return conform(pl.DataFrame(rows), "paragraphs").with_columns(boilerplate=pl.lit(False))


def evaluate(root: Path | None = None, limit: int | None = None) -> pl.DataFrame:
    """Per-language documents, correct and accuracy over slavicner_dev, plus an "all" row.

    `limit` takes an evenly spread sample of that many documents (all of them by default).
    """
    docs = load_slavicner(root).docs
    if limit is not None and limit < docs.height:
        docs = docs.gather_every(max(1, docs.height // limit)).head(limit)
    articles = conform(docs.select(pl.col("doc").alias("article_id"), "text"), "articles")
    detected, _ = language.detect(articles, split_blank_lines(articles))
    scored = docs.select("lang").with_columns(correct=detected["language"] == docs["lang"])
    per_lang = (
        scored.group_by("lang")
        .agg(documents=pl.len(), correct=pl.col("correct").fill_null(False).sum())
        .sort("lang")
    )
    overall = per_lang.select(
        pl.lit("all").alias("lang"), pl.col("documents").sum(), pl.col("correct").sum()
    )
    return (
        pl.concat([per_lang, overall])
        .with_columns(pl.col("documents", "correct").cast(pl.Int64))
        .with_columns(accuracy=pl.col("correct") / pl.col("documents"))
    )


def main(root: Path | None = None) -> int:
    """Print the accuracy table; exit status 1 below the floor, 2 without the data."""
    try:
        table = evaluate(root)
    except NewsprismError as err:
        print(err)
        return 2
    print(f"language detection on slavicner_dev ({language.engine_name()})")
    print(f"{'lang':<5} {'documents':>9} {'correct':>8} {'accuracy':>9}")
    for row in table.iter_rows(named=True):
        print(f"{row['lang']:<5} {row['documents']:>9} {row['correct']:>8} {row['accuracy']:>9.4f}")
    overall = table.filter(pl.col("lang") == "all")["accuracy"][0]
    print(f"floor {FLOOR}: {'ok' if overall >= FLOOR else 'BELOW'}")
    return 0 if overall >= FLOOR else 1


if __name__ == "__main__":
    raise SystemExit(main())
