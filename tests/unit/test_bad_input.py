"""Bad input never stops a load: one analyst line per bad input, and the good file beside it loads."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import ingest
from dashboard.ingest.ingest import load, load_bytes

GOOD = "A good article about Maduro and Lukashenko.\n\nIt has two paragraphs."
SMALL_LIMIT = 1000
DEEP = "nested too deeply"
OUT = "a link to a place outside the folder read; not followed"


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORDS = b"word " * 200  # 1000 bytes that compress well, so the archive itself stays small


def member(archive: str, name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / archive).write_bytes(zip_bytes({name: data}))
        return folder / archive / name

    return build


def bomb_zip(folder: Path) -> Path:
    (folder / "bomb.zip").write_bytes(zip_bytes({"zeros.txt": b"0" * 2 * ingest.BOMB_MIN_BYTES}))
    return folder / "bomb.zip"


def write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return build


def broken_link(folder: Path) -> Path:
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    return folder / "gone.txt"


def link_out(name: str, target: str) -> Callable[[Path], Path]:
    """A link in the corpus folder to a file or folder beside it, outside the corpus."""

    def build(folder: Path) -> Path:
        outside = folder.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "secret.txt").write_text("Secret text outside the corpus.", encoding="utf-8")
        (folder / name).symlink_to(outside / target)
        return folder / name

    return build


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def nested_zip(folder: Path) -> Path:
    data = zip_bytes({"deep.txt": b"Deep."})
    for level in range(ingest.MAX_ARCHIVE_DEPTH):
        data = zip_bytes({f"level{level}.zip": data})
    (folder / "nest.zip").write_bytes(data)
    return folder / "nest.zip/level2.zip/level1.zip/level0.zip"


def traversal_zip(folder: Path) -> Path:
    (folder / "trav.zip").write_bytes(zip_bytes({"../evil.txt": b"Evil text."}))
    return folder / "trav.zip/../evil.txt"


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("empty", write("empty.txt", b""), "empty file"),
    ("whitespace", write("blank.txt", b"  \n\t \r\n  "), "only whitespace, no text"),
    (
        "header only",
        write("head.txt", b"title: Just a title\nsource: Belta\n"),
        "no text after the header lines",
    ),
    (
        "nul bytes",
        write("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "binary file (contains NUL bytes)",
    ),
    ("control bytes", write("ctl.md", bytes(range(1, 9)) * 20), "binary file (control characters)"),
    (
        "bad utf-16",
        write("u16.txt", b"\xff\xfe\x00\xd8"),
        "starts with a UTF-16 mark but is not UTF-16",
    ),
    (
        "too large",
        write("big.txt", b"word " * 300),
        "too large (1500 bytes; the limit is 1000 bytes)",
    ),
    ("unsupported", write("scan.pdf", b"%PDF-1.4"), "unsupported file type .pdf"),
    ("no extension", write("NOTES", b"plain words"), "no file extension"),
    ("ragged csv", write("rag.csv", b"id,text\n1,a,b,c\n"), "not a readable table"),
    (
        "unclosed quote csv",
        write("q.csv", b'id,text\n1,"unclosed\n2,x,y,z\n'),
        "not a readable table",
    ),
    (
        "csv without text",
        write("nums.csv", b"a,b\n1,2\n"),
        "no text column (expected one of: text, body, content",
    ),
    ("csv header only", write("hdr.csv", b"id,text\n"), "the table has no rows"),
    ("tsv without text in rows", write("e.tsv", b"id\ttext\n1\t\n2\t \n"), "no row has any text"),
    ("jsonl garbage", write("g.jsonl", b"{not json\n[1, 2]\n"), "not valid JSON Lines"),
    (
        "json truncated",
        write("t.json", b'{"articles": [{"text": '),
        "not valid JSON (Expecting value, line 1)",
    ),
    ("json no records", write("n.json", b'{"count": 3}'), "no records"),
    ("json nested too deep", write("deep.json", b"[" * 100_000 + b"]" * 100_000), DEEP),
    (
        "jsonl line nested too deep",
        write("deep.jsonl", b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
        DEEP,
    ),
    (
        "broken feed",
        write("f.rss", b"not xml at all"),
        "not a valid RSS/Atom feed (line 2: syntax error",
    ),
    (
        "xml not a feed",
        write("doc.xml", b"<?xml version='1.0'?><root><a/></root>"),
        "not a feed: no RSS/Atom entries",
    ),
    ("truncated feed", write("cut.rss", b"<rss><channel><item>"), "not a valid RSS/Atom feed"),
    ("fake parquet", write("x.parquet", b"PAR1 not really"), "not a Parquet file"),
    (
        "html without text",
        write(
            "t.html", b"<html><head><title>T</title></head><body><script>x=1</script></body></html>"
        ),
        "no main text found",
    ),
    ("empty html", write("e.htm", b"   "), "empty file"),
    ("corrupt zip", write("bad.zip", b"PK\x03\x04garbage"), "not a readable zip archive"),
    ("zip bomb", bomb_zip, "looks like a zip bomb"),
    (
        "zip too big in total",
        write("many.zip", zip_bytes({"a.txt": WORDS * 6, "b.txt": WORDS * 6})),
        "archive expands to 12000 bytes, over the 10000 bytes limit",
    ),
    ("zip member too large", member("one.zip", "big.txt", WORDS + b"x"), "too large (1001 bytes"),
    ("zip traversal", traversal_zip, "unsafe path inside the archive"),
    (
        "zip nested too deep",
        nested_zip,
        f"archives nested more than {ingest.MAX_ARCHIVE_DEPTH} deep",
    ),
    ("zip unsupported member", member("docs.zip", "a.docx", b"PK"), "unsupported file type .docx"),
    ("broken symlink", broken_link, "broken link: its target does not exist"),
    ("fifo", fifo, "not a regular file"),
    ("link to a file outside", link_out("leak.txt", "secret.txt"), OUT),
    ("link to a folder outside", link_out("leakdir", "."), OUT),
    ("link to a missing file outside", link_out("gone.txt", "nothing.txt"), OUT),
    ("link to a sidecar outside", link_out("metadata.csv", "secret.txt"), OUT),
    (
        "sidecar without file column",
        write("metadata.csv", b"title\nX\n"),
        "metadata sidecar ignored: it has no `file` column",
    ),
    (
        "malformed sidecar",
        write("metadata.jsonl", b"{oops\n"),
        "metadata sidecar ignored: not valid JSON Lines",
    ),
]


@pytest.mark.parametrize(("build", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_line_per_bad_input_and_good_file_still_loads(
    tmp_path: Path, build: Callable[[Path], Path], message: str
) -> None:
    tmp_path = tmp_path / "corpus"
    tmp_path.mkdir()
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = build(tmp_path)
    # A bomb (or a deeply nested file) must fit under the file limit to reach its guard.
    limit = ingest.MAX_FILE_BYTES if "bomb" in bad.name or "deep" in bad.name else SMALL_LIMIT
    result = load([tmp_path], max_bytes=limit)
    assert [(p.origin, p.severity) for p in result.problems] == [(str(bad), "error")]
    assert message in result.problems[0].message
    assert result.articles["article_id"].to_list() == ["good"]
    assert result.articles["text"].to_list() == [GOOD]


def test_missing_path_is_reported_and_other_paths_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = load([tmp_path / "missing", tmp_path / "good.txt"])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'missing'}: not found: no such file or folder"
    ]
    assert result.articles["article_id"].to_list() == ["good"]


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "locked.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    real_open = Path.open

    def guarded(
        self: Path, *args: object, **kwargs: object
    ):  # root ignores chmod: refuse as the OS would
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    result = load([tmp_path])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'locked.txt'}: cannot read: permission denied"
    ]
    assert result.articles["article_id"].to_list() == ["good"]


def test_partly_bad_jsonl_loads_good_rows_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "rows.jsonl").write_text('{"text": "Good row."}\n{broken\n', encoding="utf-8")
    result = load([tmp_path])
    assert [(p.message, p.severity) for p in result.problems] == [
        ("1 lines that are not JSON objects skipped", "warning")
    ]
    assert result.articles["text"].to_list() == ["Good row."]


def test_bad_upload_gives_a_problem_not_an_exception() -> None:
    result = load_bytes("upload.parquet", b"nope")
    assert [str(p) for p in result.problems] == [
        "upload.parquet: not a Parquet file (or a damaged one)"
    ]
    assert result.articles.height == 0
    assert result.articles.schema == pl.DataFrame(schema=result.articles.schema).schema


def test_hidden_files_and_sidecar_are_skipped_silently(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,source\ngood.txt,Belta\n", encoding="utf-8")
    result = load([tmp_path])
    assert result.problems == []
    assert result.articles["source"].to_list() == ["Belta"]


def test_analyze_reports_a_deeply_nested_file_and_analyses_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "deep.jsonl").write_bytes(b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "analyze",
            str(corpus),
            "--out",
            str(tmp_path / "a"),
        ]
        + ["--workers", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in run.stderr
    assert f"{corpus / 'deep.jsonl'}: JSON nested too deeply" in run.stderr
    assert run.returncode == 2, run.stderr  # the exit status for rejected inputs
    assert pl.read_parquet(tmp_path / "a" / "articles.parquet")["article_id"].to_list() == ["good"]


def test_links_inside_the_folder_are_read(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "texts" / "good.txt")
    result = load([tmp_path])
    # Read twice, through the link and directly: the second copy is the duplicate.
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'texts' / 'good.txt'}: same text as alias; loaded once"
    ]
    assert result.articles["article_id"].to_list() == ["alias"]


def test_a_language_code_no_locale_knows_is_analysed_as_written(tmp_path: Path) -> None:
    # a metadata file's own code (xx) reached CLDR's month names and raised from babel
    from dashboard.pipeline import pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Papež Benedikt XVI navštívil Maribor.\n\nDruhý odstavec s Angelou Merkelovou.\n",
        encoding="utf-8",
    )
    (corpus / "metadata.csv").write_text("file,language\na.txt,xx\n", encoding="utf-8")
    result = pipeline.analyze([corpus], tmp_path / "a", pipeline.RunOptions(workers=1))
    assert result.tables["articles"]["language"].to_list() == ["xx"]
    assert result.tables["mentions"].height > 0
