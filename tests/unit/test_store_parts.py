"""An analysis grown by part files: listed in the manifest, read as one table, swept, compacted."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import polars as pl
import pytest

from dashboard.schema import SCHEMAS
from dashboard.steps import story_state
from dashboard.store import store


def _dates(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"article_id": ids, "para_no": [0] * len(ids), "text": ["21 Nov"] * len(ids)}
    )


@pytest.fixture
def analysis(tmp_path: Path) -> Path:
    store.write_analysis(tmp_path, {"dates": _dates(["a", "b"])}, {"inputs": []})
    return tmp_path


def test_appended_rows_are_new_parts_and_the_stored_file_is_untouched(analysis: Path) -> None:
    before = (analysis / "dates.parquet").read_bytes()
    stories = pl.DataFrame(
        {"story_id": ["s"], "label": ["x"], "article_ids": [["c"]]}, schema=SCHEMAS["stories"]
    )
    manifest = store.append_analysis(
        analysis, {"dates": _dates(["c"])}, {"stories": stories}, {"note": "added"}
    )
    assert (analysis / "dates.parquet").read_bytes() == before
    assert manifest["parts"]["dates"][0] == "dates.parquet"
    assert manifest["parts"]["dates"][1].startswith(f"{store.ADDED}/dates-")
    assert manifest["counts"]["dates"] == 3 and manifest["counts"]["stories"] == 1
    an = store.Analysis.open(analysis)
    assert sorted(an.frame("dates")["article_id"]) == ["a", "b", "c"]
    assert an.frame("dates").schema == pl.Schema(SCHEMAS["dates"])
    assert an.frame("stories")["story_id"].to_list() == ["s"]
    assert an.manifest["note"] == "added"
    # the module-level scan reads the manifest's list too
    assert store.scan(analysis, "dates").collect().height == 3


def test_a_part_no_manifest_lists_is_never_read_and_is_swept(analysis: Path) -> None:
    # a run that crashed after writing its part, before its manifest
    orphan = analysis / store.ADDED / "dates-crashed.parquet"
    orphan.parent.mkdir()
    _dates(["ghost"]).write_parquet(orphan)
    assert store.Analysis.open(analysis).frame("dates").height == 2
    store.append_analysis(analysis, {"dates": _dates(["c"])}, {}, {})
    assert not orphan.exists()
    assert "ghost" not in store.Analysis.open(analysis).frame("dates")["article_id"].to_list()


def test_many_parts_are_compacted_and_a_full_write_removes_them(analysis: Path) -> None:
    for i in range(store.MAX_PARTS + 1):
        manifest = store.append_analysis(analysis, {"dates": _dates([f"n{i}"])}, {}, {})
    assert len(manifest["parts"]["dates"]) <= store.MAX_PARTS
    frame = store.Analysis.open(analysis).frame("dates")
    assert frame.height == 2 + store.MAX_PARTS + 1
    assert frame["article_id"].n_unique() == frame.height
    on_disk = {p.relative_to(analysis).as_posix() for p in analysis.glob(f"{store.ADDED}/*")}
    listed = {p for p in manifest["parts"]["dates"] if p.startswith(store.ADDED)}
    assert on_disk == listed
    # compacted away from the single file: it is gone, not read twice
    if "dates.parquet" not in manifest["parts"]["dates"]:
        assert not (analysis / "dates.parquet").exists()
    store.write_analysis(analysis, {"dates": _dates(["only"])}, {})
    assert not list(analysis.glob(f"{store.ADDED}/*"))
    assert store.Analysis.open(analysis).frame("dates")["article_id"].to_list() == ["only"]


def test_replacing_a_table_of_a_grown_analysis_lists_its_single_file(analysis: Path) -> None:
    store.append_analysis(analysis, {"dates": _dates(["c"])}, {}, {})
    manifest = store.update_tables(analysis, {"dates": _dates(["z"])}, {})
    assert manifest["parts"]["dates"] == ["dates.parquet"]
    assert store.Analysis.open(analysis).frame("dates")["article_id"].to_list() == ["z"]
    assert not list(analysis.glob(f"{store.ADDED}/*"))


def test_state_tables_are_appended_like_contract_tables(analysis: Path) -> None:
    rows = pl.DataFrame({"feature": ["e:x"], "df": [2]})
    store.write_frame(analysis / store.base_file("state_df"), rows)
    manifest = store.append_analysis(analysis, {"state_df": rows}, {}, {})
    assert manifest["parts"]["state_df"][0] == "_state_df.parquet"
    summed = store.scan_parts(analysis, "state_df", manifest)
    assert summed is not None and summed.collect()["df"].sum() == 4
    assert "state_df" not in manifest["counts"]


def test_writers_of_one_folder_take_turns(tmp_path: Path) -> None:
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with store.writing(tmp_path):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait()
    with store.writing(tmp_path):
        order.append("second in")
        with store.writing(tmp_path):  # the same thread again: no deadlock
            order.append("nested")
    thread.join()
    assert order == ["first done", "second in", "nested"]


def test_centroid_rows_appended_sum_to_the_centroid_of_all_members() -> None:
    vectors = pl.DataFrame(
        {
            "article_id": ["a", "a", "b", "c", "c", "d"],
            "feature": ["e:x", "d:1", "e:x", "e:x", "q:y", "e:z"],
            "w": [0.6, 0.8, 1.0, 0.28, 0.96, 1.0],
        }
    )
    old = pl.DataFrame({"article_id": ["a", "b"], "story": ["s1", "s1"]})
    new = pl.DataFrame({"article_id": ["c", "d"], "story": ["s1", "s2"]})
    stored = story_state.centroids(vectors.filter(pl.col("article_id").is_in(["a", "b"])), old)
    rows = story_state.added(vectors.filter(pl.col("article_id").is_in(["c", "d"])), new, stored)
    summed = (
        pl.concat([stored, rows])
        .group_by("story", "feature")
        .agg(pl.col("c").sum())
        .sort("story", "feature")
    )
    expected = story_state.centroids(vectors, pl.concat([old, new]))
    assert summed["story"].to_list() == expected["story"].to_list()
    assert summed["feature"].to_list() == expected["feature"].to_list()
    assert summed["c"].to_list() == pytest.approx(expected["c"].to_list())
    # the squared norm of s1 is |(0.6+1+0.28, 0.8, 0.96)|^2
    norm = summed.filter((pl.col("story") == "s1") & (pl.col("feature") == story_state.NORM))
    assert norm["c"].item() == pytest.approx(1.88**2 + 0.8**2 + 0.96**2)


def test_best_centroids_match_a_plain_cosine_over_dense_and_sparse_features(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import math
    import random

    rng = random.Random(7)
    features = [f"e:{i}" for i in range(12)]
    vectors = pl.DataFrame(
        [(f"n{a}", f, rng.random()) for a in range(5) for f in rng.sample(features, 4)],
        schema={"article_id": pl.String, "feature": pl.String, "w": pl.Float64},
        orient="row",
    )
    member = pl.DataFrame(
        [(f"o{i}", f"s{i % 9}") for i in range(30)], schema=["article_id", "story"], orient="row"
    )
    old = pl.DataFrame(
        [(f"o{i}", f, rng.random()) for i in range(30) for f in rng.sample(features, 3)],
        schema={"article_id": pl.String, "feature": pl.String, "w": pl.Float64},
        orient="row",
    )
    stored = story_state.centroids(old, member)
    day = {"n0": 100.0, "n1": 500.0, "n2": float("nan")}
    window = {f"s{i}": (90.0 + 40 * i, 110.0 + 40 * i) for i in range(9)}
    # a low spread makes the common features dense columns; a few cells chunk the articles
    monkeypatch.setattr(story_state, "DENSE_SPREAD", 2)
    monkeypatch.setattr(story_state, "CELLS", 20)
    got = story_state.best_centroids(
        vectors,
        stored,
        pl.DataFrame({"article_id": list(day), "day": list(day.values())}).with_columns(
            pl.col("day").fill_nan(None)
        ),
        pl.DataFrame(
            [(s, lo, hi) for s, (lo, hi) in window.items()],
            schema=["story", "lo", "hi"],
            orient="row",
        ),
        365.0,
    )

    cent: dict[str, dict[str, float]] = {}
    for s, f, c in stored.iter_rows():
        cent.setdefault(s, {})[f] = c
    expected = {}
    for a in sorted(set(vectors["article_id"])):
        w = {f: x for aid, f, x in vectors.iter_rows() if aid == a}
        best = None
        for s in sorted(cent):
            dot = sum(x * cent[s].get(f, 0.0) for f, x in w.items())
            if dot == 0:
                continue
            lo, hi = window[s]
            d = day.get(a, float("nan"))
            gap = 0.0 if math.isnan(d) else max(d - hi, lo - d, 0.0)
            sim = dot / math.sqrt(cent[s][story_state.NORM]) * math.exp(-gap / 365.0)
            if best is None or sim > best[1] + 1e-12:
                best = (s, sim)
        if best:
            expected[a] = best
    assert {a: s for a, s, _ in got.iter_rows()} == {a: b[0] for a, b in expected.items()}
    for a, _, sim in got.iter_rows():
        assert sim == pytest.approx(expected[a][1])


def test_a_manifest_never_points_a_reader_outside_the_analysis(analysis: Path) -> None:
    import json

    outside = analysis.parent / "elsewhere.parquet"
    _dates(["secret"]).write_parquet(outside)
    manifest = json.loads((analysis / "manifest.json").read_text())
    manifest["parts"]["dates"] = ["dates.parquet", "../elsewhere.parquet", str(outside)]
    (analysis / "manifest.json").write_text(json.dumps(manifest))
    read = store.Analysis.open(analysis).frame("dates")
    assert sorted(read["article_id"]) == ["a", "b"]
