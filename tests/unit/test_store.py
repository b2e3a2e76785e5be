import json
import threading

import polars as pl
import pytest

from dashboard import atomic
from dashboard.errors import NewsprismError
from dashboard.schema import SCHEMAS, TABLES, empty
from dashboard.store import store


def test_every_table_written_with_its_schema_even_when_empty(tmp_path):
    manifest = store.write_analysis(tmp_path, {}, {"inputs": []})
    for table in TABLES:
        frame = pl.read_parquet(tmp_path / f"{table}.parquet")
        assert frame.schema == pl.Schema(SCHEMAS[table])
    assert manifest["counts"] == {t: 0 for t in TABLES}
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk["contract_version"] == store.CONTRACT_VERSION
    # the manifest describes the schema actually written
    for table in TABLES:
        written = pl.read_parquet_schema(tmp_path / f"{table}.parquet")
        assert {c: str(d) for c, d in written.items()} == on_disk["schema"][table]


def test_manifest_missing_or_foreign_is_a_clear_error(tmp_path):
    with pytest.raises(NewsprismError, match="not an analysis folder"):
        store.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"contract_version": "9.0"}')
    with pytest.raises(NewsprismError, match="contract version 9.0"):
        store.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{half")
    with pytest.raises(NewsprismError, match="unreadable"):
        store.read_manifest(tmp_path)


def test_scan_reads_shards_like_a_single_file(tmp_path):
    part = empty("stories").vstack(
        pl.DataFrame(
            {"story_id": ["s1"], "label": ["x"], "article_ids": [["a"]]},
            schema=SCHEMAS["stories"],
        )
    )
    (tmp_path / "stories").mkdir()
    part.write_parquet(tmp_path / "stories" / "part-0.parquet")
    part.write_parquet(tmp_path / "stories" / "part-1.parquet")
    assert store.scan(tmp_path, "stories").collect().height == 2
    assert store.scan(tmp_path, "alignments").collect().schema == pl.Schema(SCHEMAS["alignments"])


def test_atomic_writes_never_leave_a_partial_file(tmp_path):
    target = tmp_path / "aliases.json"
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            for i in range(50):
                atomic.write_json(target, {"writer": n, "i": i, "pad": "x" * 5000})
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):
        if target.exists():
            json.loads(target.read_text())  # always a whole document
    for t in threads:
        t.join()
    assert not errors
    assert json.loads(target.read_text())["i"] == 49
    assert [p.name for p in tmp_path.iterdir()] == ["aliases.json"]


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "t.json"
    atomic.write_json(target, {"v": 1})

    def boom(tmp):
        tmp.write_text("partial")
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        atomic.write_with(target, boom)
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]
