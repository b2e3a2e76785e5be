"""Synthetic corpora and analyses for `newsprism bench`, built from real texts on the machine.

`corpus` makes N articles from the seeds and, when present, the SlavicNER raw texts and RONEC
sentences in the shared bench folder (read by path, never copied): many languages, hundreds of
outlets, publication dates over a year, wire copies of one text in several outlets, and the
metadata gaps real exports have (no title, no date, a date only in the URL).

`replicate_analysis` makes a large analysis without running the pipeline: it copies the rows of
a real (small) analysis with new article ids, dates, outlets and stories, so the dashboard can
be timed on 100,000 or 1,000,000 articles.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from dashboard.evaluation import benchdata
from dashboard.schema import TABLES, conform
from dashboard.store import store, view_tables

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
YEAR_START = date(2025, 1, 1)
OUTLETS_PER_GROUP = 30
WIRE_SHARE = 0.3
"""Share of articles that are a wire copy of an earlier article, run by another outlet."""
RONEC_SENTENCES = 8
"""RONEC has sentences, not articles: this many consecutive sentences make one article."""


def seed_texts(seeds: Path = SEEDS) -> dict[str, list[str]]:
    """Each seed file as its own group (their languages differ), raw with header lines."""
    return {
        f"seed-{p.stem[:3]}": [p.read_text(encoding="utf-8")] for p in sorted(seeds.glob("*.txt"))
    }


def slavicner_texts(root: Path | None = None) -> dict[str, list[str]]:
    """SlavicNER raw documents grouped by language; empty when the bench data is absent."""
    base = (root or benchdata.default_root()) / "slavicner_dev" / "raw"
    groups: dict[str, list[str]] = {}
    for path in sorted(base.glob("*/*/*.txt")):
        groups.setdefault(f"slavicner-{path.parent.name}", []).append(
            path.read_text(encoding="utf-8")
        )
    return groups


def ronec_texts(root: Path | None = None) -> dict[str, list[str]]:
    """RONEC sentences glued into short Romanian articles; empty when the data is absent."""
    path = (root or benchdata.default_root()) / "ronec_ro" / "test.json"
    if not path.is_file():
        return {}
    sentences = [
        "".join(t + (" " if s else "") for t, s in zip(r["tokens"], r["space_after"], strict=True))
        for r in benchdata.load_ronec(root)
    ]
    step = RONEC_SENTENCES
    articles = [
        "\n\n".join(sentences[i : i + step]) for i in range(0, len(sentences) - step + 1, step)
    ]
    return {"ronec-ro": articles} if articles else {}


def real_texts(seeds: Path = SEEDS, bench_root: Path | None = None) -> dict[str, list[str]]:
    """Every real text available, grouped by corpus and language."""
    return {**seed_texts(seeds), **slavicner_texts(bench_root), **ronec_texts(bench_root)}


def _variant(text: str, rng: random.Random, outlet: str, serial: int) -> str:
    """The same story as another outlet runs it: a paragraph may be cut, a credit line added."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 3 and rng.random() < 0.5:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    # the serial keeps copies distinct: identical texts are loaded once by ingest
    paragraphs.append(f"{outlet} / {serial}")
    return "\n\n".join(paragraphs)


def corpus(
    n: int,
    *,
    seed: int = 0,
    texts: dict[str, list[str]] | None = None,
    id_prefix: str = "synth",
) -> pl.DataFrame:
    """N articles as an input table (id, source, url, title, published, text) with gaps.

    Groups (one per seed file, one per bench language) are drawn evenly so every language is
    present; ~30% of articles are wire copies of an earlier one in another outlet, 0-2 days on.
    """
    groups = texts if texts is not None else real_texts()
    names = sorted(groups)
    if not names:
        raise ValueError("no real texts to build a corpus from (the seeds folder is missing)")
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        if rows and rng.random() < WIRE_SHARE:
            first = rows[rng.randrange(max(0, len(rows) - 200), len(rows))]
            group, base = str(first["_group"]), str(first["_base"])
            earlier = first["_day"]
            assert isinstance(earlier, date)
            day = earlier + timedelta(days=rng.randrange(3))
        else:
            group = names[rng.randrange(len(names))]
            base = rng.choice(groups[group])
            day = YEAR_START + timedelta(days=rng.randrange(365))
        outlet = f"{group.split('-')[-1]}-outlet-{rng.randrange(OUTLETS_PER_GROUP):02d}.example"
        text = _variant(base, rng, outlet, i)
        first_line = text.split("\n", 1)[0].strip()
        gap = rng.random()
        rows.append(
            {
                "_group": group,
                "_base": base,
                "_day": day,
                "id": f"{id_prefix}-{i:07d}",
                "source": None if gap < 0.1 else outlet,
                "url": f"https://{outlet}/{day:%Y/%m/%d}/a{i}",
                "title": None if gap < 0.3 else first_line[:120],
                # a tenth has its date only in the URL, as many scraped exports do
                "published": None if gap < 0.1 else day,
                "text": text,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"published": pl.Date}).drop(
        "_group", "_base", "_day"
    )


