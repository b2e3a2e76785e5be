"""Story evaluation: purity and B-cubed against gold classes, the seeds' two stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.evaluation import eval_stories


def test_scores_of_a_hand_clustering() -> None:
    gold = ["a", "a", "a", "b", "b"]
    got = eval_stories.scores(gold, ["x", "x", "y", "y", "y"])
    assert got["purity"] == pytest.approx(4 / 5)
    # B-cubed precision: items in x see 2/2 right; items in y see 1/3 (the a) or 2/3 (the bs)
    assert got["b3_precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5, abs=1e-4)
    assert got["b3_recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, abs=1e-4)
    assert eval_stories.scores(gold, gold)["b3_f1"] == 1.0


def test_missing_corpus_is_reported_not_raised(tmp_path: Path) -> None:
    result = eval_stories.evaluate(tmp_path / "nowhere")
    assert result["available"] is False and result["message"]


def test_seeds_score_perfectly_against_their_two_stories() -> None:
    result = eval_stories.evaluate_seeds()
    assert result["stories"] == 2 and result["b3_f1"] == 1.0
