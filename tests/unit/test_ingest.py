"""Ingest: every input kind from real files, ids, metadata, sidecars, duplicates, encodings."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dashboard import schema
from dashboard.errors import InputProblem, NewsprismError
from dashboard.ingest.ingest import LoadResult, load, load_bytes, save_upload
from dashboard.steps.normalise import normalise_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_IDS = [
    "000_cb469a2b28302093",
    "001_25734770e2e1359a",
    "002_52a587739122be12",
    "003_6498edc4392190b0",
    "004_c88f0ea2b8ef4623",
]
BODY = "Maduro met Lukashenko in Minsk on Thursday.\n\nThe talks lasted two hours."


def one(result: LoadResult) -> dict:
    assert result.articles.height == 1, (result.problems, result.articles)
    return result.articles.row(0, named=True)


def test_seeds_load_as_five_articles() -> None:
    result = load([SEEDS])
    assert result.articles["article_id"].to_list() == SEED_IDS
    # the folder's README is said to be skipped, nothing else is a problem
    assert [(Path(p.origin).name, p.severity) for p in result.problems] == [
        ("README.md", "warning")
    ]
    assert result.articles.schema == schema.empty("articles").schema
    assert result.articles["language"].null_count() == 5


def test_turkish_seed_date_header_is_metadata_and_removed_from_text() -> None:
    row = one(load([SEEDS / "004_c88f0ea2b8ef4623.txt"]))
    assert row["article_id"] == "004_c88f0ea2b8ef4623"
    assert row["published"] == dt.date(2025, 12, 12)
    assert row["published_inferred"] is False
    assert row["provenance"]["published"] == "header"
    assert row["text"].startswith("ABD'nin Venezuela")
    assert "2025-12-12" not in row["text"]


def test_text_is_normalised_and_hashed() -> None:
    result = load([SEEDS])
    for row in result.articles.iter_rows(named=True):
        assert row["text"] == normalise_text(row["text"])
        assert len(row["content_hash"]) == 16
    assert result.articles["content_hash"].n_unique() == 5


def test_texts_not_in_nfc_are_composed_and_the_others_kept(tmp_path: Path) -> None:
    # decomposed accents (a Mac's file names, some CMS exports), a singleton (the Ohm sign is
    # Omega in NFC), a Hangul syllable in its letters; beside texts in NFC already
    (tmp_path / "a.txt").write_text("Zaje\u0301c Pr\u030cemysl \u2126 \u1100\u1161", "utf-8")
    (tmp_path / "b.txt").write_text("Zaj\u00edc P\u0159emysl \u03a9 \uac00", "utf-8")
    (tmp_path / "c.txt").write_text("plain ASCII line", "utf-8")
    texts = dict(load([tmp_path]).articles.select("article_id", "text").iter_rows())
    assert texts["a"] == "Zaj\u00e9c P\u0159emysl \u03a9 \uac00"
    assert texts["b"] == "Zaj\u00edc P\u0159emysl \u03a9 \uac00"
    assert texts["c"] == "plain ASCII line"
    assert all(unicodedata.is_normalized("NFC", t) for t in texts.values())


def test_txt_header_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "title: Talks in Minsk\nsource: Belta\nurl: https://belta.by/x\npublished: 2025-11-25\n"
        "language: ru-RU\n\n" + BODY,
        encoding="utf-8",
    )
    row = one(load([path]))
    assert (row["title"], row["source"], row["url"], row["language"]) == (
        "Talks in Minsk",
        "Belta",
        "https://belta.by/x",
        "ru",
    )
    assert row["published"] == dt.date(2025, 11, 25)
    assert row["text"] == BODY
    assert row["provenance"] == dict.fromkeys(
        ["title", "source", "url", "published", "language"], "header"
    )


def test_folder_ids_are_relative_paths_without_extension(tmp_path: Path) -> None:
    (tmp_path / "rs" / "2025").mkdir(parents=True)
    (tmp_path / "rs" / "2025" / "a17.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Heading\n\nSome other text.", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01binary")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("hidden", encoding="utf-8")
    result = load([tmp_path])
    assert sorted(result.articles["article_id"]) == ["b", "rs/2025/a17"]
    assert result.problems == []


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text(
        '---\ntitle: "A post"\ndate: 2024-01-02\n---\n# A post\n\nBody.', encoding="utf-8"
    )
    row = one(load([path]))
    assert row["title"] == "A post"
    assert row["published"] == dt.date(2024, 1, 2)
    assert row["text"] == "# A post\n\nBody."


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    para = "Maduro met Lukashenko in Minsk to discuss cooperation in energy and trade. " * 3
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Talks</title><meta property='og:site_name' content='Belta'>"
        "<link rel='canonical' href='https://belta.by/news/1'>"
        "<meta property='article:published_time' content='2025-11-25'></head>"
        f"<body><nav>Home | World</nav><article><h1>Talks in Minsk</h1><p>{para}</p>"
        f"<p>Second paragraph with more words about {para}</p></article></body></html>",
        encoding="utf-8",
    )
    row = one(load([path]))
    assert row["article_id"] == "page"
    assert row["source"] == "Belta"
    assert row["url"] == "https://belta.by/news/1"
    assert row["published"] == dt.date(2025, 11, 25)
    assert row["provenance"]["source"] == "html-meta"
    assert "Home | World" not in row["text"]
    assert "Second paragraph" in row["text"]


@pytest.mark.parametrize(
    ("name", "sep"), [("export.csv", ","), ("export.tsv", "\t"), ("semi.csv", ";")]
)
def test_delimited_tables(tmp_path: Path, name: str, sep: str) -> None:
    rows = [
        ["ID", "Headline", "Body", "Outlet", "PubDate", "Link"],
        ["r1", "First", "Text one.", "Belta", "2025-11-25", "https://belta.by/1"],
        ["r2", "Second", "Text two.", "Reuters", "12.12.2025", ""],
    ]
    (tmp_path / name).write_text("\n".join(sep.join(r) for r in rows), encoding="utf-8")
    frame = load([tmp_path / name]).articles
    assert frame["article_id"].to_list() == ["r1", "r2"]
    assert frame["title"].to_list() == ["First", "Second"]
    assert frame["source"].to_list() == ["Belta", "Reuters"]
    assert frame["published"].to_list() == [dt.date(2025, 11, 25), dt.date(2025, 12, 12)]
    assert frame["provenance"].struct.field("title").to_list() == ["column", "column"]


def test_rows_without_id_get_file_id_and_hash(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("text\nAlpha text.\nBeta text.\n", encoding="utf-8")
    ids = load([tmp_path / "t.csv"]).articles["article_id"].to_list()
    assert [i.split("#")[0] for i in ids] == ["t", "t"]
    assert len(set(ids)) == 2 and all(len(i.split("#")[1]) == 12 for i in ids)
    assert load([tmp_path / "t.csv"]).articles["article_id"].to_list() == ids


def test_jsonl_and_json(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "content": "Alpha.", "lang": "sr"},
        {"link": "https://x.rs/b", "text": "Beta."},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    (tmp_path / "b.json").write_text(
        json.dumps({"articles": [{"body": "Gamma.", "id": "g"}]}), encoding="utf-8"
    )
    frame = load([tmp_path]).articles.sort("article_id")
    assert frame["article_id"].to_list() == ["a", "g", "https://x.rs/b"]
    assert frame["language"].to_list() == ["sr", None, None]
    assert frame["source"].to_list() == [None, None, "x.rs"]
    assert frame["provenance"].struct.field("source").to_list() == [None, None, "url"]


def test_parquet(tmp_path: Path) -> None:
    pl.DataFrame(
        {"id": ["p1"], "text": ["Parquet text."], "published": [dt.date(2025, 12, 1)], "views": [3]}
    ).write_parquet(tmp_path / "x.parquet")
    row = one(load([tmp_path / "x.parquet"]))
    assert (row["article_id"], row["text"], row["published"]) == (
        "p1",
        "Parquet text.",
        dt.date(2025, 12, 1),
    )


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Belta</title><language>ru</language>
<item><title>One</title><link>https://belta.by/1</link><guid>belta-1</guid>
<pubDate>Tue, 25 Nov 2025 10:00:00 +0300</pubDate>
<description>&lt;p&gt;First &lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Second para.&lt;/p&gt;</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom outlet</title><entry><title>A</title><id>urn:a</id><link href="https://a.org/a"/>
<updated>2025-12-10T08:00:00Z</updated><content type="html">&lt;p&gt;Atom body.&lt;/p&gt;</content></entry></feed>"""