def write_corpus(frame: pl.DataFrame, folder: Path, *, shards: int = 1) -> list[Path]:
    """Write an input table as `corpus-0000.parquet`... (inputs `newsprism analyze` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    size = max(1, -(-frame.height // shards))
    paths = []
    for k, start in enumerate(range(0, max(frame.height, 1), size)):
        path = folder / f"corpus-{k:04d}.parquet"
        frame.slice(start, size).write_parquet(path)
        paths.append(path)
    return paths


def _copies(base: pl.DataFrame, first: int, count: int, seed: int, outlets: int) -> pl.DataFrame:
    """article_id -> new_id, published, source, story_id for copies first..first+count-1."""
    copies = pl.DataFrame({"_k": pl.int_range(first, first + count, eager=True)})
    frame = base.select("article_id", "_row").join(copies, how="cross")
    noise = pl.struct("_row", "_k").hash(seed)
    return frame.select(
        "article_id",
        new_id=pl.col("article_id") + "~" + pl.col("_k").cast(pl.String),
        published=pl.lit(YEAR_START) + pl.duration(days=(noise % 365).cast(pl.Int64)),
        source=pl.format("outlet-{}.example", (noise // 365 % outlets).cast(pl.String)),
        # stories of ~100 articles: copies of a seed story grouped by their copy number
        story_id=pl.format("s{}", (pl.col("_k") // 20).cast(pl.String)),
    )


def _renamed(frame: pl.DataFrame, ids: pl.DataFrame, column: str = "article_id") -> pl.DataFrame:
    mapping = ids.select("article_id", "new_id")
    return (
        frame.join(mapping, left_on=column, right_on="article_id", how="inner")
        .with_columns(pl.col("new_id").alias(column))
        .drop("new_id")
    )


def replicate_analysis(
    src: Path, out: Path, n: int, *, seed: int = 0, shards: int = 1, outlets: int = 300
) -> dict[str, int]:
    """Write an analysis of ~n articles at `out` by copying the rows of the analysis at `src`.

    Each copy of the source articles gets new ids (`id~k`), a publication date in the year, one
    of `outlets` outlets and a story shared with ~100 other articles; paragraphs, mentions,
    dates and alignments follow their article. shards=1 writes `table.parquet` (as the local
    engine does) and the view tables, more writes `table/part-*.parquet` (as the Ray engine
    does) without them (the million-article bench measures the lazy open, not the views).
    Returns the row count of every table.
    """
    from dashboard.pipeline.engine_ray import write_manifest, write_shard

    source = store.Analysis.open(src).tables()
    base = source["articles"].with_row_index("_row")
    per_copy = max(1, base.height)
    copies = max(1, n // per_copy)
    counts = dict.fromkeys(TABLES, 0)
    chunk = -(-copies // shards)
    for part, first in enumerate(range(0, copies, chunk)):
        ids = _copies(base, first, min(chunk, copies - first), seed, outlets)
        tables = _replicated(source, ids)
        for table, frame in tables.items():
            counts[table] += frame.height
            if shards == 1:
                store.write_table(out, table, frame)
            else:
                write_shard(out, table, part, frame)
    tables_once = {
        "entities": source["entities"].with_columns(
            n_articles=pl.col("n_articles") * copies, n_mentions=pl.col("n_mentions") * copies
        )
    }
    for table, frame in tables_once.items():
        counts[table] = frame.height
        if shards == 1:
            store.write_table(out, table, frame)
        else:
            write_shard(out, table, 0, frame)
    if shards == 1:
        store.write_views(out, *(store.scan(out, t) for t in view_tables.SOURCES))
    write_manifest(
        out, counts, {"engine": {"name": "synthetic", "copies_of": str(src)}}, views=shards == 1
    )
    return counts


def _replicated(source: dict[str, pl.DataFrame], ids: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The per-article tables (and stories, alignments) for one chunk of copies."""
    articles = (
        source["articles"]
        .join(ids, on="article_id")
        .with_columns(
            article_id=pl.col("new_id"),
            published=pl.col("published_right"),
            source=pl.col("source_right"),
            story_id=pl.col("story_id_right"),
        )
    )
    out = {"articles": conform(articles, "articles")}
    for table in ("paragraphs", "mentions", "dates"):
        out[table] = conform(_renamed(source[table], ids), table)
    stories = articles.group_by("story_id").agg(
        label=pl.format("Story {}", pl.col("story_id").first()),
        article_ids=pl.col("article_id").sort(),
    )
    out["stories"] = conform(stories, "stories")
    out["alignments"] = conform(_replicated_alignments(source["alignments"], ids), "alignments")
    return out


def _replicated_alignments(alignments: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """Pairs aligned in the source are aligned again within every copy."""
    with_k = ids.with_columns(_k=pl.col("new_id").str.extract(r"~(\d+)$", 1))
    a = alignments.join(
        with_k.select("article_id", "_k", new_a="new_id", story_id_new="story_id"),
        left_on="article_a",
        right_on="article_id",
    )
    b = a.join(
        with_k.select("article_id", "_k", new_b="new_id"),
        left_on=["article_b", "_k"],
        right_on=["article_id", "_k"],
    )
    return b.select(
        story_id="story_id_new",
        article_a="new_a",
        para_a="para_a",
        article_b="new_b",
        para_b="para_b",
        score="score",
    )
