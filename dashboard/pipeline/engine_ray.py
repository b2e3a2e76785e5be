"""`newsprism analyze --engine ray`: the same pure steps, mapped over Parquet shards with Ray.

The driver loads the inputs and cuts the new articles into shards under `out/_work/in/`. One Ray
task per shard runs `pipeline.enrich` (normalise, language, mentions, dates) and writes its
tables beside them. The cross-article steps (translation, linking, stories, alignments:
`pipeline.finish`) are a reduce over those shard results in the driver. The analysis is written
partitioned, `out/articles/part-00000.parquet`..., which `store.scan` reads like a single file.

`out` must be on storage every Ray node sees (the shards travel as files, not in the object
store); with no address a local Ray instance with two CPUs is started and shut down again.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from dashboard import atomic
from dashboard.pipeline import pipeline
from dashboard.schema import TABLES, conform, empty
from dashboard.store import store, view_tables

SHARD_ARTICLES = 2000
"""Articles per shard: big enough to amortise a task, small enough to spread over the nodes."""
PER_ARTICLE = ("articles", "paragraphs", "mentions", "dates")
WORK = "_work"
LOCAL_CPUS = 2


def write_shard(out: Path, table: str, part: int, frame: pl.DataFrame) -> Path:
    """Write one shard of a contract table atomically (conformed to its schema)."""
    return _write_part(out / table, part, conform(frame, table), table)


def _write_part(folder: Path, part: int, frame: pl.DataFrame, table: str | None = None) -> Path:
    path = folder / f"part-{part:05d}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    store.write_frame(path, frame, table)
    return path


def write_manifest(
    out: Path, counts: dict[str, int], extra: dict[str, Any], *, views: bool = False
) -> dict[str, Any]:
    """The manifest store.write_analysis writes, for tables already on disk (written last).
    views: the view tables were just written from these tables (else any old ones are removed,
    and readers compute the views from the tables)."""
    manifest = store.new_manifest(counts, extra)
    if views:
        manifest[store.VIEWS_FROM] = store.view_fingerprint(out, manifest)
    else:
        for name in view_tables.NAMES:
            (out / store.base_file(name)).unlink(missing_ok=True)
    atomic.write_json(out / store.MANIFEST, manifest)
    store.sweep(out, manifest)  # an earlier increment's part files: the tables now hold all rows
    return manifest


def write_partitioned(
    out: Path, tables: pipeline.Tables, extra: dict[str, Any], *, shard_articles: int
) -> dict[str, Any]:
    """Write every table as a folder of shards (per-article tables split by article) of a new
    generation beside the current one, then switch the manifest to it (store.switch): a crash
    leaves the old analysis or the new one."""
    out.mkdir(parents=True, exist_ok=True)
    store.check_unique(tables)
    ids = tables.get("articles", empty("articles")).select("article_id")
    part_of = ids.with_columns(_part=(pl.int_range(pl.len()) // shard_articles).cast(pl.Int32))
    counts: dict[str, int] = {}
    generation = store.new_generation()
    staged = store.taken_state(extra)
    with store.writing(out):
        for table in TABLES:
            frame = conform(tables.get(table, empty(table)), table)
            counts[table] = frame.height
            folder = out / f"{table}.{generation}"
            written: list[Path] = []
            if table in PER_ARTICLE:
                frame = frame.join(part_of, on="article_id", how="left", maintain_order="left")
                frame = frame.with_columns(pl.col("_part").fill_null(0))
                parts = frame.partition_by("_part", as_dict=True, include_key=False)
                for key, piece in (parts or {(0,): frame.drop("_part")}).items():
                    written.append(_write_part(folder, int(str(key[0])), piece, table))
            else:
                written.append(_write_part(folder, 0, frame, table))
            staged[table] = sorted(p.relative_to(out).as_posix() for p in written)
        sources = [conform(tables.get(t, empty(t)), t).lazy() for t in view_tables.SOURCES]
        staged |= store.stage_views(out, sources, generation)
        manifest = {**store.new_manifest(counts, extra), "parts": {}}
        return store.switch(out, manifest, staged, views=True)


def _enrich_shard(in_path: str, out_dir: str, part: int) -> dict[str, int]:
    """One map task: read a shard of articles, enrich it, write each table's shard."""
    tables = pipeline.enrich(pl.read_parquet(in_path))
    for table, frame in tables.items():
        write_shard(Path(out_dir), table, part, frame)
    return {t: f.height for t, f in tables.items()}


def enrich_shards(articles: pl.DataFrame, work: Path, *, shard_articles: int) -> pipeline.Tables:
    """Map `pipeline.enrich` over shards of `articles` with Ray tasks; collect their tables."""
    import ray

    shutil.rmtree(work, ignore_errors=True)
    task = ray.remote(num_cpus=1)(_enrich_shard)
    refs = []
    for part, start in enumerate(range(0, articles.height, shard_articles)):
        path = _write_part(work / "in", part, articles.slice(start, shard_articles))
        refs.append(task.remote(str(path), str(work / "enriched"), part))
    ray.get(refs)
    # the reduce reads the shard files back in part order, so rows keep the input order
    tables = {t: store.scan(work / "enriched", t).collect() for t in PER_ARTICLE}
    shutil.rmtree(work, ignore_errors=True)
    return {t: conform(f, t) for t, f in tables.items()}


def _start(address: str | None) -> bool:
    """Connect to `address`, or start a quiet local instance; True when we started one."""
    import ray

    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    quiet: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.ERROR,
    }
    if address:
        # ship this package to the cluster; its dependencies must be installed on the nodes
        ray.init(
            address=address,
            runtime_env={"py_modules": [str(Path(__file__).resolve().parents[1])]},
            **quiet,
        )
    else:
        ray.init(num_cpus=LOCAL_CPUS, **quiet)
    return True


def analyze(
    paths: Sequence[str | Path],
    out: Path,
    options: pipeline.RunOptions | None = None,
    *,
    address: str | None = None,
    shard_articles: int = SHARD_ARTICLES,
) -> pipeline.Result:
    """pipeline.analyze with enrichment mapped over Ray tasks and a partitioned store."""
    info: dict[str, Any] = {
        "name": "ray",
        "address": address or "local",
        "cpus": 0,
        "shard_articles": shard_articles,
    }

    def enrich_on_ray(articles: pl.DataFrame) -> pipeline.Tables:
        if articles.height == 0:  # nothing new: no cluster needed, only the reduce
            return {t: empty(t) for t in PER_ARTICLE}
        import ray

        started = _start(address)
        try:
            info["cpus"] = int(ray.cluster_resources().get("CPU", 0))
            return enrich_shards(articles, Path(out) / WORK, shard_articles=shard_articles)
        finally:
            if started:
                ray.shutdown()

    def write(folder: Path, tables: pipeline.Tables, extra: dict[str, Any]) -> dict[str, Any]:
        return write_partitioned(folder, tables, extra, shard_articles=shard_articles)

    return pipeline.analyze(paths, out, options, engine=pipeline.Engine(enrich_on_ray, write, info))
