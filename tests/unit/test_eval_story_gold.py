"""Scoring stories and alignments against an editor's story gold and a sentence-aligned corpus."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.evaluation import eval_story_gold as gold_eval

GOLD = pl.DataFrame(
    {
        "doc_id": ["d1", "d2", "d3"],
        "story": ["quake", "quake", "vote"],
        "confidence": ["high", "high", "high"],
    }
)


def _articles(story_of: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"article_id": list(story_of), "story_id": list(story_of.values())})


def test_perfect_stories_score_one() -> None:
    arts = _articles({"en/d1": "s1", "de/d1": "s1", "en/d2": "s1", "de/d2": "s1", "en/d3": "s2"})
    got = gold_eval.score_stories(arts, GOLD)
    assert got["story_b3_f1"] == 1.0 and got["pair_precision"] == 1.0
    assert got["pair_recall"] == 1.0 and got["documents_b3_recall"] == 1.0
    assert got["pairs_gold"] == 4  # en/de of d1 with en/de of d2


def test_unrelated_reports_put_together_lower_pair_precision() -> None:
    arts = _articles({"en/d1": "s1", "de/d1": "s1", "en/d2": "s2", "de/d2": "s2", "en/d3": "s1"})
    got = gold_eval.score_stories(arts, GOLD)
    assert got["pairs_predicted"] == 2 and got["pair_precision"] == 0.0
    assert got["pair_recall"] == 0.0
    assert got["documents_b3_recall"] == 1.0 and got["story_b3_f1"] < 1.0


def test_unsure_documents_are_left_out_of_the_pairs() -> None:
    unsure = GOLD.with_columns(confidence=pl.Series(["high", "medium", "high"]))
    arts = _articles({"en/d1": "s1", "en/d2": "s1", "en/d3": "s2"})
    assert gold_eval.score_stories(arts, unsure)["pairs_gold"] == 0


def test_alignment_is_scored_per_language_pair() -> None:
    texts = {"de/d1": "Titel\n\nEins.\n\nZwei.", "en/d1": "Title\n\nOne.\n\nTwo."}
    articles = pl.DataFrame({"article_id": list(texts), "text": list(texts.values())})
    paragraphs = pl.DataFrame(
        {
            "article_id": ["de/d1"] * 3 + ["en/d1"] * 3,
            "para_no": [0, 1, 2] * 2,
            "start": [0, 7, 13, 0, 7, 13],
        }
    )
    alignments = pl.DataFrame(
        {
            "article_a": ["en/d1", "de/d1", "de/d1"],
            "para_a": [0, 1, 2],
            "article_b": ["de/d1", "en/d1", "en/d1"],
            "para_b": [0, 1, 1],
        }
    )
    got = gold_eval.score_alignments(articles, paragraphs, alignments)
    row = got.filter(pl.col("pair") == "all").row(0, named=True)
    assert (row["gold"], row["predicted"], row["correct"]) == (3, 3, 2)
    assert row["precision"] == pytest.approx(0.6667) and row["recall"] == pytest.approx(0.6667)
    assert got["pair"].to_list() == ["de-en", "all"]
