"""One budget per input: a file and everything it decompresses to (archives in archives,
Parquet pages and dictionaries) share ARCHIVE_FACTOR * max_bytes; past it, one line, no load."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import formats as ingest_formats
from dashboard.ingest import ingest
from dashboard.ingest.ingest import load, load_bytes

GOOD = "A good article about Maduro and Lukashenko.\n\nIt has two paragraphs."
LIMIT = 1000  # bytes a file may have; one input may expand to ARCHIVE_FACTOR times that


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def texts(prefix: str, count: int) -> dict[str, bytes]:
    """`count` different articles of LIMIT bytes each (the same text would load once)."""
    return {f"{prefix}{i}.txt": f"{prefix} {i} ".encode().ljust(LIMIT, b"w") for i in range(count)}


def good_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_nested_zips_share_one_budget(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    # Each inner archive fits the limit on its own (6000 of 10000 bytes); together they do not.
    outer = {"a.zip": zip_bytes(texts("a", 6)), "b.zip": zip_bytes(texts("b", 6))}
    (folder / "outer.zip").write_bytes(zip_bytes(outer))
    result = load([folder], max_bytes=LIMIT)
    assert [(p.origin, p.severity) for p in result.problems] == [
        (str(folder / "outer.zip/b.zip"), "error")
    ]
    assert result.problems[0].message.startswith(
        "archive expands to 6000 bytes, over the 10000 bytes limit for one input"
    )
    loaded = sorted(result.articles["article_id"].to_list())
    assert loaded == ["good", *(f"outer/a/a{i}" for i in range(6))]


def test_the_budget_is_per_input_not_per_run(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    for name in ("a", "b"):
        (folder / f"{name}.zip").write_bytes(zip_bytes(texts(name, 6)))
    result = load([folder], max_bytes=LIMIT)
    assert result.problems == []
    assert result.articles.height == 13


def test_the_input_budget_can_be_set(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "a.zip").write_bytes(zip_bytes(texts("a", 3)))
    result = load([folder], max_bytes=LIMIT, max_input_bytes=2500)
    assert [str(p) for p in result.problems] == [
        f"{folder / 'a.zip'}: archive expands to 3000 bytes, over the 2500 bytes limit for one "
        f"input ({len((folder / 'a.zip').read_bytes())} bytes of it already read); not opened"
    ]
    assert result.articles["article_id"].to_list() == ["good"]


def test_parquet_of_one_repeated_string_is_refused_unexpanded(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    # 100 000 rows of one 10 KB string: a 45 KB file that polars would hold as 1 GB.
    rows = 100_000
    pl.select(
        id=pl.int_range(rows).cast(pl.String),
        text=pl.repeat(pl.lit("word " * 2000, dtype=pl.Categorical), rows),
    ).write_parquet(folder / "bomb.parquet")
    assert (folder / "bomb.parquet").stat().st_size < ingest.MAX_FILE_BYTES
    result = load([folder])
    assert [(p.origin, p.severity) for p in result.problems] == [
        (str(folder / "bomb.parquet"), "error")
    ]
    assert result.problems[0].message.startswith("Parquet columns expand to 955.7 MB")
    assert "over the 200.0 MB limit for one input" in result.problems[0].message
    assert result.articles["article_id"].to_list() == ["good"]


def test_parquet_whose_pages_decompress_past_the_budget_is_refused_unread(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    frame = pl.DataFrame({"id": ["1", "2"], "text": ["a" * 20_000, "b" * 20_000]})
    frame.write_parquet(
        folder / "big.parquet", use_pyarrow=True, pyarrow_options={"use_dictionary": False}
    )
    assert (folder / "big.parquet").stat().st_size < LIMIT
    result = load([folder], max_bytes=LIMIT)
    assert [(p.origin, p.severity) for p in result.problems] == [
        (str(folder / "big.parquet"), "error")
    ]
    assert result.problems[0].message.startswith("Parquet pages decompress to")
    assert result.articles["article_id"].to_list() == ["good"]


def test_parquet_in_a_zip_counts_against_the_archive_budget() -> None:
    buffer = io.BytesIO()
    pl.DataFrame({"id": ["p"], "text": ["x" * 6000]}).write_parquet(buffer)
    alone = load_bytes("rows.parquet", buffer.getvalue(), max_bytes=2000, max_input_bytes=8000)
    assert alone.problems == [] and alone.articles.height == 1
    data = zip_bytes({**texts("t", 2), "rows.parquet": buffer.getvalue()})
    result = load_bytes("up.zip", data, max_bytes=2000, max_input_bytes=8000)
    assert [p.origin for p in result.problems] == ["up.zip/rows.parquet"]
    assert "over the 8000 bytes limit for one input" in result.problems[0].message
    assert result.articles.height == 2


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def test_gzip_files_load_as_the_file_inside(tmp_path: Path) -> None:
    (tmp_path / "note.txt.gz").write_bytes(gzip_bytes(GOOD.encode()))
    (tmp_path / "rows.jsonl.gz").write_bytes(gzip_bytes(b'{"id": "r1", "text": "Row one."}\n'))
    result = load([tmp_path])
    assert result.problems == []
    assert sorted(result.articles["article_id"].to_list()) == ["note", "r1"]
    assert result.articles.filter(pl.col("article_id") == "note")["text"].to_list() == [GOOD]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip_bytes(b"w" * (LIMIT + 1)), "too large once decompressed (over the limit of 1000"),
        (gzip_bytes(b"w" * 900)[:-12], "gzip file is cut short"),
        (b"\x1f\x8b not really gzip", "not a readable gzip file"),
    ],
    ids=["bomb", "truncated", "not gzip"],
)
def test_bad_gzip_is_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    folder = good_folder(tmp_path)
    (folder / "bad.txt.gz").write_bytes(data)
    result = load([folder], max_bytes=LIMIT)
    assert [(p.origin, p.severity) for p in result.problems] == [
        (str(folder / "bad.txt.gz"), "error")
    ]
    assert message in result.problems[0].message
    assert result.articles["article_id"].to_list() == ["good"]


def test_gzip_in_a_zip_shares_the_archive_budget() -> None:
    members = {
        **texts("t", 8),
        "x.txt.gz": gzip_bytes(b"x" * 900),
        "y.txt.gz": gzip_bytes(b"y" * 900),
    }
    data = zip_bytes(members)
    # Room for the archive, its members as stored and 1000 bytes more: one gzip, not both.
    budget = len(data) + sum(len(m) for m in members.values()) + 1000
    result = load_bytes("up.zip", data, max_bytes=2000, max_input_bytes=budget)
    assert [p.origin for p in result.problems] == ["up.zip/y.txt.gz"]
    assert result.problems[0].message.startswith(
        f"gzip file decompresses to 900 bytes, over the {budget} bytes limit for one input"
    )
    assert "up/x" in result.articles["article_id"].to_list()
    assert result.articles.height == 9


@pytest.mark.parametrize(
    ("depth", "loads"),
    [(ingest_formats.MAX_JSON_DEPTH, True), (ingest_formats.MAX_JSON_DEPTH + 1, False)],
)
def test_json_depth_limit(tmp_path: Path, depth: int, loads: bool) -> None:
    nested = "[" * (depth - 1) + '"[{ in a string"' + "]" * (depth - 1)
    (tmp_path / "rows.jsonl").write_text(f'{{"text": "Deep row.", "extra": {nested}}}\n')
    result = load([tmp_path])
    assert result.articles.height == int(loads)
    assert [p.message for p in result.problems] == (
        [] if loads else ["JSON nested too deeply (more than 100 levels); not read"]
    )


def test_a_feed_of_nested_xml_entities_is_not_expanded(tmp_path: Path) -> None:
    # "billion laughs": 10^8 copies of a word from a 1 KB feed, were the entities expanded
    levels = ['<!ENTITY l0 "lollollollollollollollollollol">']
    levels += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9)]
    feed = (
        '<?xml version="1.0"?><!DOCTYPE r [' + "".join(levels) + "]>"
        '<rss version="2.0"><channel><title>x</title><item><title>t</title>'
        "<description>&l8;</description></item></channel></rss>"
    )
    (tmp_path / "feed.rss").write_text(feed, encoding="utf-8")
    (tmp_path / "good.txt").write_text("Title\n\nA good article about Minsk.\n", encoding="utf-8")
    result = load([tmp_path])
    assert "Minsk" in " ".join(result.articles["text"].to_list())
    assert all(len(t) < 10_000 for t in result.articles["text"].to_list())
