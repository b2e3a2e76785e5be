"""One zip to share an analysis view: the tables, the charts, and a manifest to reopen it.

Layout of a bundle:
  bundle.json               what is inside: view (filters as URL query), inputs, versions, files
  README.txt                the same for people, and how to reopen it
  analysis/                 the analysis folder (contract tables, its manifest, analyst choices)
  charts/NAME.html|png      each chart of the view, interactive (offline) and static
  charts/NAME.csv           the numbers behind each chart

Opening one (`newsprism app bundle.zip`) extracts only the files a bundle may hold, by exact
name, with size limits, into a new analysis folder, and verifies every file's checksum.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from dashboard import atomic
from dashboard.errors import NewsprismError
from dashboard.schema import CONTRACT_VERSION, SCHEMAS, TABLES
from dashboard.store.store import MANIFEST, Analysis, read_manifest, tool_version
from dashboard.views import export
from dashboard.views.filters import Filters, from_query, to_query

BUNDLE_MANIFEST = "bundle.json"
BUNDLE_VERSION = "1"
KIND = "newsprism-bundle"
CHOICES = ("aliases.json", "stories.json", "corrections.json")
# the only names open_bundle extracts: nothing else, so no path can escape the folder
ANALYSIS_FILES = frozenset(
    [f"analysis/{t}.parquet" for t in TABLES]
    + [f"analysis/{MANIFEST}"]
    + [f"analysis/{c}" for c in CHOICES]
)
MAX_TOTAL = 4 << 30
MAX_MEMBER = 2 << 30
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # compressed-to-real size beyond which a member is taken for a zip bomb
CHUNK = 1 << 20


@dataclass
class BundleResult:
    """What write_bundle wrote: files, bytes, and notes (e.g. charts without PNG)."""

    path: Path
    files: int
    size: int
    notes: list[str] = field(default_factory=list)


def _relative(origin: str | None, inputs: list[str]) -> str | None:
    """An article's origin without the folders of the machine that analysed it: from the input
    folder it came through (corpus/bos/a.txt), else its file name."""
    if not origin or not origin.startswith("/"):
        return origin
    for given in sorted(inputs, key=len, reverse=True):
        root = Path(given)
        if origin.startswith(str(root) + "/") or origin == str(root):
            return str(Path(root.name) / Path(origin).relative_to(root))
    return Path(origin).name


def _portable(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as the bundle holds it: inputs by name, one file per table (the bundle's),
    no state or view tables of the folder it came from."""
    out = {k: v for k, v in manifest.items() if k not in ("parts", "state", "view_tables_from")}
    out["inputs"] = [Path(p).name or p for p in manifest.get("inputs", [])]
    out["parts"] = {t: [f"{t}.parquet"] for t in TABLES}
    return out


def view_record(an: Analysis, f: Filters, page: str | None = None) -> dict[str, Any]:
    """The view a bundle reopens: the page, the filters as the app's URL query, and in words."""
    return {"page": page, "query": to_query(f), "filters": f.describe(*export.labels(an))}


def write_bundle(
    an: Analysis,
    out: Path,
    f: Filters,
    *,
    charts: Sequence[str] | None = None,
    page: str | None = None,
    png: bool = True,
) -> BundleResult:
    """Write the bundle zip atomically: the whole analysis (so filters can change after
    reopening), each chart of the view under the filters as HTML (+ PNG when Chromium works)."""
    names = list(charts) if charts is not None else export.chart_names()
    files: dict[str, bytes] = {}
    notes: list[str] = []
    inputs = [str(p) for p in an.manifest.get("inputs", [])]
    for table in TABLES:
        frame = an.frame(table)
        if table == "articles":
            frame = frame.with_columns(
                origin=pl.col("origin").map_elements(
                    lambda o: _relative(o, inputs), return_dtype=pl.String
                )
            )
        files[f"analysis/{table}.parquet"] = export.table_parquet(frame)
    files[f"analysis/{MANIFEST}"] = _json(_portable(an.manifest))
    for choice in CHOICES:
        if (an.path / choice).is_file():
            files[f"analysis/{choice}"] = (an.path / choice).read_bytes()
    for name in names:
        fig, frame, cap = export.view_figure(an, name, f)
        files[f"charts/{name}.csv"] = export.table_csv(frame, cap)
        if fig is None:
            continue
        files[f"charts/{name}.html"] = export.figure_html(fig, name=name)
        if png:
            try:
                files[f"charts/{name}.png"] = export.figure_image(fig, "png")
            except NewsprismError as exc:
                png = False  # one failure says Chromium is not usable: skip the other charts
                notes.append(f"charts as HTML only, no PNG: {exc.message}")
    manifest = {
        "kind": KIND,
        "bundle_version": BUNDLE_VERSION,
        "contract_version": an.manifest.get("contract_version", CONTRACT_VERSION),
        "tool_version": tool_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "view": view_record(an, f, page),
        "caption": export.caption(an, f),
        # where the analyst's files were is theirs: the bundle names them, not their folders
        "inputs": [Path(p).name or p for p in an.manifest.get("inputs", [])],
        "counts": an.manifest.get("counts", {}),
        "charts": names,
        "notes": notes,
        "files": {
            n: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in files.items()
        },
    }
    files = {BUNDLE_MANIFEST: _json(manifest), "README.txt": _readme(manifest), **files}
    atomic.write_with(out, lambda tmp: _zip(tmp, files))
    return BundleResult(out, len(files), out.stat().st_size, notes)


