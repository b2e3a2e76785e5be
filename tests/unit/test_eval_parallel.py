"""Actor agreement between the versions of one document (`newsprism eval parallel`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from dashboard.evaluation import eval_parallel


def _sets() -> dict[tuple[str, str], dict[str, str]]:
    return {
        ("en", "d1"): {"PER:trump": "PER", "LOC:china": "LOC", "ORG:un": "ORG", "PER:kim": "PER"},
        ("sr", "d1"): {"PER:trump": "PER", "LOC:china": "LOC", "ORG:ministarstva": "ORG"},
        ("en", "d2"): {"PER:may": "PER"},
        ("sr", "d2"): {"PER:may": "PER"},
    }


def test_shares_are_means_over_documents_in_both_directions() -> None:
    got = eval_parallel.score(_sets(), "en", {"ORG:un": "UN"})
    rows = {(r["variety"], r["type"]): r for r in got["agreement"].iter_rows(named=True)}
    # d1: 2 of 4 English actors in Serbian, 2 of 3 Serbian ones in English; d2: all
    assert rows[("sr", "all")]["pivot_found_here"] == round((2 / 4 + 1) / 2, 4)
    assert rows[("sr", "all")]["here_found_in_pivot"] == round((2 / 3 + 1) / 2, 4)
    assert rows[("sr", "PER")]["pivot_found_here"] == round((1 / 2 + 1) / 2, 4)
    assert rows[("sr", "ORG")]["pivot_found_here"] == 0.0
    assert rows[("all", "all")] == rows[("sr", "all")] | {"variety": "all"}
    assert got["jaccard"] == round((2 / 5 + 1) / 2, 4)


def test_one_sided_actors_are_listed_with_their_labels() -> None:
    misses = eval_parallel.score(_sets(), "en", {"ORG:un": "UN"})["one_sided"]
    missed = misses.filter(pl.col("side") == "missed")
    assert set(missed["entity_id"]) == {"ORG:un", "PER:kim"}
    assert missed.filter(pl.col("entity_id") == "ORG:un")["label"].item() == "UN"
    extra = misses.filter(pl.col("side") == "extra")
    assert extra["entity_id"].to_list() == ["ORG:ministarstva"]


def test_the_wide_table_has_two_columns_per_type() -> None:
    wide = eval_parallel.table(eval_parallel.score(_sets(), "en", {})["agreement"], "en")
    assert wide.columns[:3] == ["variety", "all en→", "all →en"]
    assert wide["variety"].to_list() == ["sr", "all"]


def test_eval_parallel_runs_on_any_folder_per_language(tmp_path: Path) -> None:
    docs = {
        "eng": ("Brett Kavanaugh met Donald Trump in Washington.", "Angela Merkel spoke."),
        "srp": ("Брет Кавано се састао са Доналдом Трампом у Вашингтону.", "Ангела Меркел је говорила."),
    }  # fmt: skip
    for variety, texts in docs.items():
        for no, text in enumerate(texts):
            folder = tmp_path / "corpus" / variety
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"doc{no}.txt").write_text(f"{text}\n\n{text}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "eval", "parallel", str(tmp_path / "corpus"),
         "--pivot", "eng"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 documents, pivot eng" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("│ srp"))
    assert row.split("┆")[1].strip() == "1.0"  # every English actor found in Serbian
    assert (tmp_path / eval_parallel.MISSES_FILE).is_file()


def test_eval_parallel_names_a_missing_folder() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "eval", "parallel", "/nonexistent/corpus"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "not a folder" in done.stderr and "Traceback" not in done.stderr
