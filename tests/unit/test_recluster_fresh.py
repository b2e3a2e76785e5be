"""A full run over an existing analysis gives the tables of a fresh analysis of the same files."""

from __future__ import annotations

from pathlib import Path

from polars.testing import assert_frame_equal

from dashboard.bench import corpus_synth
from dashboard.pipeline import pipeline
from dashboard.store import store

KEYS = {
    "mentions": ["article_id", "start"],
    "entities": ["entity_id"],
    "stories": ["story_id"],
    "alignments": ["article_a", "para_a", "article_b", "para_b"],
    "dates": ["article_id", "start"],
}


def test_recluster_over_an_increment_equals_a_fresh_analysis(tmp_path: Path) -> None:
    frame = corpus_synth.corpus(240, seed=5)
    first, more = tmp_path / "first", tmp_path / "more"
    corpus_synth.write_corpus(frame.head(220), first)
    corpus_synth.write_corpus(frame.tail(20), more)
    options = pipeline.RunOptions(workers=1)
    fresh = tmp_path / "fresh"
    pipeline.analyze([first, more], fresh, options)
    grown = tmp_path / "grown"
    pipeline.analyze([first], grown, options)
    pipeline.analyze([first, more], grown, options)  # an increment
    assert len(store.read_manifest(grown)["parts"]["articles"]) == 2
    pipeline.analyze([first, more], grown, pipeline.RunOptions(workers=1, recluster=True))
    a, b = store.Analysis.open(fresh), store.Analysis.open(grown)
    for table, keys in KEYS.items():
        assert_frame_equal(a.frame(table).sort(keys), b.frame(table).sort(keys), check_exact=False)
    articles = [x.frame("articles").drop("text").sort("article_id") for x in (a, b)]
    # language scores are floats summed over a batch: equal to rounding, not to the last bit
    assert_frame_equal(*articles, check_exact=False, rel_tol=1e-9)
    assert set(a.frame("entities")["type"]) >= {"PER", "LOC"}