def test_rss_feed(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(RSS, encoding="utf-8")
    row = one(load([tmp_path / "feed.rss"]))
    assert (row["article_id"], row["source"], row["language"]) == ("belta-1", "Belta", "ru")
    assert row["text"] == "First para.\n\nSecond para."
    assert row["published"] == dt.date(2025, 11, 25)
    assert row["provenance"]["published"] == "feed"


def test_atom_feed(tmp_path: Path) -> None:
    (tmp_path / "feed.atom").write_text(ATOM, encoding="utf-8")
    row = one(load([tmp_path / "feed.atom"]))
    assert (row["article_id"], row["text"], row["url"]) == (
        "urn:a",
        "Atom body.",
        "https://a.org/a",
    )
    assert row["published"] == dt.date(2025, 12, 10)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_nested_folder_zip_and_sidecar(tmp_path: Path) -> None:
    inner = zip_bytes({"deep.txt": b"Deep text."})
    sidecar = b"file,source,published\nsub/a.txt,Belta,2025-11-25\n"
    (tmp_path / "bundle.zip").write_bytes(
        zip_bytes(
            {
                "sub/a.txt": BODY.encode(),
                "metadata.csv": sidecar,
                "more.zip": inner,
                "__MACOSX/x": b".",
            }
        )
    )
    frame = load([tmp_path / "bundle.zip"]).articles.sort("article_id")
    assert frame["article_id"].to_list() == ["bundle/more/deep", "bundle/sub/a"]
    assert frame["source"].to_list() == [None, "Belta"]
    assert frame["provenance"].struct.field("source").to_list() == [None, "sidecar"]


def test_sidecar_values_win(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("title: Header title\n\n" + BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "File,Title,Source,Published,Language\na.txt,Sidecar title,Belta,2025-11-25,sr\n",
        encoding="utf-8",
    )
    result = load([tmp_path])
    frame = result.articles.sort("article_id")
    assert frame["article_id"].to_list() == ["a", "b"]
    a = frame.row(0, named=True)
    assert (a["title"], a["source"], a["language"]) == ("Sidecar title", "Belta", "sr")
    assert a["published"] == dt.date(2025, 11, 25)
    assert a["provenance"]["title"] == "sidecar"
    assert result.problems == []


def test_sidecar_jsonl_in_subfolder(tmp_path: Path) -> None:
    (tmp_path / "rs").mkdir()
    (tmp_path / "rs" / "x.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "rs" / "metadata.jsonl").write_text(
        '{"file": "x.txt", "source": "N1"}\n', encoding="utf-8"
    )
    assert one(load([tmp_path]))["source"] == "N1"


def test_exact_duplicates_loaded_once_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY.replace("\n", "\r\n") + "\n\n\n", encoding="utf-8")
    result = load([tmp_path])
    assert result.articles["article_id"].to_list() == ["a"]
    assert result.duplicates == [(str(tmp_path / "b.txt"), "a")]
    assert [(p.origin, p.severity) for p in result.problems] == [
        (str(tmp_path / "b.txt"), "warning")
    ]
    assert "same text as a" in result.problems[0].message


def test_colliding_ids_get_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One text.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Another text.", encoding="utf-8")
    result = load([tmp_path])
    assert sorted(result.articles["article_id"]) == ["a", "a~2"]
    assert any("already used" in p.message for p in result.problems)


@pytest.mark.parametrize(
    ("text", "encoding", "warning"),
    [
        (
            "Президент России Владимир Путин провёл телефонный разговор с Николасом Мадуро.",
            "cp1251",
            "cp1251",
        ),
        (
            "Beloruski predsednik Aleksandar Lukašenko danas je održao drugi sastanak. Džon, čačak, šljiva.",
            "cp1250",
            "cp1250",
        ),
        (
            "Ο Πρόεδρος της Ρωσίας, Βλαντιμίρ Πούτιν, είχε τηλεφωνική επικοινωνία",
            "cp1253",
            "cp1253",
        ),
        ("Ünlü Müller aß Äpfel über Straße.", "utf-16", None),
        ("Ünlü Müller aß Äpfel über Straße.", "utf-8-sig", None),
    ],
)
def test_encodings(tmp_path: Path, text: str, encoding: str, warning: str | None) -> None:
    (tmp_path / "x.txt").write_bytes(text.encode(encoding))
    row = one(load([tmp_path / "x.txt"]))
    assert row["text"] == text
    if warning is None:
        assert row["warnings"] == []
    else:
        # the code page, the language it reads as and how sure (dashboard.ingest.codepages)
        [note] = row["warnings"]
        assert note.startswith(f"not UTF-8, read as {warning} (") and note.endswith("% sure)")


def test_skip_ids_are_not_returned(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Two.", encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,text\nr1,Three.\nr2,Four.\n", encoding="utf-8")
    result = load([tmp_path], skip_ids={"a", "r1"})
    assert sorted(result.articles["article_id"]) == ["b", "r2"]


def test_url_date_and_host_are_inferred(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(
        "text,url\nBody.,https://www.n1info.rs/2025/12/11/story/\n", encoding="utf-8"
    )
    row = one(load([tmp_path / "t.csv"]))
    assert (row["source"], row["published"], row["published_inferred"]) == (
        "n1info.rs",
        dt.date(2025, 12, 11),
        True,
    )
    assert (row["provenance"]["source"], row["provenance"]["published"]) == ("url", "url")


@pytest.mark.parametrize(
    ("name", "data", "expected_ids"),
    [
        ("note.txt", b"date 2025-12-12\nUploaded text.", ["note"]),
        ("C:\\Users\\me\\feed.xml", RSS.encode(), ["belta-1"]),
        ("up.zip", zip_bytes({"x/y.txt": b"Zipped."}), ["up/x/y"]),
        ("t.csv", b"id,text\nq,Row text.\n", ["q"]),
    ],
)
def test_load_bytes(name: str, data: bytes, expected_ids: list[str]) -> None:
    result = load_bytes(name, data)
    assert result.articles["article_id"].to_list() == expected_ids
    assert result.articles["origin"].to_list() == [
        name if not name.endswith(".zip") else "up.zip/x/y.txt"
    ]


def test_save_upload_writes_safely(tmp_path: Path) -> None:
    path = save_upload("C:\\Users\\me\\Report 1 (final).txt", b"abc", tmp_path, max_bytes=10)
    assert path == (tmp_path / "Report_1_final_.txt").resolve()
    assert path.read_bytes() == b"abc"
    assert [p.name for p in tmp_path.iterdir()] == ["Report_1_final_.txt"]


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "..", "", ".", "..\\..\\x.txt", "///"]
)
def test_save_upload_refuses_traversal(tmp_path: Path, name: str) -> None:
    work = tmp_path / "work"
    with pytest.raises(NewsprismError):
        save_upload(name, b"abc", work, max_bytes=10)
    assert not list(tmp_path.rglob("*evil*")) and not list(tmp_path.rglob("x.txt"))


