"""Bundles: one zip that reopens the same view, extracted safely."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from dashboard import cli
from dashboard.errors import NewsprismError
from dashboard.schema import TABLES
from dashboard.store import store
from dashboard.views import bundle, export
from dashboard.views.filters import Filters
from tests.unit.test_export import build_analysis, png_size

VIEW = Filters(languages=("sr", "el"), actors=("maduro",), date_from=date(2025, 12, 1))


@pytest.fixture(scope="module")
def analysis_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build_analysis(tmp_path_factory.mktemp("bundle") / "analysis")
    (out / "aliases.json").write_text('{"rename": {"maduro": "Nicolás Maduro"}}')
    return out


@pytest.fixture(scope="module")
def made(analysis_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> bundle.BundleResult:
    an = store.Analysis.open(analysis_dir)
    out = tmp_path_factory.mktemp("zips") / "view.zip"
    return bundle.write_bundle(an, out, VIEW, page="overview")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(path: Path, files: dict[str, bytes], *, sign: bool = True) -> Path:
    """Write a zip of these files; bundle.json's checksums redone unless sign=False."""
    if sign and b'"files"' in files.get("bundle.json", b""):
        manifest = json.loads(files["bundle.json"])
        manifest["files"] = {
            n: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()}
            for n, b in files.items()
            if n not in ("bundle.json", "README.txt")
        }
        files = {**files, "bundle.json": json.dumps(manifest).encode()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_bundle_holds_tables_charts_and_manifest(made, analysis_dir):
    files = members(made.path)
    for table in TABLES:
        assert f"analysis/{table}.parquet" in files
    assert "analysis/aliases.json" in files
    for name in export.chart_names():
        assert files[f"charts/{name}.html"].startswith(b"<!doctype html>")
        assert png_size(files[f"charts/{name}.png"]) == (2 * export.WIDTH, 2 * export.HEIGHT)
        assert files[f"charts/{name}.csv"].startswith(b"# Serbian and Greek articles")
    manifest = json.loads(files["bundle.json"])
    assert manifest["kind"] == bundle.KIND
    assert manifest["contract_version"] == store.CONTRACT_VERSION
    assert manifest["view"]["query"] == {
        "lang": ["sr", "el"],
        "actor": ["maduro"],
        "from": "2025-12-01",
    }
    # the inputs by name, never the folders of the machine that made the bundle
    full = store.read_manifest(analysis_dir)["inputs"]
    assert manifest["inputs"] == [Path(p).name for p in full]
    assert not any("/" in p for p in manifest["inputs"])
    assert manifest["notes"] == []
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == entry["sha256"]
    assert b"newsprism app" in files["README.txt"]
    assert made.size == made.path.stat().st_size


def test_reopened_bundle_is_the_same_analysis_and_view(made, analysis_dir, tmp_path):
    folder = bundle.open_bundle(made.path, tmp_path / "bundles")
    assert folder.parent == tmp_path / "bundles"
    reopened, original = store.Analysis.open(folder), store.Analysis.open(analysis_dir)
    for table in TABLES:
        if table == "articles":
            # the same articles; where they came from named without this machine's folders
            again, first = reopened.frame(table), original.frame(table)
            assert_frame_equal(again.drop("origin"), first.drop("origin"))
            assert again["origin"].to_list() == [
                f"seeds/{Path(o).name}" for o in first["origin"].to_list()
            ]
            continue
        assert_frame_equal(reopened.frame(table), original.frame(table))
    assert (folder / "aliases.json").read_text() == (analysis_dir / "aliases.json").read_text()
    filters, warnings = bundle.bundle_view(folder)
    assert filters == VIEW and warnings == []
    assert reopened.manifest["view"]["page"] == "overview"
    assert reopened.manifest["bundle"]["file"] == "view.zip"
    # opening it again reuses the folder instead of piling up copies
    assert bundle.open_bundle(made.path, tmp_path / "bundles") == folder
    assert [p.name for p in (tmp_path / "bundles").iterdir()] == [folder.name]


def test_without_chromium_charts_are_html_with_a_note(analysis_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "RENDERER", export.Renderer(browser="/nonexistent/chromium"))
    an = store.Analysis.open(analysis_dir)
    result = bundle.write_bundle(an, tmp_path / "b.zip", Filters())
    files = members(result.path)
    assert not [n for n in files if n.endswith(".png")]
    assert all(f"charts/{n}.html" in files for n in export.chart_names())
    assert len(result.notes) == 1 and "no PNG" in result.notes[0]
    assert result.notes[0].encode() in files["README.txt"]
    assert json.loads(files["bundle.json"])["notes"] == result.notes


def test_cli_bundle_with_filters(analysis_dir, tmp_path, capsys):
    out = tmp_path / "cli.zip"
    code = cli.main(["bundle", str(analysis_dir), "--out", str(out), "--lang", "tr"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert json.loads(members(out)["bundle.json"])["view"]["query"] == {"lang": ["tr"]}
    code = cli.main(["bundle", str(analysis_dir), "--out", str(tmp_path / "x.zip"), "--lang", "zz"])
    err = capsys.readouterr().err
    assert code == 2 and "--lang zz" in err and err.count("\n") == 1
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(
    "evil", ["../evil.txt", "analysis/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt", "a\\..\\e"]
)
def test_unsafe_paths_are_refused(made, tmp_path, evil):
    files = {**members(made.path), evil: b"pwned"}
    bad = rezip(tmp_path / "evil.zip", files, sign=False)
    dest = tmp_path / "root" / "bundles"
    with pytest.raises(NewsprismError, match="unsafe path"):
        bundle.open_bundle(bad, dest)
    assert not list((tmp_path / "root").rglob("evil.txt"))
    assert not dest.exists() or not any(dest.iterdir())


def test_files_other_than_the_analysis_are_never_extracted(made, tmp_path):
    files = {**members(made.path), "analysis/run.sh": b"rm -rf ~", "charts/x.html": b"<p>"}
    folder = bundle.open_bundle(rezip(tmp_path / "extra.zip", files), tmp_path / "b")
    names = {p.name for p in folder.iterdir()}
    assert "run.sh" not in names and "x.html" not in names
    assert names == {f"{t}.parquet" for t in TABLES} | {"manifest.json", "aliases.json"}


def test_altered_table_fails_its_checksum(made, tmp_path):
    files = members(made.path)
    files["analysis/entities.parquet"] = files["analysis/entities.parquet"][:-9] + b"\0" * 9
    bad = rezip(tmp_path / "tampered.zip", files, sign=False)
    with pytest.raises(NewsprismError, match="checksum mismatch"):
        bundle.open_bundle(bad, tmp_path / "b")
    assert not any((tmp_path / "b").iterdir())


def test_data_longer_than_declared_is_cut_off(made, tmp_path):
    files = members(made.path)
    manifest = json.loads(files["bundle.json"])
    manifest["files"]["analysis/articles.parquet"]["bytes"] = 100
    files["bundle.json"] = json.dumps(manifest).encode()
    with pytest.raises(NewsprismError, match="larger than it says"):
        bundle.open_bundle(rezip(tmp_path / "long.zip", files, sign=False), tmp_path / "b")


def test_size_limits(made, tmp_path):
    with pytest.raises(NewsprismError, match="larger than 1,000 bytes"):
        bundle.open_bundle(made.path, tmp_path / "a", max_member=1_000)
    with pytest.raises(NewsprismError, match="unpacks to more than"):
        bundle.open_bundle(made.path, tmp_path / "b", max_total=10_000)


def test_zip_bomb_ratio_is_refused(made, tmp_path):
    files = {**members(made.path), "analysis/corrections.json": b"\0" * (8 << 20)}
    path = tmp_path / "bomb.zip"
    rezip(path, {})
    manifest = json.loads(files["bundle.json"])
    data = files["analysis/corrections.json"]
    manifest["files"]["analysis/corrections.json"] = {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    files["bundle.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, blob in files.items():
            zf.writestr(name, blob)
    with pytest.raises(NewsprismError, match="compressed suspiciously well"):
        bundle.open_bundle(path, tmp_path / "b")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda f: f.pop("bundle.json"), "no bundle.json"),
        (lambda f: f.update({"bundle.json": b"{half"}), "unreadable bundle.json"),
        (lambda f: f.update({"bundle.json": b'{"kind": "other"}'}), "of another kind"),
        (lambda f: f.pop("analysis/manifest.json"), "holds no analysis"),
        (lambda f: f.pop("analysis/mentions.parquet"), "mentions.parquet: unreadable"),
        (
            lambda f: f.update({"analysis/manifest.json": b'{"contract_version": "9.0"}'}),
            "contract version 9.0",
        ),
    ],
)
def test_broken_bundles_say_what_is_wrong(made, tmp_path, change, says):
    files = members(made.path)
    change(files)
    with pytest.raises(NewsprismError, match=says):
        bundle.open_bundle(rezip(tmp_path / "broken.zip", files), tmp_path / "b")
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("hello")
    with pytest.raises(NewsprismError, match="not a zip file"):
        bundle.open_bundle(path, tmp_path / "b")


def test_bundle_bytes_for_a_download_button(analysis_dir, tmp_path):
    an = store.Analysis.open(analysis_dir)
    data, notes = bundle.bundle_bytes(an, Filters(outlets=("Danas",)), charts=["outlets"])
    path = tmp_path / "dl.zip"
    path.write_bytes(data)
    files = members(path)
    assert {n for n in files if n.startswith("charts/")} == {
        "charts/outlets.html",
        "charts/outlets.png",
        "charts/outlets.csv",
    }
    assert notes == []
    filters, _ = bundle.bundle_view(bundle.open_bundle(path, tmp_path / "b"))
    assert filters == Filters(outlets=("Danas",))
