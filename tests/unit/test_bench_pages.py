"""The page benchmark's arguments, arithmetic and report (Chromium is not started here)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dashboard.bench import bench_pages
from dashboard.store import store


def _args(*argv: str) -> argparse.Namespace:
    return bench_pages.parser().parse_args(list(argv))


def test_defaults_time_every_page_on_the_seeds_and_ten_thousand_articles() -> None:
    args = _args()
    assert args.articles == 10_000
    assert not args.no_seeds
    assert bench_pages.check_args(args) == list(bench_pages.PAGES)


def test_pages_are_chosen_by_address_and_unknown_ones_refused_in_one_line() -> None:
    assert bench_pages.check_args(_args("--pages", "/overview, timeline,home")) == [
        "overview",
        "timeline",
        "",
    ]
    with pytest.raises(SystemExit, match="no such page nowhere"):
        bench_pages.check_args(_args("--pages", "overview,nowhere"))
    with pytest.raises(SystemExit, match="nothing to time"):
        bench_pages.check_args(_args("--articles", "0", "--no-seeds"))
    with pytest.raises(SystemExit, match="repeats"):
        bench_pages.check_args(_args("--repeats", "0"))


def test_code_to_serve_must_be_a_checkout(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not a newsprism checkout"):
        bench_pages.check_args(_args("--code", str(tmp_path)))
    assert bench_pages.check_args(_args("--code", str(bench_pages.ROOT))) == list(bench_pages.PAGES)


def test_summary_keeps_the_cold_visit_apart_and_counts_timeouts() -> None:
    samples: dict[str, list[float | None]] = {
        "": [3000.0, 900.0, 1100.0, 1000.0],
        "timeline": [5000.0, None, 1500.0],
        "load": [None, None],
    }
    out = bench_pages.summarise(samples)
    assert set(out) == {"home", "timeline", "load"}
    home = out["home"]
    assert home["cold_ms"] == 3000.0
    assert home["median_ms"] == 1000.0
    assert home["p95_ms"] == 1100.0  # the cold visit is not a warm one
    assert home["worst_ms"] == 3000.0
    assert home["timeouts"] == 0 and home["visits"] == 4
    assert out["timeline"]["timeouts"] == 1
    assert out["timeline"]["median_ms"] == 1500.0
    assert out["load"]["median_ms"] is None and out["load"]["timeouts"] == 2


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert bench_pages.percentile(values, 0.5) == 11.0
    assert bench_pages.percentile(values, 0.95) == 19.0
    assert bench_pages.percentile([7.0], 0.95) == 7.0


def test_main_prints_a_table_per_analysis_and_writes_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = bench_pages.summarise({"": [900.0, 400.0], "timeline": [None, 700.0]})
    fake = {
        "repeats": 1,
        "cores": 2,
        "measure": "ms",
        "analyses": {"seeds": {"articles": 5, "analysis": "x", "pages": pages, "samples_ms": {}}},
    }
    monkeypatch.setattr(bench_pages, "run", lambda args: fake)
    out = tmp_path / "pages.json"
    assert bench_pages.main(["--articles", "0", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "pages on seeds (5 articles)" in printed
    assert "/home" in printed and "/timeline" in printed
    assert "timeout" in printed  # the cold timeline visit was not drawn
    assert json.loads(out.read_text())["analyses"]["seeds"]["pages"]["home"]["p95_ms"] == 400.0


def test_the_seeds_analysis_is_built_once_and_reused(tmp_path: Path) -> None:
    first = bench_pages.analysis_for(0, tmp_path)
    assert store.is_analysis(first)
    stamp = (first / store.MANIFEST).stat().st_mtime_ns
    again = bench_pages.analysis_for(0, tmp_path)
    assert again == first
    assert (first / store.MANIFEST).stat().st_mtime_ns == stamp
