"""The command line: the same pipeline, a clear line per bad input, exit status 2, no traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import polars as pl
import pytest

from dashboard import cli
from dashboard.schema import SCHEMAS, TABLES
from tests.libretranslate_server import run_server

ROOT_SEEDS = __import__("pathlib").Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT_SEEDS, folder)
    return folder


def test_analyze_writes_the_contract_and_says_translation_is_off(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["analyze", str(corpus), "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "5 articles (5 new)" in captured.out
    assert "translation: off" in captured.out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == 5
    for table in TABLES:
        assert pl.read_parquet_schema(out / f"{table}.parquet") == pl.Schema(SCHEMAS[table])
    arts = pl.read_parquet(out / "articles.parquet")
    mentions = pl.read_parquet(out / "mentions.parquet")
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    for m in mentions.iter_rows(named=True):
        assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]


def test_bad_inputs_exit_2_with_one_line_each_and_good_files_still_analysed(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "broken.csv").write_text('text,title\n"unclosed quote, x\n')
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "analyze",
            str(corpus),
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    for name in ("empty.txt", "binary.txt", "broken.csv", "photo.jpg"):
        assert sum(name in line for line in lines) == 1, run.stderr
    assert "5 articles" in run.stdout


def test_inputs_all_refused_on_two_workers_end_without_a_helpers_traceback(tmp_path):
    """Inputs large enough to start the helpers ahead (share.PRESTART_BYTES), every one refused:
    the run ends before a helper has started, and must not free what the helper still needs to
    start (it printed a traceback on the user's terminal, every time)."""
    from dashboard.pipeline import share

    folder = tmp_path / "scans"
    folder.mkdir()
    for name in ("a.pdf", "b.txt"):
        (folder / name).write_bytes(b"\x00\x01\x02\xff" * (share.PRESTART_BYTES // 4 + 1))
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "analyze", str(folder)]
        + ["--out", str(tmp_path / "out"), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr, run.stderr
    assert "a.pdf: unsupported file type" in run.stderr
    assert "b.txt: binary file" in run.stderr
    assert "0 articles" in run.stdout


def test_rerun_analyses_only_new_files(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    cli.main(["analyze", str(corpus), "--out", str(out), "--workers", "1"])
    (corpus / "new.txt").write_text(
        "title: Extra\n\nThe Polish prime minister met the Ukrainian president in Warsaw on Monday.",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert cli.main(["analyze", str(corpus), "--out", str(out), "--workers", "1"]) == 0
    assert "6 articles (1 new)" in capsys.readouterr().out


def test_translate_through_a_loopback_provider_then_rerun_sends_nothing(
    corpus, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("NEWSPRISM_LIBRETRANSLATE_KEY", "sekret-api-key-123")
    out = tmp_path / "out"
    with run_server(api_key="sekret-api-key-123") as server:
        args = [
            "analyze",
            str(corpus),
            "--out",
            str(out),
            "--workers",
            "1",
            "--translate",
            "libretranslate",
            "--translator-url",
            server.url,
        ]
        assert cli.main(args) == 0
        first = server.requests
        assert first > 0
        assert cli.main(args) == 0
        assert server.requests == first
    paragraphs = pl.read_parquet(out / "paragraphs.parquet")
    assert paragraphs.filter(~pl.col("boilerplate"))["translation"].null_count() == 0
    for path in out.iterdir():
        assert b"sekret-api-key-123" not in path.read_bytes(), path
    assert "sekret-api-key-123" not in capsys.readouterr().out


def test_unknown_provider_and_missing_path_are_one_line_errors(tmp_path, capsys):
    assert cli.main(["analyze", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err
    code = cli.main(
        ["analyze", str(ROOT_SEEDS), "--out", str(tmp_path / "o2"), "--translate", "babelfish"]
    )
    assert code == 2
    assert "babelfish" in capsys.readouterr().err


def test_cache_stats_and_clear(corpus, tmp_path, capsys, monkeypatch):
    cache = tmp_path / "cache.sqlite"
    monkeypatch.setenv("NEWSPRISM_CACHE", str(cache))
    with run_server() as server:
        cli.main(
            [
                "analyze",
                str(corpus),
                "--out",
                str(tmp_path / "o"),
                "--workers",
                "1",
                "--translate",
                "libretranslate",
                "--translator-url",
                server.url,
            ]
        )
    capsys.readouterr()
    assert cli.main(["cache", "stats"]) == 0
    stats = capsys.readouterr().out
    assert "libretranslate" in stats
    assert cli.main(["cache", "clear", "--provider", "deepl"]) == 0
    assert "removed 0" in capsys.readouterr().out
    assert cli.main(["cache", "clear", "--provider", "libretranslate"]) == 0
    removed = int(capsys.readouterr().out.split()[1])
    assert removed > 0


def test_eval_language_reports_the_floor_or_says_data_is_absent(tmp_path, capsys, monkeypatch):
    from dashboard.evaluation import benchdata

    if not (benchdata.default_root() / "slavicner_dev").is_dir():
        assert cli.main(["eval", "language"]) == 2
        return
    assert cli.main(["eval", "language"]) == 0
    out = capsys.readouterr().out
    assert "all" in out and "1773" in out
    monkeypatch.setenv("NEWSPRISM_BENCH", str(tmp_path))
    assert cli.main(["eval", "language"]) == 2
    said = capsys.readouterr()
    assert "not found" in said.out + said.err


def test_a_small_addition_joins_the_stored_results_unless_recluster_is_asked(
    corpus, tmp_path, capsys
):
    for i in range(5):
        (corpus / f"extra{i}.txt").write_text(
            f"title: Extra {i}\n\nThe mayor of Graz opened bridge number {i} on Monday.",
            encoding="utf-8",
        )
    out = tmp_path / "out"
    cli.main(["analyze", str(corpus), "--out", str(out), "--workers", "1"])
    assert "made over every article" in capsys.readouterr().out
    (corpus / "new.txt").write_text(
        "title: New\n\nThe mayor of Graz opened another bridge on Tuesday.", encoding="utf-8"
    )
    assert cli.main(["analyze", str(corpus), "--out", str(out), "--workers", "1"]) == 0
    said = capsys.readouterr().out
    assert "11 articles (1 new)" in said and "added to the stored ones" in said
    (corpus / "newer.txt").write_text(
        "title: Newer\n\nThe mayor of Graz closed a bridge on Wednesday.", encoding="utf-8"
    )
    args = ["analyze", str(corpus), "--out", str(out), "--workers", "1", "--recluster"]
    assert cli.main(args) == 0
    assert "made over every article" in capsys.readouterr().out


def test_cache_stats_into_a_closed_pipe_ends_without_a_traceback(tmp_path):
    cache = tmp_path / "cache.sqlite"
    cmd = f"{sys.executable} -m dashboard.cli cache stats --cache {cache} | true"
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT_SEEDS.parent)
    assert "BrokenPipeError" not in done.stderr
    assert "Traceback" not in done.stderr
