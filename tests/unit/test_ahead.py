"""Work a helper does ahead on the inputs (ingest/ahead.py, ingest.work_ahead): web pages'
main texts and legacy code pages, handed over whole and taken once, the same as made here."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import ahead, codepages, formats, ingest

SAMPLES = json.loads((Path(__file__).parent / "data" / "legacy_texts.json").read_text("utf-8"))


def _page(title: str, text: str) -> str:
    """A news page as a site serves it: navigation, the article, related links, a footer."""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    links = "".join(f"<li><a href='/n/{i}'>Other report {i}</a></li>" for i in range(20))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<meta property='og:site_name' content='Daily Example'>"
        "<meta property='article:published_time' content='2019-03-04T08:00:00+01:00'>"
        f"<script>var a = 1;</script></head><body><nav><ul>{links}</ul></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<aside><ul>{links}</ul></aside><footer>Copyright Daily Example</footer></body></html>"
    )


def _feed(langs: tuple[str, ...]) -> bytes:
    """An RSS feed of one entry a language."""
    items = "".join(
        f"<item><guid>{lang}-1</guid><title>{lang}</title>"
        f"<description>&lt;p&gt;{SAMPLES[lang]['long']}&lt;/p&gt;</description></item>"
        for lang in langs
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    return f"{head}{items}</channel></rss>".encode()


def _corpus(folder: Path) -> dict[str, bytes]:
    """Files a loader meets: three web pages (UTF-8, one in a legacy page, one without main
    text), a feed, two files in legacy pages, one in two of them, UTF-8, a UTF-8 BOM, binary."""
    files = {
        "a-ru.txt": SAMPLES["ru"]["long"].encode("cp1251"),
        "b-pl.txt": SAMPLES["pl"]["long"].encode("cp1250"),
        "c-mixed.txt": SAMPLES["ru"]["long"].encode("cp1251")
        + b"\n\n"
        + SAMPLES["el"]["long"].encode("cp1253"),
        "d-utf8.txt": SAMPLES["ru"]["long"].encode("utf-8"),
        "e-bom.txt": b"\xef\xbb\xbf" + SAMPLES["pl"]["long"].encode("utf-8"),
        "f-binary.bin": b"\x00\x01\xfe" * 100,
        "g-page.html": _page("Talks resume", SAMPLES["pl"]["long"]).encode("utf-8"),
        "h-page.htm": _page("Переговоры", SAMPLES["bg"]["long"]).encode("cp1251"),
        "i-empty.html": b"<html><head><title>T</title></head><body><script>x=1</script></body>",
        "j-feed.rss": _feed(("cs", "sk")),
    }
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def _loaded(folder: Path) -> tuple[pl.DataFrame, list[str]]:
    result = ingest.load([folder])
    return result.articles.sort("article_id"), sorted(map(str, result.problems))


def test_results_made_ahead_are_the_same_and_taken_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path / "corpus")
    articles, problems = _loaded(tmp_path / "corpus")
    # refused: pages mixed, binary, no main text; two copies of other files' texts
    assert articles.height == 6 and len(problems) == 5
    assert articles.filter(pl.col("article_id") == "g-page")["title"].to_list() == ["Talks resume"]
    handed = tmp_path / "ahead"
    handed.mkdir()
    # the helper's job: three web pages, a feed, and the three other files not in UTF-8 (no
    # BOM, no NUL)
    assert ingest.work_ahead([str(tmp_path / "corpus")], str(handed), 10**6) == 7
    names = sorted(p.name.split("-")[0] for p in handed.glob("*.json"))
    assert names == ["feed"] + ["html"] * 3 + ["page"] * 3 and not list(handed.glob(".*"))

    def not_here(data: bytes) -> object:
        raise AssertionError("made again in this process")

    monkeypatch.setattr(codepages, "_decide", not_here)
    monkeypatch.setattr(formats, "html_main_text", not_here)
    monkeypatch.setattr(formats, "feed_records", not_here)
    with ahead.folder(handed):
        again, again_problems = _loaded(tmp_path / "corpus")
    assert again.equals(articles) and again_problems == problems
    with pytest.raises(AssertionError):  # outside the block, nothing is taken from the folder
        ingest.load([tmp_path / "corpus"])


def test_the_members_of_a_zip_archive_are_worked_on_ahead_as_the_loader_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page("Talks resume", SAMPLES["pl"]["long"]).encode("utf-8")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("deeper.html", _page("Deeper", SAMPLES["de"]["long"]))
    folder = tmp_path / "corpus"
    folder.mkdir()
    with zipfile.ZipFile(folder / "saved.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pages/a.html", page)
        archive.writestr("pages/b.htm", _page("Переговоры", SAMPLES["bg"]["long"]).encode("cp1251"))
        archive.writestr("c-ru.txt", SAMPLES["ru"]["long"].encode("cp1251"))
        archive.writestr("d-utf8.txt", SAMPLES["sl"]["long"].encode("utf-8"))
        # refused or passed by the loader: never worked on
        archive.writestr("../escape.html", _page("Out", SAMPLES["cs"]["long"]))
        archive.writestr("/abs/escape.html", _page("Absolute", SAMPLES["hr"]["long"]))
        archive.writestr(".hidden.html", _page("Hidden", SAMPLES["sk"]["long"]))
        archive.writestr("nested.zip", inner.getvalue())  # left to the loader
    articles, problems = _loaded(folder)
    assert articles.height == 5 and any("unsafe path" in p for p in problems)
    handed = tmp_path / "ahead"
    handed.mkdir()
    # two pages and the file in a legacy page; from the last member back
    assert ingest.work_ahead([str(folder)], str(handed), 10**6) == 3
    assert sorted(p.name.split("-")[0] for p in handed.glob("*.json")) == ["html", "html", "page"]

    def not_here(data: bytes) -> object:
        if b"Deeper" in data:  # the nested archive's page is made here
            return original(data)
        raise AssertionError("made again in this process")

    original = formats.html_main_text
    monkeypatch.setattr(codepages, "_decide", not_here)
    monkeypatch.setattr(formats, "html_main_text", not_here)
    with ahead.folder(handed):
        again, again_problems = _loaded(folder)
    assert again.equals(articles) and again_problems == problems


def test_a_file_taken_here_is_passed_by_ahead_and_a_finished_run_ends_the_job(
    tmp_path: Path,
) -> None:
    files = _corpus(tmp_path / "corpus")
    corpus = [str(tmp_path / "corpus")]
    handed = tmp_path / "ahead"
    handed.mkdir()
    with ahead.folder(handed):
        # this process got there first
        assert codepages.decode_legacy(files["a-ru.txt"]).language == "ru"
        assert formats.parse("html", files["g-page.html"], "g", formats.Budget(10**6))[0]
    assert len(list(handed.glob("*.taken"))) == 2
    assert ingest.work_ahead(corpus, str(handed), 10**6) == 5
    # too large for the run's limit: passed by
    (tmp_path / "small").mkdir()
    assert ingest.work_ahead(corpus, str(tmp_path / "small"), 10) == 0
    assert ingest.work_ahead(corpus, str(tmp_path / "small"), 10**6) == 7
    # hidden files and links are left to the loader (it refuses links leading out of a folder)
    (tmp_path / "corpus" / ".hidden.txt").write_bytes(SAMPLES["bg"]["long"].encode("cp1251"))
    outside = tmp_path / "outside.html"
    outside.write_text(_page("Elsewhere", SAMPLES["mk"]["long"]), "utf-8")
    (tmp_path / "corpus" / "link.html").symlink_to(outside)
    assert ingest.work_ahead(corpus, str(handed), 10**6) == 0
    # the run is over and its folder gone: nothing is written, nothing raised
    gone = tmp_path / "gone"
    assert ingest.work_ahead(corpus, str(gone), 10**6) == 0
    assert not gone.exists()


def test_helpers_working_ahead_at_once_do_each_file_once(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus")
    handed = tmp_path / "ahead"
    handed.mkdir()
    made: list[int] = []
    jobs = [
        threading.Thread(
            target=lambda: made.append(
                ingest.work_ahead([str(tmp_path / "corpus")], str(handed), 10**6)
            )
        )
        for _ in range(3)
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert sum(made) == 7 and len(list(handed.glob("*.json"))) == 7
    # several helpers each take their own files: every one is worked on, by one helper
    striped = tmp_path / "striped"
    striped.mkdir()
    mine = [
        ingest.work_ahead([str(tmp_path / "corpus")], str(striped), 10**6, k, 2) for k in (0, 1)
    ]
    assert sum(mine) == 7 and all(0 < n < 7 for n in mine)
    assert len(list(striped.glob("*.json"))) == 7


def test_results_made_ahead_are_seen_only_by_the_run_that_waits_for_them(
    tmp_path: Path,
) -> None:
    # the app's sessions load in threads of one process: another session's run works here
    seen: list[Path | None] = []
    with ahead.folder(tmp_path):
        other = threading.Thread(target=lambda: seen.append(ahead._FOLDER.get()))
        other.start()
        other.join()
        assert ahead._FOLDER.get() == tmp_path
    assert seen == [None] and ahead._FOLDER.get() is None
