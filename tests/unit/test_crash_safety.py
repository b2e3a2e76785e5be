"""A SIGKILL at any moment of a rewrite leaves the old analysis or the new one, never a mix."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from dashboard.bench import corpus_synth
from dashboard.store import store

CLI = [sys.executable, "-m", "dashboard.cli"]


def _state(out: Path) -> tuple[int, ...]:
    """Row counts of a readable analysis whose keys are unique, whose listed files exist and
    whose tables agree with one another."""
    manifest = store.read_manifest(out)
    for files in manifest["parts"].values():
        assert all((out / f).is_file() for f in files), files
    an = store.Analysis.open(out)
    articles, paragraphs, mentions = (
        an.frame("articles"),
        an.frame("paragraphs"),
        an.frame("mentions"),
    )
    assert articles["article_id"].is_unique().all()
    assert not paragraphs.select("article_id", "para_no").is_duplicated().any()
    ids = set(articles["article_id"])
    assert set(paragraphs["article_id"]) <= ids and set(mentions["article_id"]) <= ids
    assert set(mentions["entity_id"].drop_nulls()) <= set(an.frame("entities")["entity_id"])
    in_stories = an.frame("stories").select(pl.col("article_ids").explode())["article_ids"]
    assert set(in_stories) == ids
    return articles.height, paragraphs.height, mentions.height, an.frame("entities").height


def _run(args: list[str]) -> None:
    subprocess.run([*CLI, *args], check=True, capture_output=True)


def test_sigkill_during_a_rewrite_leaves_the_old_or_the_new_analysis(tmp_path: Path) -> None:
    frame = corpus_synth.corpus(400, seed=3)
    first, more = tmp_path / "first", tmp_path / "more"
    corpus_synth.write_corpus(frame.head(370), first)
    corpus_synth.write_corpus(frame.tail(30), more)
    # the old analysis: a full run, then an increment (its rows in part files)
    pristine = tmp_path / "old"
    _run(["analyze", str(first), "--out", str(pristine)])
    _run(["analyze", str(first), str(more), "--out", str(pristine)])
    assert len(store.read_manifest(pristine)["parts"]["articles"]) > 1
    old = _state(pristine)
    # the new one: every article re-analysed (--recluster rewrites every table)
    out = tmp_path / "analysis"
    rewrite = ["analyze", str(first), str(more), "--out", str(out), "--recluster"]
    shutil.copytree(pristine, out)
    started = time.perf_counter()
    _run(rewrite)
    whole = time.perf_counter() - started
    new = _state(out)
    before = {p.name for p in pristine.iterdir()}
    # kill the rewrite while it writes: from the moment it starts writing the articles table, at
    # delays that spread over the write of the other tables, the views and the manifest
    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3):
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        proc = subprocess.Popen(
            [*CLI, *rewrite], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.perf_counter() + 4 * whole
        while proc.poll() is None and not any(
            "articles" in name for name in {p.name for p in out.iterdir()} - before
        ):
            assert time.perf_counter() < deadline
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(out)
        assert state in (old, new), f"killed {delay}s into the write: {state}"
        _run(rewrite)  # the next run finishes the job and clears what the killed one left
        assert _state(out) == new
    assert [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".link"))] == []
    assert not list(out.glob("*.2*-*.parquet"))  # no generation left beside the plain files
