"""The analyst's alias file: merge, split, rename, retype, hide; atomic, survives re-analysis."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.errors import NewsprismError
from dashboard.steps.aliases import (
    Aliases,
    apply_aliases,
    hide,
    merge,
    read_aliases,
    rename,
    retype,
    split,
    write_aliases,
)
from dashboard.steps.linking import link


def _linked() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = [
        ("a", "Maduro", "PER", "madur", "sr"),
        ("b", "Μαδούρο", "PER", "madur", "el"),
        ("a", "Guaido", "PER", "guaid", "de"),
        ("b", "Belta", "ORG", "belt", "sr"),
        ("c", "BELTA", "ORG", "belt", "el"),
    ]
    mentions = pl.DataFrame(
        [{"article_id": a, "para_no": 0, "start": 0, "end": len(t), "text": t, "type": ty, "key": k, "language": lang}
         for a, t, ty, k, lang in rows]
    )  # fmt: skip
    return link(mentions)


def _ids(mentions: pl.DataFrame) -> dict[str, str]:
    return dict(zip(mentions["text"], mentions["entity_id"], strict=True))


def test_merge_rename_retype_hide(tmp_path: Path) -> None:
    mentions, entities = _linked()
    ids = _ids(mentions)
    al = merge(Aliases(), [ids["Maduro"], ids["Guaido"]])
    al = rename(al, ids["Maduro"], "Venezuelan leaders")
    al = retype(al, ids["Belta"], "MISC")
    al = hide(al, ids["Belta"])
    m2, e2 = apply_aliases(mentions, entities, al)
    assert _ids(m2)["Guaido"] == ids["Maduro"]
    row = e2.filter(pl.col("entity_id") == ids["Maduro"]).row(0, named=True)
    assert row["label"] == "Venezuelan leaders"
    assert row["n_mentions"] == 3
    belta = e2.filter(pl.col("entity_id") == ids["Belta"]).row(0, named=True)
    assert belta["type"] == "MISC" and belta["hidden"] is True
    assert m2.filter(pl.col("text") == "Belta")["type"].to_list() == ["MISC"]
    assert e2.filter(pl.col("entity_id") != ids["Belta"])["hidden"].to_list() == [False]


def test_split_moves_surface_forms_to_a_new_entity() -> None:
    mentions, entities = _linked()
    ids = _ids(mentions)
    al, new_id = split(Aliases(), ids["Belta"], ["BELTA"], label="BELTA (newswire)")
    m2, e2 = apply_aliases(mentions, entities, al)
    assert _ids(m2)["BELTA"] == new_id != _ids(m2)["Belta"]
    assert e2.filter(pl.col("entity_id") == new_id)["label"].to_list() == ["BELTA (newswire)"]


def test_file_round_trip_survives_reanalysis(tmp_path: Path) -> None:
    path = tmp_path / "out" / "aliases.json"
    mentions, entities = _linked()
    ids = _ids(mentions)
    al = hide(merge(Aliases(), [ids["Maduro"], ids["Guaido"]]), ids["Belta"])
    write_aliases(path, al)
    assert json.loads(path.read_text("utf-8"))["version"] == 1
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    again = read_aliases(path)
    assert again == al
    # a re-run of linking produces the same ids, so the file still applies
    m2, e2 = apply_aliases(*_linked(), again)
    assert _ids(m2)["Guaido"] == ids["Maduro"]


def test_missing_file_means_no_corrections_and_bad_file_says_so(tmp_path: Path) -> None:
    assert read_aliases(tmp_path / "none.json") == Aliases()
    bad = tmp_path / "aliases.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NewsprismError, match="alias file is not valid JSON"):
        read_aliases(bad)


def test_unknown_type_is_refused() -> None:
    with pytest.raises(NewsprismError):
        retype(Aliases(), "PER:x", "THING")


def test_ids_that_no_longer_exist_are_ignored() -> None:
    mentions, entities = _linked()
    al = rename(merge(Aliases(), ["PER:gone", "PER:also-gone"]), "ORG:none", "x")
    m2, e2 = apply_aliases(mentions, entities, al)
    assert sorted(e2["entity_id"].to_list()) == sorted(entities["entity_id"].to_list())
