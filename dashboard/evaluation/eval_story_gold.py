"""Stories and paragraph alignment against an editor's story gold and a sentence-aligned corpus.

`newsprism eval stories` runs the real pipeline over `ntrex_dev/corpus` (one folder per language
variety, the same file name for the same document, paragraph k of one version the translation of
paragraph k of another) and scores what it wrote:
- stories: B-cubed against documents (one document in every language is one story) and against
  `stories_gold.tsv` (the story an editor files each document under), and cross-document pairs
  (articles of two different documents, both filed with high confidence): precision is the share
  of such pairs put together that the gold puts together, recall the converse;
- alignment: the stored paragraph pairs against the sentence gold, per language pair.
"""

from __future__ import annotations

import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.evaluation.eval_stories import scores
from dashboard.lang import boilerplate

CORPUS = "ntrex_dev"


def _line_numbers(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """(article_id, para_no, line): the non-empty line of the file each paragraph starts on."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    lines = [
        sum(1 for line in texts[a][:s].split("\n") if line.strip())
        for a, s in zip(paragraphs["article_id"], paragraphs["start"], strict=True)
    ]
    # the text before a paragraph's start ends with the previous line's break: its count of
    # non-empty lines is the paragraph's own line number
    return paragraphs.select("article_id", "para_no").with_columns(
        line=pl.Series(lines, dtype=pl.Int32)
    )


def variety_doc(article_id: pl.Expr) -> list[pl.Expr]:
    return [
        article_id.str.extract(r"^([^/]+)/").alias("variety"),
        article_id.str.extract(r"/([^/]+?)(?:\.txt)?$").alias("doc"),
    ]


def cross_document_pairs(
    predicted: list[str], docs: list[str], gold: list[str], sure: list[bool]
) -> dict[str, float]:
    """Precision and recall over pairs of articles from two different documents, both sure."""
    keep = [i for i, s in enumerate(sure) if s]
    tp = sys_pairs = gold_pairs = 0
    for a, b in combinations(keep, 2):
        if docs[a] == docs[b]:
            continue
        same_sys = predicted[a] == predicted[b]
        same_gold = gold[a] == gold[b]
        sys_pairs += same_sys
        gold_pairs += same_gold
        tp += same_sys and same_gold
    precision = tp / sys_pairs if sys_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    return {
        "pairs_predicted": sys_pairs,
        "pairs_gold": gold_pairs,
        "pair_precision": round(precision, 4),
        "pair_recall": round(recall, 4),
    }


def score_stories(articles: pl.DataFrame, gold: pl.DataFrame) -> dict[str, Any]:
    """Story scores of analysed articles (article_id 'variety/doc', story_id) against the gold
    (doc_id, story, confidence)."""
    joined = (
        articles.select("article_id", "story_id")
        .with_columns(variety_doc(pl.col("article_id")))
        .join(gold, left_on="doc", right_on="doc_id")
        .sort("article_id")
    )
    predicted = joined["story_id"].to_list()
    docs = joined["doc"].to_list()
    story = joined["story"].to_list()
    by_doc = scores(docs, predicted)
    by_story = scores(story, predicted)
    pairs = cross_document_pairs(
        predicted, docs, story, [c == "high" for c in joined["confidence"].to_list()]
    )
    return {
        "articles": joined.height,
        "stories": len(set(predicted)),
        "gold_stories": len(set(story)),
        "documents_b3_precision": by_doc["b3_precision"],
        "documents_b3_recall": by_doc["b3_recall"],
        "documents_b3_f1": by_doc["b3_f1"],
        "story_b3_precision": by_story["b3_precision"],
        "story_b3_recall": by_story["b3_recall"],
        "story_b3_f1": by_story["b3_f1"],
        **pairs,
    }


def score_alignments(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, alignments: pl.DataFrame
) -> pl.DataFrame:
    """Alignment precision and recall per language pair (and 'all') against the sentence gold:
    paragraph on line k of one version is the translation of line k of every other version."""
    lines = _line_numbers(articles, paragraphs)
    units = (
        boilerplate.body(paragraphs)
        .select("article_id", "para_no")
        .join(lines, on=["article_id", "para_no"])
    )
    units = units.with_columns(variety_doc(pl.col("article_id")))
    gold = (
        units.join(units, on=["doc", "line"], suffix="_b")
        .filter(pl.col("variety") < pl.col("variety_b"))
        .select(
            pair=pl.concat_str("variety", "variety_b", separator="-"),
            key=pl.concat_str("article_id", "para_no", "article_id_b", "para_no_b", separator="|"),
        )
    )
    located = units.select("article_id", "para_no", "variety", "doc", "line")
    ordered = alignments.with_columns(
        swap=pl.col("article_a").str.extract(r"^([^/]+)/")
        > pl.col("article_b").str.extract(r"^([^/]+)/")
    ).select(
        a=pl.when("swap").then("article_b").otherwise("article_a"),
        pa=pl.when("swap").then("para_b").otherwise("para_a"),
        b=pl.when("swap").then("article_a").otherwise("article_b"),
        pb=pl.when("swap").then("para_a").otherwise("para_b"),
    )
    system = (
        ordered.join(located, left_on=["a", "pa"], right_on=["article_id", "para_no"])
        .join(located, left_on=["b", "pb"], right_on=["article_id", "para_no"], suffix="_b")
        .filter(pl.col("variety") != pl.col("variety_b"))
        .select(
            pair=pl.concat_str("variety", "variety_b", separator="-"),
            key=pl.concat_str("a", "pa", "b", "pb", separator="|"),
        )
    )
    hit = system.join(gold, on=["pair", "key"], how="semi")
    counts = (
        gold.group_by("pair")
        .agg(gold=pl.len())
        .join(system.group_by("pair").agg(predicted=pl.len()), on="pair", how="full", coalesce=True)
        .join(hit.group_by("pair").agg(correct=pl.len()), on="pair", how="left")
        .fill_null(0)
    )
    total = counts.select(pl.lit("all").alias("pair"), pl.exclude("pair").sum())
    return (
        pl.concat([counts.sort("pair"), total])
        .with_columns(
            precision=(pl.col("correct") / pl.col("predicted")).fill_nan(None).round(4),
            recall=(pl.col("correct") / pl.col("gold")).fill_nan(None).round(4),
        )
        .select("pair", "gold", "predicted", "correct", "precision", "recall")
    )


def evaluate(bench: Path, out: Path | None = None) -> dict[str, Any]:
    """Analyse ntrex_dev's corpus with the real pipeline (into `out`, else a temporary folder)
    and score its stories and alignments. {"available": False, ...} when the data is absent."""
    root = bench / CORPUS
    gold_path = root / "stories_gold.tsv"
    if not gold_path.is_file():
        return {"available": False, "message": f"no story gold at {gold_path}"}
    from dashboard.pipeline import pipeline

    gold = pl.read_csv(gold_path, separator="\t")
    with tempfile.TemporaryDirectory() as tmp:
        target = out or Path(tmp) / "analysis"
        started = time.perf_counter()
        result = pipeline.analyze([root / "corpus"], target, pipeline.RunOptions(workers=1))
        seconds = time.perf_counter() - started
        tables = result.tables
        story_scores = score_stories(tables["articles"], gold)
        aligned = score_alignments(tables["articles"], tables["paragraphs"], tables["alignments"])
        labels = tables["stories"].sort(pl.col("article_ids").list.len(), descending=True)
    return {
        "available": True,
        "seconds": round(seconds, 1),
        **story_scores,
        "alignment": aligned,
        "top_labels": labels.head(8)["label"].to_list(),
    }


def one_version_each(root: Path, out: Path, seed: int = 0) -> Path:
    """A corpus of one version per document in a language drawn at random (files copied into
    `out/corpus`, with the metadata of the copied files): reports of one event then meet only
    across languages, as an analyst's mixed corpus does."""
    import csv
    import random

    rng = random.Random(seed)
    corpus = root / "corpus"
    varieties = sorted(p.name for p in corpus.iterdir() if p.is_dir())
    docs = sorted({f.name for v in varieties for f in (corpus / v).glob("*.txt")})
    target = out / "corpus"
    chosen = {}
    for doc in docs:
        variety = rng.choice([v for v in varieties if (corpus / v / doc).is_file()])
        (target / variety).mkdir(parents=True, exist_ok=True)
        (target / variety / doc).write_bytes((corpus / variety / doc).read_bytes())
        chosen[f"{variety}/{doc}"] = True
    meta = corpus / "metadata.csv"
    if meta.is_file():
        with (
            meta.open(encoding="utf-8") as src,
            (target / "metadata.csv").open("w", encoding="utf-8", newline="") as dst,
        ):
            rows = list(csv.reader(src))
            writer = csv.writer(dst)
            writer.writerow(rows[0])
            writer.writerows(r for r in rows[1:] if r and r[0] in chosen)
    return target


def evaluate_mixed(bench: Path, seeds: tuple[int, ...] = (0, 1, 2)) -> list[dict[str, Any]]:
    """Story scores on one-version-per-document corpora (one per seed): cross-document pairs
    are then cross-language pairs."""
    from dashboard.pipeline import pipeline

    root = bench / CORPUS
    gold = pl.read_csv(root / "stories_gold.tsv", separator="\t")
    results = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = one_version_each(root, Path(tmp), seed)
            result = pipeline.analyze(
                [corpus], Path(tmp) / "analysis", pipeline.RunOptions(workers=1)
            )
            scored = score_stories(result.tables["articles"], gold)
        results.append(
            {
                "seed": seed,
                **{
                    k: scored[k]
                    for k in (
                        "stories",
                        "story_b3_f1",
                        "pairs_predicted",
                        "pairs_gold",
                        "pair_precision",
                        "pair_recall",
                    )
                },
            }
        )
    return results


def main(bench: Path) -> None:
    """Print the ntrex_dev story and alignment scores."""
    result = evaluate(bench)
    if not result["available"]:
        print(f"stories on {CORPUS}: skipped, {result['message']}")
        return
    print(f"stories on {CORPUS} (gold: editor's stories, documents, sentence alignment)")
    for key, value in result.items():
        if key not in ("available", "alignment"):
            print(f"  {key}: {value}")
    with pl.Config(tbl_rows=60, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print("  paragraph alignment against the sentence gold, per language pair:")
        print(result["alignment"])
    print(f"stories on {CORPUS}, one version of each document in a random language:")
    for row in evaluate_mixed(bench):
        print(f"  {row}")
