"""How the per-article steps are cut into batches for the workers."""

from __future__ import annotations

from pathlib import Path

from dashboard.pipeline import pipeline

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_batches_are_balanced_over_the_workers() -> None:
    assert pipeline.balanced_batch(500, 2, 1000) == 1000  # one batch: no pool at all
    assert pipeline.balanced_batch(2319, 2, 1000) == 580  # four even batches, not 1000/1000/319
    assert pipeline.balanced_batch(100_000, 2, 1000) == 1000
    assert pipeline.balanced_batch(2319, 1, 1000) == 1000


def test_the_step_table_is_what_runs_and_the_manifest_says_what_ran(tmp_path: Path) -> None:
    from dashboard.bench import bench
    from dashboard.store import store

    # one list of steps: the bench times exactly the steps analyze runs, in its order
    ran_by_table = [s.name for s in pipeline.STEPS if s.run is not None]
    assert list(bench.STEPS) == ["ingest", *ran_by_table, "write"]
    assert tuple(s.name for s in pipeline.PER_ARTICLE) == bench.WARM
    out = tmp_path / "analysis"
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    steps = store.read_manifest(out)["steps"]
    assert [s["name"] for s in steps] == ran_by_table
    assert {s["mode"] for s in steps} == {"full"}
    assert all(s["seconds"] >= 0 and s["rows"] > 0 for s in steps)


def test_analyze_does_not_translate_while_another_job_of_the_analysis_runs(tmp_path: Path) -> None:
    import fcntl

    from dashboard.translate import translate_job
    from dashboard.translate.translate import TranslatorConfig

    out = tmp_path / "analysis"
    out.mkdir()
    config = TranslatorConfig(
        provider="libretranslate", url="http://127.0.0.1:9", cache_path=tmp_path / "cache.sqlite"
    )
    with open(out / translate_job.JOB_LOCK, "a+") as held:  # another job holds the folder's lock
        fcntl.flock(held, fcntl.LOCK_EX)
        result = pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1, translator=config))
    assert "another translation job" in result.translation_note
    assert result.tables["paragraphs"]["translation"].is_null().all()
