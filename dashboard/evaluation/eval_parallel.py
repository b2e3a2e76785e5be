"""One actor in every language: actor agreement between the versions of one document.

`newsprism eval parallel DIR` analyses a parallel corpus (one folder per language, the same file
name for the same document) with the real pipeline and asks of every document: of the actor ids
found in the pivot version (English by default), what share is found, under the same id, in each
other version, and the converse; and the mean Jaccard of the actor sets of any two versions.
Figures are per variety, per entity type and overall (means over documents). The actors found
on one side only are written to a tab-separated file, most frequent first, so the error classes
are there to read.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.evaluation.eval_story_gold import CORPUS, variety_doc

MISSES_FILE = "eval_parallel_misses.tsv"
TYPES = ("PER", "ORG", "LOC", "MISC")


def actor_sets(
    articles: pl.DataFrame, mentions: pl.DataFrame, entities: pl.DataFrame
) -> dict[tuple[str, str], dict[str, str]]:
    """{(variety, doc): {entity_id: type}} of every analysed article (hidden actors left out)."""
    shown = entities
    if "hidden" in shown.columns:
        shown = shown.filter(~pl.col("hidden").fill_null(False))
    found = (
        mentions.select("article_id", "entity_id")
        .unique()
        .join(shown.select("entity_id", "type"), on="entity_id")
        .join(articles.select("article_id"), on="article_id")
        .with_columns(variety_doc(pl.col("article_id")))
    )
    out: dict[tuple[str, str], dict[str, str]] = {
        (v, d): {} for v, d in articles.select(variety_doc(pl.col("article_id"))).iter_rows()
    }
    for _, eid, type_, variety, doc in found.iter_rows():
        out[(variety, doc)][eid] = type_
    return out


def pivot_variety(articles: pl.DataFrame, wanted: str | None = None) -> str:
    """The variety every other is compared with: `wanted`, else the folder whose articles are
    most often detected as English, else the first folder."""
    varieties = articles.select(variety_doc(pl.col("article_id"))[0])["variety"]
    if wanted:
        return wanted
    english = Counter(
        v for v, lang in zip(varieties, articles["language"], strict=True) if lang == "en"
    )
    if english:
        return english.most_common(1)[0][0]
    return sorted(set(varieties))[0]


def _share(part: set[str], whole: set[str]) -> float | None:
    return len(part & whole) / len(whole) if whole else None


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 4) if kept else None


def score(
    sets: dict[tuple[str, str], dict[str, str]], pivot: str, labels: dict[str, str]
) -> dict[str, Any]:
    """Agreement per variety and type, pairwise Jaccard, and the one-sided actors."""
    docs = sorted({d for _, d in sets})
    varieties = sorted({v for v, _ in sets} - {pivot})
    rows = []
    one_sided: Counter[tuple[str, str, str, str]] = Counter()
    for variety in [*varieties, "all"]:
        for type_ in ("all", *TYPES):
            found_here: list[float | None] = []
            found_pivot: list[float | None] = []
            for variety_ in varieties if variety == "all" else [variety]:
                for doc in docs:
                    if (pivot, doc) not in sets or (variety_, doc) not in sets:
                        continue
                    piv = {e for e, t in sets[(pivot, doc)].items() if type_ in ("all", t)}
                    other = {e for e, t in sets[(variety_, doc)].items() if type_ in ("all", t)}
                    found_here.append(_share(other, piv))
                    found_pivot.append(_share(piv, other))
                    if variety == "all" and type_ == "all":
                        for e in piv - other:
                            one_sided[(variety_, "missed", e, sets[(pivot, doc)][e])] += 1
                        for e in other - piv:
                            one_sided[(variety_, "extra", e, sets[(variety_, doc)][e])] += 1
            rows.append(
                {
                    "variety": variety,
                    "type": type_,
                    "pivot_found_here": _mean(found_here),
                    "here_found_in_pivot": _mean(found_pivot),
                }
            )
    jaccard: list[float | None] = []
    for doc in docs:
        present = [v for v in [pivot, *varieties] if (v, doc) in sets]
        for a, b in combinations(present, 2):
            sa, sb = set(sets[(a, doc)]), set(sets[(b, doc)])
            jaccard.append(len(sa & sb) / len(sa | sb) if sa | sb else None)
    misses = pl.DataFrame(
        [
            {
                "variety": v,
                "side": side,
                "entity_id": e,
                "type": t,
                "label": labels.get(e, e),
                "documents": n,
            }
            for (v, side, e, t), n in one_sided.items()
        ],
        schema={
            "variety": pl.String,
            "side": pl.String,
            "entity_id": pl.String,
            "type": pl.String,
            "label": pl.String,
            "documents": pl.Int64,
        },
    ).sort(["documents", "variety", "entity_id"], descending=[True, False, False])
    return {
        "pivot": pivot,
        "documents": len(docs),
        "agreement": pl.DataFrame(rows),
        "jaccard": _mean(jaccard),
        "one_sided": misses,
    }


def table(agreement: pl.DataFrame, pivot: str) -> pl.DataFrame:
    """Wide view: a row per variety, two columns per type (pivot actors found in this version,
    this version's actors found in the pivot)."""
    wide = agreement.pivot(
        on="type", index="variety", values=["pivot_found_here", "here_found_in_pivot"]
    )
    columns = ["variety"]
    renames = {}
    for type_ in ("all", *TYPES):
        for value, name in (
            ("pivot_found_here", f"{type_} {pivot}→"),
            ("here_found_in_pivot", f"{type_} →{pivot}"),
        ):
            columns.append(f"{value}_{type_}")
            renames[f"{value}_{type_}"] = name
    return wide.select(columns).rename(renames)


def evaluate(corpus: Path, pivot: str | None = None, out: Path | None = None) -> dict[str, Any]:
    """Analyse `corpus` with the real pipeline (into `out`, else a temporary folder) and score
    actor agreement between the versions of each document."""
    from dashboard.pipeline import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        target = out or Path(tmp) / "analysis"
        started = time.perf_counter()
        result = pipeline.analyze([corpus], target, pipeline.RunOptions(workers=1))
        seconds = time.perf_counter() - started
        tables = result.tables
    articles, entities = tables["articles"], tables["entities"]
    sets = actor_sets(articles, tables["mentions"], entities)
    labels = dict(zip(entities["entity_id"], entities["label"], strict=True))
    return {"seconds": round(seconds, 1)} | score(sets, pivot_variety(articles, pivot), labels)


def main(bench: Path, corpus: Path | None = None, pivot: str | None = None) -> None:
    """Print the agreement tables; write the one-sided actors beside the working folder."""
    corpus = corpus or bench / CORPUS / "corpus"
    if not corpus.is_dir():
        print(f"parallel actors: skipped, no corpus at {corpus}")
        return
    result = evaluate(corpus, pivot)
    print(
        f"actors in every version of a document: {corpus} ({result['documents']} documents,"
        f" pivot {result['pivot']}, analysed in {result['seconds']} s)"
    )
    print(
        f"  per variety and type: {result['pivot']}→ is the share of the pivot's actors found in"
        f" this version, →{result['pivot']} the share of this version's actors found in the pivot"
    )
    with pl.Config(
        tbl_rows=40,
        tbl_cols=20,
        tbl_width_chars=200,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        print(table(result["agreement"], result["pivot"]))
    print(f"  mean pairwise Jaccard of the actor sets of two versions: {result['jaccard']}")
    misses = result["one_sided"]
    misses.write_csv(MISSES_FILE, separator="\t")
    print(f"  actors found on one side only ({misses.height} rows) written to {MISSES_FILE}:")
    with pl.Config(tbl_rows=25, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(misses.head(25))
