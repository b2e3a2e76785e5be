"""The delimiter of a .csv file is guessed by csv.Sniffer (quoted fields and all), with the header
line's most frequent candidate as the fallback; a malformed table still gives a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import formats
from dashboard.ingest.ingest import load

BODIES = (
    "Talks resumed in Geneva, officials said; a deal | a truce was not expected.",
    "Ministers met again, briefly; no statement | no photo.",
)


def _table(sep: str) -> str:
    """A header whose quoted name holds the other candidates, rows whose quoted bodies do too."""
    header = sep.join(['"Headline, short, plain"', "text", "source"])
    rows = [sep.join([f"Title {i}", f'"{body}"', "Belta"]) for i, body in enumerate(BODIES)]
    return "\n".join([header, *rows]) + "\n"


@pytest.mark.parametrize("sep", [";", "\t", "|", ","], ids=["semicolon", "tab", "pipe", "comma"])
def test_the_sniffer_finds_the_delimiter_despite_quoted_fields_holding_others(sep: str) -> None:
    assert formats.delimiter(_table(sep)) == sep


@pytest.mark.parametrize("sep", [";", "\t", "|"], ids=["semicolon", "tab", "pipe"])
def test_a_csv_file_with_any_delimiter_reads_its_quoted_fields_whole(
    tmp_path: Path, sep: str
) -> None:
    (tmp_path / "export.csv").write_text(_table(sep), encoding="utf-8")
    loaded = load([tmp_path / "export.csv"])
    assert loaded.problems == []
    assert loaded.articles["text"].to_list() == list(BODIES)
    assert loaded.articles["source"].to_list() == ["Belta", "Belta"]


def test_a_quoted_body_over_several_lines_keeps_its_paragraphs(tmp_path: Path) -> None:
    text = 'id;text\nr1;"First paragraph, with a comma.\n\nSecond paragraph | a pipe."\n'
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    body = load([tmp_path / "t.csv"]).articles["text"].item()
    assert "First paragraph, with a comma." in body and "Second paragraph | a pipe." in body


def test_one_column_falls_back_to_the_header_count() -> None:
    # the sniffer cannot tell with one column: no candidate in the header, a comma
    assert formats.delimiter("text\nAlpha text.\nBeta text.\n") == ","
    assert formats.delimiter("id;text\n") == ";"


def test_a_malformed_table_still_gives_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "rag.csv").write_bytes(b"id;text\n1;a;b;c\n2;d;e\n")
    problems = load([tmp_path / "rag.csv"]).problems
    assert len(problems) == 1
    assert "not a readable table" in problems[0].message