def bundle_bytes(
    an: Analysis, f: Filters, *, charts: Sequence[str] | None = None, page: str | None = None
) -> tuple[bytes, list[str]]:
    """The bundle as bytes for a download button, with its notes."""
    with tempfile.TemporaryDirectory(prefix="newsprism-bundle-") as tmp:
        result = write_bundle(an, Path(tmp) / "bundle.zip", f, charts=charts, page=page)
        return result.path.read_bytes(), result.notes


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            # Parquet and PNG are compressed already; deflating them again only costs time
            packed = name.endswith((".parquet", ".png"))
            zf.writestr(name, data, zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED)


def _readme(manifest: dict[str, Any]) -> bytes:
    lines = [
        "newsprism bundle",
        "",
        f"View: {manifest['view']['filters']}",
        f"Caption: {manifest['caption']}",
        f"Created {manifest['created']} by newsprism {manifest['tool_version']} "
        f"(analysis contract {manifest['contract_version']}).",
        "",
        "analysis/  the analysis tables (Parquet, see manifest.json inside for the schema)",
        "charts/    each chart as interactive HTML (opens offline), PNG, and its numbers as CSV",
        "",
        "Reopen this view in the dashboard:  newsprism app THIS-FILE.zip",
        *manifest["notes"],
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def open_bundle(
    zip_path: Path,
    dest_root: Path,
    *,
    max_total: int = MAX_TOTAL,
    max_member: int = MAX_MEMBER,
) -> Path:
    """Extract a bundle's analysis into a new folder under dest_root and return that folder.

    Only the analysis files a bundle may hold are extracted, by exact name; sizes are checked
    against the limits while reading (not trusted from the zip header) and each file against
    the checksum in bundle.json. The bundle's view is written into the extracted manifest as
    `view` (see `bundle_view`). The same bundle opened twice reuses its folder.
    """
    origin = str(zip_path)
    if not zip_path.is_file():
        raise NewsprismError(origin, "no such bundle")
    digest = _sha256_file(zip_path)
    target = dest_root / f"{_safe_stem(zip_path)}-{digest[:12]}"
    if (target / MANIFEST).is_file():
        return target
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NewsprismError(origin, f"not a zip file ({exc})") from None
    with zf:
        manifest = _bundle_manifest(zf, origin)
        members = _members(zf, origin, manifest, max_total, max_member)
        dest_root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bundle-", dir=dest_root))
        try:
            for info in members:
                _extract(zf, info, tmp / info.filename.removeprefix("analysis/"), origin, manifest)
            _check_tables(tmp, origin)
            analysis_manifest = read_manifest(tmp)
            analysis_manifest["view"] = manifest["view"]
            analysis_manifest["bundle"] = {
                "file": zip_path.name,
                "sha256": digest,
                "created": manifest.get("created"),
                "tool_version": manifest.get("tool_version"),
            }
            atomic.write_json(tmp / MANIFEST, analysis_manifest)
            _move_into_place(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def _move_into_place(tmp: Path, target: Path) -> None:
    try:
        tmp.rename(target)
    except OSError:
        # another process opened the same bundle meanwhile: its folder is as good as ours
        if not (target / MANIFEST).is_file():
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def bundle_view(analysis: Path) -> tuple[Filters, list[str]]:
    """The filters an extracted bundle was shared with (default filters for any analysis
    that did not come from a bundle), with warnings for values the analysis does not know."""
    view = read_manifest(analysis).get("view") or {}
    query = view.get("query") or {}
    params = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    return from_query({k: [str(x) for x in v] for k, v in params.items()})


def _safe_stem(path: Path) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in path.stem)[:60]
    return stem.strip("-") or "bundle"


def _safe_name(name: str) -> bool:
    """No absolute path, drive, backslash or `..`: a name that stays inside the folder."""
    parts = PurePosixPath(name).parts
    return bool(parts) and not (
        name.startswith("/") or "\\" in name or ".." in parts or ":" in parts[0]
    )


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _bundle_manifest(zf: zipfile.ZipFile, origin: str) -> dict[str, Any]:
    try:
        info = zf.getinfo(BUNDLE_MANIFEST)
    except KeyError:
        raise NewsprismError(origin, "not a newsprism bundle (no bundle.json)") from None
    if info.file_size > 16 << 20:
        raise NewsprismError(origin, "bundle.json is too large to be a bundle manifest")
    try:
        manifest = json.loads(zf.read(info))
    except (ValueError, zipfile.BadZipFile) as exc:
        raise NewsprismError(origin, f"unreadable bundle.json ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise NewsprismError(origin, "not a newsprism bundle (bundle.json of another kind)")
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("view"), dict):
        raise NewsprismError(origin, "bundle.json lacks its file list or view")
    return manifest


def _members(
    zf: zipfile.ZipFile, origin: str, manifest: dict[str, Any], max_total: int, max_member: int
) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise NewsprismError(origin, f"{len(infos)} files: more than a bundle holds")
    names = [i.filename for i in infos]
    unsafe = [n for n in names if not _safe_name(n)]
    if unsafe:
        raise NewsprismError(origin, f"unsafe path in the zip: {unsafe[0]!r}")
    if len(names) != len(set(names)):
        raise NewsprismError(origin, "the same file name appears twice in the zip")
    members = [i for i in infos if i.filename in ANALYSIS_FILES]
    if f"analysis/{MANIFEST}" not in {i.filename for i in members}:
        raise NewsprismError(origin, "the bundle holds no analysis (analysis/manifest.json)")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise NewsprismError(f"{origin}:{info.filename}", "encrypted; not a newsprism bundle")
        if info.filename not in manifest["files"]:
            raise NewsprismError(f"{origin}:{info.filename}", "not listed in bundle.json")
        if info.file_size > max_member:
            raise NewsprismError(f"{origin}:{info.filename}", f"larger than {max_member:,} bytes")
        if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise NewsprismError(f"{origin}:{info.filename}", "compressed suspiciously well")
        total += info.file_size
    if total > max_total:
        raise NewsprismError(origin, f"the analysis unpacks to more than {max_total:,} bytes")
    return members


def _extract(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, origin: str, manifest: dict[str, Any]
) -> None:
    expected = manifest["files"][info.filename]
    limit = min(info.file_size, int(expected.get("bytes", -1)))
    h = hashlib.sha256()
    written = 0
    with zf.open(info) as src, dest.open("wb") as out:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            # the header's size is not trusted: stop as soon as the data runs past it
            if written > limit:
                raise NewsprismError(f"{origin}:{info.filename}", "larger than it says")
            h.update(chunk)
            out.write(chunk)
    if h.hexdigest() != expected.get("sha256"):
        raise NewsprismError(f"{origin}:{info.filename}", "checksum mismatch: damaged or altered")


def _check_tables(folder: Path, origin: str) -> None:
    """Every contract table present and readable with its contract columns."""
    for table in TABLES:
        path = folder / f"{table}.parquet"
        try:
            columns = pl.read_parquet_schema(path)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise NewsprismError(
                f"{origin}:analysis/{table}.parquet", f"unreadable: {exc}"
            ) from None
        missing = [c for c in SCHEMAS[table] if c not in columns]
        if missing:
            raise NewsprismError(
                f"{origin}:analysis/{table}.parquet", f"lacks columns {', '.join(missing)}"
            )


def cli_bundle(args: argparse.Namespace) -> int:
    """`newsprism bundle DIR --out FILE.zip [filters]`: tables, charts and a reopenable view."""
    an = Analysis.open(Path(args.dir))
    result = write_bundle(an, Path(args.out), export.filters_from_args(an, args))
    for note in result.notes:
        print(f"{args.out}: {note}", file=sys.stderr)
    print(f"{args.out}: {result.files} files, {result.size:,} bytes", file=sys.stderr)
    return 0