def test_save_upload_never_overwrites_a_different_file_of_the_same_name(tmp_path: Path) -> None:
    notes: list[InputProblem] = []
    first = save_upload("report.txt", b"First report.", tmp_path, notes=notes)
    second = save_upload("report.txt", b"Second report.", tmp_path, notes=notes)
    third = save_upload("other/report.txt", b"Third report.", tmp_path, notes=notes)
    assert [first.name, second.name, third.name] == ["report.txt", "report~2.txt", "report~3.txt"]
    assert [p.read_bytes() for p in (first, second, third)] == [
        b"First report.",
        b"Second report.",
        b"Third report.",
    ]
    assert [str(n) for n in notes] == [
        "report.txt: a different file named report.txt was uploaded before; saved as report~2.txt",
        "other/report.txt: a different file named report.txt was uploaded before; "
        "saved as report~3.txt",
    ]
    # Each is its own article: the renamed upload is not skipped as already analysed.
    result = load([first, second, third])
    assert result.articles["article_id"].to_list() == ["report", "report~2", "report~3"]


def test_save_upload_of_the_same_bytes_again_is_noted_not_duplicated(tmp_path: Path) -> None:
    notes: list[InputProblem] = []
    first = save_upload("rows.jsonl.gz", b"\x1f\x8bsame", tmp_path, notes=notes)
    again = save_upload("rows.jsonl.gz", b"\x1f\x8bsame", tmp_path, notes=notes)
    other = save_upload("rows.jsonl.gz", b"\x1f\x8bother", tmp_path, notes=notes)
    assert again == first
    assert other.name == "rows~2.jsonl.gz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl.gz", "rows~2.jsonl.gz"]
    assert [(n.message, n.severity) for n in notes] == [
        ("the same file was uploaded before as rows.jsonl.gz; not saved again", "warning"),
        (
            "a different file named rows.jsonl.gz was uploaded before; saved as rows~2.jsonl.gz",
            "warning",
        ),
    ]


