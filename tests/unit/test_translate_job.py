"""The app's background translation: progress, cancel keeps what is done, a dead provider
fails plainly; the analysis on disk stays whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from dashboard.store.store import Analysis
from dashboard.translate import translate
from dashboard.translate.translate_job import TranslationJob
from tests.libretranslate_server import run_server


def _copy(seed_analysis, tmp_path):
    out = tmp_path / "analysis"
    shutil.copytree(seed_analysis, out)
    return out


def _config(url, tmp_path, **kw):
    return translate.TranslatorConfig(
        provider="libretranslate",
        url=url,
        cache_path=tmp_path / "cache.sqlite",
        concurrency=1,
        rate_per_second=0,
        **kw,
    )


def test_job_translates_and_writes_the_analysis(seed_analysis, tmp_path):
    out = _copy(seed_analysis, tmp_path)
    with run_server() as server:
        job = TranslationJob(out, _config(server.url, tmp_path))
        job.start()
        job.wait(60)
    assert job.state == "finished", job.message
    assert job.done == job.total > 0
    paragraphs = Analysis.open(out).frame("paragraphs")
    assert paragraphs.filter(~pl.col("boilerplate"))["translation"].null_count() == 0
    assert Analysis.open(out).manifest["translation"]["provider"] == "libretranslate"


def test_cancel_keeps_what_is_done(seed_analysis, tmp_path):
    out = _copy(seed_analysis, tmp_path)
    with run_server(delay=0.3) as server:
        # one paragraph per request, so there is something to cancel
        job = TranslationJob(out, _config(server.url, tmp_path))
        job.config = _config(server.url, tmp_path)
        job.start()
        deadline = time.monotonic() + 30
        while job.done < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        job.cancel()
        job.wait(60)
        served = server.requests
    assert job.state == "finished" and job.message.startswith("Cancelled"), job.message
    paragraphs = Analysis.open(out).frame("paragraphs")
    kept = paragraphs["translation"].is_not_null().sum()
    assert kept >= 1
    # a second run sends only what the cancelled one did not get
    with run_server() as server:
        again = TranslationJob(out, _config(server.url, tmp_path))
        again.start()
        again.wait(60)
        assert again.state == "finished"
        assert server.requests <= max(1, served * 50)
    final = Analysis.open(out).frame("paragraphs")
    assert final.filter(~pl.col("boilerplate"))["translation"].null_count() == 0


def test_dead_provider_fails_plainly_and_keeps_the_analysis(seed_analysis, tmp_path):
    out = _copy(seed_analysis, tmp_path)
    before = Analysis.open(out).frame("paragraphs")
    job = TranslationJob(out, _config("http://127.0.0.1:9", tmp_path, retries=0))
    job.start()
    job.wait(60)
    assert job.state == "failed"
    assert "unavailable" in job.message.lower() or "refused" in job.message.lower() or job.message
    after = Analysis.open(out).frame("paragraphs")
    assert after.height == before.height
    assert after["translation"].null_count() == after.height


def test_articles_added_while_a_job_runs_keep_their_paragraphs(seed_analysis, tmp_path):
    from pathlib import Path

    from dashboard.pipeline import pipeline
    from dashboard.translate.translate_job import store_translations

    out = _copy(seed_analysis, tmp_path)
    # what a job read and translated ...
    translated = (
        Analysis.open(out)
        .frame("paragraphs")
        .with_columns(translation=pl.lit("done"), translation_status=pl.lit("ok"))
    )
    # ... while an article was added to the analysis
    more = tmp_path / "more"
    more.mkdir()
    (more / "harbour.txt").write_text(
        "title: Harbour festival\n\nThe harbour festival in Bergen opened on Friday.\n\n"
        "Organisers expect forty thousand visitors.\n",
        encoding="utf-8",
    )
    pipeline.analyze([more], Path(out), pipeline.RunOptions(workers=1))
    added = Analysis.open(out).frame("paragraphs").height
    assert added > translated.height

    store_translations(out, translated, {"provider": "libretranslate"})
    paragraphs = Analysis.open(out).frame("paragraphs")
    assert paragraphs.height == added
    old = paragraphs.join(translated.select("article_id"), on="article_id", how="semi")
    assert old["translation"].to_list() == ["done"] * translated.height
    assert (
        paragraphs.join(translated.select("article_id"), on="article_id", how="anti")[
            "translation"
        ].null_count()
        == added - translated.height
    )


def test_a_second_job_on_the_same_analysis_reports_the_first_and_sends_nothing(
    seed_analysis, tmp_path
):
    out = _copy(seed_analysis, tmp_path)
    # another process (a second app server on the same folder) holds the job lock
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from dashboard.translate.translate_job import only_job\n"
        "with only_job(Path(sys.argv[1])) as mine:\n"
        "    print(mine, flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    root = Path(__file__).resolve().parents[2]
    other = subprocess.Popen(
        [sys.executable, "-c", code, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    assert other.stdout is not None and other.stdin is not None
    try:
        assert other.stdout.readline().strip() == "True"
        with run_server() as server:
            job = TranslationJob(out, _config(server.url, tmp_path))
            job.start()
            job.wait(60)
            assert job.state == "busy" and "already running" in job.message
            assert server.requests == 0
    finally:
        other.stdin.write("\n")
        other.stdin.close()
        assert other.wait(30) == 0
    # once the other job is done, the next one runs
    with run_server() as server:
        job = TranslationJob(out, _config(server.url, tmp_path))
        job.start()
        job.wait(60)
    assert job.state == "finished", job.message
    assert server.requests > 0
