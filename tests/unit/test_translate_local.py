"""The local provider end to end with a tiny model built here: add, list, translate the seeds,
re-run from the cache, pivot through English, broken and missing files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dashboard import cli
from dashboard.errors import NewsprismError
from dashboard.store import store
from dashboard.translate import models, translate_local
from tests import tiny_model

SERBIAN = (
    "Beloruski predsednik Aleksandar Lukašenko danas je održao svoj drugi sastanak za 17 dana sa"
    " ambasadorom Venecuele u Moskvi, rekli su izvori.\n\nMaduro je u telefonskom razgovoru rekao"
    " Trampu da je spreman da napusti Venecuelu ako on i njegova porodica dobiju amnestiju.\n"
)


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny .argosmodel packages: sr->en, de->en, en->de (built once for the module)."""
    work = tmp_path_factory.mktemp("tiny-models")
    return {
        pair: tiny_model.argos_package(
            work / f"{pair}.argosmodel", *pair.split("-"), work / "build", seed=i
        )
        for i, pair in enumerate(("sr-en", "de-en", "en-de"))
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty model store and translation cache for one test."""
    monkeypatch.setenv(models.ENV_MODELS, str(tmp_path / "models"))
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "cache.sqlite"))
    return tmp_path / "models"


def test_add_list_remove(
    packages: dict[str, Path], home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models", "add", str(packages["sr-en"])]) == 0
    assert "added sr-en (sr -> en, version 0.1" in capsys.readouterr().out
    assert cli.main(["models", "list"]) == 0
    listed = capsys.readouterr().out
    assert "sr-en\tsr -> en\tversion 0.1" in listed and "sr-en.argosmodel" in listed
    (info,) = models.list_models()
    assert info.kind == "argos" and info.size > 0
    assert sorted(p.name for p in home.iterdir()) == ["sr-en"]  # no staging folder left
    assert cli.main(["models", "remove", "sr-en"]) == 0
    assert models.list_models() == []
    assert cli.main(["models", "remove", "sr-en"]) == 2
    assert "no such model" in capsys.readouterr().err


def test_bare_ctranslate2_folder_needs_its_languages(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "converted"
    sp = tiny_model.train_sentencepiece(folder)
    tiny_model.build_ct2_model(folder, sp)
    assert cli.main(["models", "add", str(folder)]) == 2
    assert "source language is unknown; give it with --source" in capsys.readouterr().err
    assert cli.main(["models", "add", str(folder), "--source", "de", "--target", "en"]) == 0
    (info,) = models.list_models()
    assert (info.name, info.kind, info.model_dir) == ("de-en", "ctranslate2", ".")


def test_broken_and_missing_files_give_a_clear_message(
    packages: dict[str, Path], tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models", "add", str(tmp_path / "nothing.argosmodel")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"not a zip at all")
    assert cli.main(["models", "add", str(junk)]) == 2
    assert "not a readable model package" in capsys.readouterr().err
    # a package whose model.bin is damaged is refused when added, nothing is installed
    broken = tmp_path / "broken.argosmodel"
    with zipfile.ZipFile(packages["sr-en"]) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[:100] if item.filename.endswith("model.bin") else data)
    assert cli.main(["models", "add", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "cannot be loaded (broken file?)" in err and "Traceback" not in err
    assert models.list_models() == [] and [p.name for p in home.iterdir()] == []
    # an installed model whose file went missing: the run says so, no traceback
    assert cli.main(["models", "add", str(packages["sr-en"])]) == 0
    (home / "sr-en" / "sentencepiece.model").unlink()
    with pytest.raises(NewsprismError) as caught:
        models.load_pair(home / "sr-en", models.list_models()[0])
    assert "sentencepiece.model is missing; add the model again" in str(caught.value)
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.txt").write_text(SERBIAN, encoding="utf-8")
    argv = ["analyze", str(one), "--out", str(tmp_path / "an"), "--translate", "local"]
    assert cli.main([*argv, "--workers", "1"]) == 0  # the analysis is written, untranslated
    out = capsys.readouterr().out
    assert "translation unavailable: sr-en: the model file sentencepiece.model is missing" in out


def test_analyze_seeds_with_local_models_then_from_cache(
    packages: dict[str, Path],
    seeds_dir: Path,
    tmp_path: Path,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for pair in ("sr-en", "de-en"):
        assert cli.main(["models", "add", str(packages[pair])]) == 0
    out = tmp_path / "an"
    calls = translate_local.LOADED.calls
    argv = ["analyze", str(seeds_dir), "--out", str(out), "--translate", "local", "--workers", "1"]
    assert cli.main(argv) == 0
    note = capsys.readouterr().out
    assert "translation:" in note and "models: de → en; sr → en" in note
    assert translate_local.LOADED.calls > calls
    paras = store.Analysis.open(out).frame("paragraphs")
    arts = store.Analysis.open(out).frame("articles").select("article_id", "language")
    done = paras.join(arts, on="article_id", suffix="_a").with_columns(
        lang=pl.coalesce("language", "language_a")
    )
    sr = done.filter(pl.col("lang") == "sr", ~pl.col("boilerplate").fill_null(False))
    assert sr.height > 0 and sr["translation"].is_not_null().all()
    assert set(sr["translator"]) == {"local sr-en@0.1"}
    assert set(sr["translation_status"]) == {"translated"}
    assert sr["quality"].is_not_null().all()  # every translated paragraph is judged
    ro = done.filter(pl.col("lang") == "ro", ~pl.col("boilerplate").fill_null(False))
    assert ro["translation"].is_null().all()
    assert ro["translation_status"].str.contains("no local model translates 'ro'").all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["translation"]["provider"] == "local"

    # a second analysis of the same seeds: every text comes from the cache, 0 model calls
    calls = translate_local.LOADED.calls
    argv[3] = str(tmp_path / "again")
    assert cli.main(argv) == 0
    assert "translation: 0 requests" in capsys.readouterr().out
    assert translate_local.LOADED.calls == calls
    again = store.Analysis.open(tmp_path / "again").frame("paragraphs")
    assert set(again.filter(pl.col("translator").is_not_null())["translation_status"]) == {"cached"}


def test_pivot_through_english_and_sentence_pieces(packages: dict[str, Path], home: Path) -> None:
    for pair in ("sr-en", "en-de"):
        models.add_model(packages[pair])
    installed = models.list_models()
    chain = translate_local.route("sr", "de", installed)
    assert chain is not None and [m.name for m in chain] == ["sr-en", "en-de"]
    assert translate_local.route_note(chain) == (
        "sr → en → de (pivot through English: no direct model)"
    )
    assert translate_local.model_id("sr", "de") == "sr-en@0.1+en-de@0.1"
    assert translate_local.route("ro", "de", installed) is None
    client = translate_local.LocalClient("de")
    text = "Maduro je rekao Trampu.  Lukašenko je održao sastanak! " + "reč " * 150
    (out,) = client.translate([text], "sr")
    assert isinstance(out, str) and out.count("  ") >= 1  # the original spacing is kept
    pieces, seps = translate_local.split_sentences(text)
    assert len(pieces) >= 4 and max(map(len, pieces)) <= 400
    assert "".join(p + s for p, s in zip(pieces, [*seps, ""], strict=True)) == text


def test_bench_reports_throughput_load_time_and_a_free_rerun() -> None:
    from dashboard.bench import bench_local

    report = bench_local.bench(12)
    assert report["translated"] == 12 and report["first_run_model_calls"] > 0
    assert report["rerun_model_calls"] == 0 and report["rerun_cache_hits"] == 12
    assert report["paragraphs_per_s_per_core"] > 0 and report["model_load_seconds"] >= 0
    assert "paragraphs/s per core" in bench_local.render(report)


def test_opus_mt_layout_takes_its_languages_from_the_name(tmp_path: Path, home: Path) -> None:
    """A converted OPUS-MT folder: source.spm and target.spm, the pair in the folder's name, and
    "</s>" appended to the input as its tokenizer does."""
    folder = tmp_path / "opus-mt-de-en"
    sp = tiny_model.train_sentencepiece(tmp_path / "spm")
    tiny_model.build_ct2_model(folder, sp)
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(sp.read_bytes())
    info = models.add_model(folder)
    assert (info.name, info.source_spm, info.target_spm, info.source_eos) == (
        "de-en", "source.spm", "target.spm", True,
    )  # fmt: skip
    (out,) = translate_local.LocalClient("en").translate(["Maduro sagte das gestern."], "de")
    assert isinstance(out, str)