def test_save_upload_refuses_oversize(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError, match="too large"):
        save_upload("big.txt", b"x" * 11, tmp_path, max_bytes=10)
    assert list(tmp_path.iterdir()) == []


def test_the_upload_box_limit_is_the_ingest_limit() -> None:
    import tomllib
    from pathlib import Path

    from dashboard.ingest import ingest

    config = (
        Path(__file__).resolve().parents[2] / "dashboard" / "serve" / ".streamlit" / "config.toml"
    )
    limit_mb = tomllib.loads(config.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert limit_mb * 1024 * 1024 == ingest.MAX_FILE_BYTES


def test_a_folders_own_documents_are_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Vlada je u petak usvojila zakon o budžetu.\n", "utf-8")
    for name in ("LICENSE-head.txt", "LICENSE.txt", "README.md", "COPYING"):
        (tmp_path / name).write_text("Permission is hereby granted, free of charge.\n", "utf-8")
    res = load([tmp_path])
    assert res.articles["article_id"].to_list() == ["a"]
    noted = {Path(p.origin).name for p in res.problems if "not an article" in p.message}
    assert noted == {"LICENSE-head.txt", "LICENSE.txt", "README.md", "COPYING"}
    assert all(p.severity == "warning" for p in res.problems)


def test_a_folders_document_given_by_itself_is_read(tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE.txt"
    licence.write_text("Permission is hereby granted, free of charge, to any person.\n", "utf-8")
    res = load([licence])
    assert res.articles.height == 1 and res.problems == []


def test_text_files_load_without_the_html_feed_and_parquet_readers(tmp_path: Path) -> None:
    """A folder of text files never imports trafilatura, feedparser or pyarrow (a quarter of a
    second of every run's start); a Parquet file read after it still is, and read right."""
    (tmp_path / "a.txt").write_text("Title\n\nSome text of an article.", encoding="utf-8")
    pl.DataFrame({"id": ["p1"], "text": ["Parquet article text."]}).write_parquet(
        tmp_path / "b.parquet"
    )
    script = (
        "import sys\n"
        "from dashboard.ingest.ingest import load\n"
        f"first = load([{str(tmp_path / 'a.txt')!r}])\n"
        "late = sorted(m for m in ('trafilatura', 'feedparser', 'pyarrow') if m in sys.modules)\n"
        f"second = load([{str(tmp_path / 'b.parquet')!r}])\n"
        "print(first.articles.height, ','.join(late) or '-', second.articles['text'].to_list(),"
        " 'pyarrow' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split(" ", 2)[:2] == ["1", "-"]
    assert done.stdout.rstrip().endswith("['Parquet article text.'] True")
