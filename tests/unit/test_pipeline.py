"""How the per-article steps are cut into batches for the workers."""

from __future__ import annotations

from dashboard import pipeline


def test_batches_are_balanced_over_the_workers() -> None:
    assert pipeline.balanced_batch(500, 2, 1000) == 1000  # one batch: no pool at all
    assert pipeline.balanced_batch(2319, 2, 1000) == 580  # four even batches, not 1000/1000/319
    assert pipeline.balanced_batch(100_000, 2, 1000) == 1000
    assert pipeline.balanced_batch(2319, 1, 1000) == 1000
