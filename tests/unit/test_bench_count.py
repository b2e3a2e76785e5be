"""bench_count: instructions counted by a real callgrind, the same from one run to the next, and
the sample it counts them on."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from dashboard.bench import bench_count, bench_mixed


def test_callgrind_counts_the_work_a_program_does_and_counts_it_again_alike() -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("no valgrind (make test installs Debian's valgrind when run as root)")
    idle = bench_count.instructions([sys.executable, "-c", "pass"], bench_count.ENV)
    again = bench_count.instructions([sys.executable, "-c", "pass"], bench_count.ENV)
    busy = bench_count.instructions(
        [sys.executable, "-c", "sum(range(2_000_000))"], bench_count.ENV
    )
    assert idle > 10_000_000  # an interpreter's start is tens of millions
    assert abs(again - idle) / idle < 0.02
    # two million additions of Python integers: at least ten instructions each
    assert busy - idle > 20_000_000


def test_the_total_is_read_from_the_summary_or_the_totals_line() -> None:
    assert bench_count.parse_total("version: 1\nevents: Ir\nsummary: 1234567\n") == 1234567
    assert bench_count.parse_total("events: Ir\nfn=main\n5 7\ntotals: 42\n") == 42
    with pytest.raises(ValueError):
        bench_count.parse_total("events: Ir\nfn=main\n5 7\n")


def test_without_valgrind_it_says_so_and_counts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no valgrind in it
    with pytest.raises(bench_count.CannotCount):
        bench_count.instructions(["true"])
    monkeypatch.setattr(bench_mixed, "real_corpus", lambda: {"en": ["One.", "Two."]})
    assert bench_count.main(["--articles", "2"]) == 2
    assert "valgrind is not installed" in capsys.readouterr().err


def test_without_real_texts_it_says_where_they_were_looked_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("no valgrind (make test installs Debian's valgrind when run as root)")
    monkeypatch.setattr(bench_mixed, "real_corpus", dict)  # no shared bench data, no seeds
    assert bench_count.main(["--articles", "5"]) == 2
    assert "no real texts to count on" in capsys.readouterr().err


def test_the_sample_is_the_same_for_a_seed_and_mixes_the_languages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    groups = {lang: [f"{lang} text {k}." for k in range(50)] for lang in ("cs", "de", "pl", "ru")}
    monkeypatch.setattr(bench_mixed, "real_corpus", lambda: groups)
    first = bench_count.sample(40)
    assert first == bench_count.sample(40)
    assert first != bench_count.sample(40, seed=bench_count.SEED + 1)
    assert len({text for _, text in first}) == 40
    languages = [text.split()[0] for _, text in first]
    assert set(languages) == set(groups)
    # in no order of language: the texts change language many times along the sample
    assert sum(a != b for a, b in zip(languages, languages[1:], strict=False)) > 15
    assert len(bench_count.sample(1000)) == 200  # never more than the corpus has


def test_the_report_names_each_count_in_millions() -> None:
    report = {
        "articles": 10,
        "seed": 26,
        "characters": 20_000,
        "instructions": {"start": 3_000_000_000, "enrich": 3_500_000_000},
        "steps": {"enrich": 500_000_000},
        "per_article": {"enrich": 50_000_000},
    }
    printed = "\n".join(bench_count.render(report))
    assert "10 real articles" in printed
    assert "start (imports, loading the files): 3,000 M" in printed
    assert "per-article steps: 500 M (50.0 M an article, 25,000 a character)" in printed
