"""Files, folders, archives, feeds and uploads -> the articles frame, plus one line per bad input.

Article ids (DESIGN.md): a file's path relative to the folder given, without extension, with `/`
separators; a file given directly (or uploaded) gets its stem; a file inside an archive gets
`zipstem/inner/path`. Rows of CSV/TSV/JSON(L)/Parquet/feeds use their own id column (or guid),
else their link, else `fileid#hash` (the file's id plus 12 hex chars of the content hash), so
rows without ids stay unique across files and stable across runs. A colliding id gets `~2`,
`~3`... in load order, with a warning.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
from lxml import etree

from dashboard import schema
from dashboard.errors import InputProblem, NewsprismError
from dashboard.ingest import ahead, codepages, formats, records

MAX_FILE_BYTES = 20 * 1024 * 1024
ARCHIVE_FACTOR = 10
"""One input (a file given, found in a folder or uploaded) may expand to at most
ARCHIVE_FACTOR * max_bytes once read and decompressed, every archive inside it included."""
BOMB_RATIO = 100
"""A member compressed more than this (and over BOMB_MIN_BYTES) is treated as a zip bomb."""
BOMB_MIN_BYTES = 1024 * 1024
MAX_ARCHIVE_DEPTH = 3
# What extracting one member of a zip archive raises when the member cannot be read (encrypted,
# an unknown compression, damaged, cut short)
_MEMBER_FAILURES = (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError)
_SAFE_NAME = re.compile(r"[^\w.\-]+")
# What a reader (ours or a library's) raises on input it cannot read; anything else is a bug.
_READ_FAILURES = (
    RecursionError,
    MemoryError,
    ValueError,
    EOFError,
    OSError,
    zlib.error,
    pl.exceptions.PolarsError,
    etree.LxmlError,
)


def _read_failures() -> tuple[type[BaseException], ...]:
    """_READ_FAILURES, and arrow's errors once a reader has imported pyarrow (the Parquet reader
    imports it when it first reads a file: before that no arrow error can be raised)."""
    arrow = sys.modules.get("pyarrow")
    return _READ_FAILURES if arrow is None else (*_READ_FAILURES, arrow.ArrowException)


@dataclass
class LoadResult:
    """Loaded articles, one analyst line per rejected or doubtful input, dropped duplicates."""

    articles: pl.DataFrame
    problems: list[InputProblem] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(origin of the dropped copy, article_id of the kept one)."""


def _read_failure(exc: BaseException) -> str:
    """An analyst's reason for a reader that gave up on one file."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read; skipped"
    if isinstance(exc, MemoryError):
        return "too large to read in memory; skipped"
    detail = (str(exc).strip().splitlines() or [""])[0][:100]
    return f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''}); skipped"


@cache
def _ignored() -> frozenset[str]:
    return frozenset(n.lower() for n in formats.config()["ignored_names"])


def _paperwork(name: str) -> bool:
    """A folder's own documents (README.md, LICENSE-head.txt, COPYING): not articles."""
    low = name.lower()
    return any(low.startswith(p) for p in formats.config()["document_prefixes"])


def _is_hidden(name: str) -> bool:
    """Dotfiles and housekeeping names (README, __MACOSX...) are skipped silently in folders."""
    return name.startswith(".") or name.lower() in _ignored()


def open_zip(
    data: bytes, budget: formats.Budget, origin: str
) -> tuple[zipfile.ZipFile, dict[PurePosixPath, zipfile.ZipInfo]]:
    """A zip archive and its members by path inside it (no folders), its expansion taken from
    `budget`; NewsprismError when it cannot be read, would expand past the budget or looks like
    a zip bomb (then nothing of it is read)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise NewsprismError(origin, "not a readable zip archive (damaged, or not a zip)") from None
    try:
        budget.take(sum(m.file_size for m in members), origin, "archive expands to")
    except NewsprismError as exc:
        raise NewsprismError(exc.origin, f"{exc.message}; not opened") from None
    if any(
        m.file_size > BOMB_MIN_BYTES and m.file_size > BOMB_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise NewsprismError(
            origin, "looks like a zip bomb (extreme compression ratio); not opened"
        )
    return archive, {PurePosixPath(m.filename.replace("\\", "/")): m for m in members}


def _unsafe(rel: PurePosixPath) -> bool:
    """Whether a path inside an archive would lead out of it (absolute, .., a drive)."""
    return rel.is_absolute() or ".." in rel.parts or ":" in rel.parts[0]


def work_ahead(paths: list[str], folder: str, max_bytes: int, part: int = 0, parts: int = 1) -> int:
    """A helper's job while this process loads `paths` (ahead.py): from the last file back (and
    through a zip archive from its last member back), the main text of each web page, the
    records of each feed and the code page of each other file not in UTF-8, each handed over in
    `folder` as it is made; files this process has taken, or another helper has claimed, are
    passed by. With several helpers, each takes every `parts`-th file from the `part`-th. Ends
    when every file is passed, or when `folder` is gone (the run is over). Returns how many it
    made."""
    out = Path(folder)
    made = 0
    for file, data in ahead.files(paths, max_bytes, part, parts):
        if not out.is_dir():
            break
        kind = formats.config()["extensions"].get(file.suffix.lower())
        try:
            for inner_kind, inner in (
                _zip_members(data, max_bytes) if kind == "zip" else [(kind, data)]
            ):
                made += _work_on(out, inner_kind, inner)
        except OSError:
            break  # the folder is gone: the run is over
    return made


def _work_on(out: Path, kind: str | None, data: bytes) -> int:
    """A web page's main text, a feed's records or a code page made and handed over (1), or
    nothing to do (0); OSError when the hand-over folder is gone."""
    if kind == "html":
        what, make = formats.HTML_KIND, formats.html_main_text
    elif kind == "feed":
        what, make = formats.FEED_KIND, formats.feed_records
    elif codepages.needs_deciding(data):
        what, make = codepages.AHEAD_KIND, codepages.decided
    else:
        return 0
    name = ahead.digest(data)
    if not ahead.claim(out, what, name):
        return 0
    try:
        result = make(data)
    except Exception:  # the loader reads the file again and says what went wrong
        return 0
    ahead.hand_over(out, what, name, result)
    return 1


def _zip_members(data: bytes, max_bytes: int) -> Iterator[tuple[str | None, bytes]]:
    """(kind, bytes) of the members of a zip archive the loader reads (`open_zip`'s checks, safe
    paths, no hidden names, within `max_bytes`), from the last back; archives inside it are left
    to the loader."""
    try:
        archive, inner = open_zip(data, formats.Budget(ARCHIVE_FACTOR * max_bytes), "")
    except NewsprismError:
        return
    for rel, member in sorted(inner.items(), reverse=True):
        if _unsafe(rel) or any(_is_hidden(part) for part in rel.parts):
            continue
        kind = formats.config()["extensions"].get(rel.suffix.lower())
        if member.file_size > max_bytes or kind in ("zip", "gzip"):
            continue
        try:
            with archive.open(member) as handle:
                content = handle.read(max_bytes + 1)
        except _MEMBER_FAILURES:
            continue
        yield kind, content


class _Loader:
    """Collects records and problems while walking the inputs; `result()` builds the frame."""

    def __init__(
        self, max_bytes: int, skip_ids: Collection[str], max_input_bytes: int | None = None
    ) -> None:
        self.max_bytes = max_bytes
        self.max_input_bytes = max_input_bytes or ARCHIVE_FACTOR * max_bytes
        self.budget = formats.Budget(self.max_input_bytes)
        self.skip_ids = set(skip_ids)
        self.records: list[dict[str, Any]] = []
        self.problems: list[InputProblem] = []

    def problem(self, origin: str, message: str, severity: str = "error") -> None:
        self.problems.append(InputProblem(origin, message, severity))

    def add_path(self, path: Path) -> None:
        origin = str(path)
        if not path.exists() and not path.is_symlink():
            self.problem(origin, "not found: no such file or folder")
        elif path.is_dir():
            self.add_folder(path)
        else:
            self.add_file(path, path.stem, origin, None)

    def add_folder(self, root: Path) -> None:
        sidecar: dict[str, dict[str, Any]] = {}

        def unreadable(exc: OSError) -> None:
            self.problem(str(exc.filename or root), f"cannot open folder: {exc.strerror}")

        real_root = root.resolve()

        def outside(path: Path, own: os.stat_result | None = None) -> bool:
            """A link leading out of the folder read is reported and never followed (`own`:
            the path's own status, when it is known)."""
            link = path.is_symlink() if own is None else stat.S_ISLNK(own.st_mode)
            if link and not path.resolve().is_relative_to(real_root):
                self.problem(str(path), "a link to a place outside the folder read; not followed")
                return True
            return False

        for folder, dirs, files in os.walk(root, onerror=unreadable):
            # os.walk does not descend into linked folders; the ones leading out are reported.
            dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and not outside(Path(folder) / d))
            rel = Path(folder).relative_to(root)
            # a file's id is its path in the folder read, without its extension
            prefix = "" if rel == Path(".") else rel.as_posix() + "/"
            for name in formats.config()["sidecar_names"]:
                if name in files and not outside(Path(folder) / name):
                    path = Path(folder) / name
                    try:
                        data = path.read_bytes()
                    except OSError as exc:
                        self.problem(str(path), f"metadata sidecar ignored: {exc.strerror}")
                        continue
                    sidecar.update(self.read_sidecar(data, str(path), rel.as_posix()))
            for name in sorted(files):
                if _is_hidden(name) or name in formats.config()["sidecar_names"]:
                    continue
                if _paperwork(name):
                    self.problem(
                        str(Path(folder) / name),
                        "the folder's own document (readme, licence), not an article; skipped "
                        "(give the file itself, not its folder, to read it as an article)",
                        "warning",
                    )
                    continue
                path = Path(folder) / name
                try:
                    own = os.lstat(path)  # one look: whether it is a link, and (if not) its status
                except OSError:
                    own = None  # add_file says why it cannot be read
                if outside(path, own):
                    continue
                file_id = prefix + PurePosixPath(name).stem
                self.add_file(path, file_id, str(path), sidecar.get(file_id), own)

    def read_sidecar(self, data: bytes, origin: str, rel: str) -> dict[str, dict[str, Any]]:
        """metadata.csv/.tsv/.jsonl -> {file_id: {field: value}} for the files it names."""
        kind = formats.config()["extensions"][PurePosixPath(origin).suffix.lower()]
        try:
            frame = formats.read_table(kind, data, origin, formats.Budget(self.max_input_bytes))[0]
        except NewsprismError as exc:
            self.problem(origin, f"metadata sidecar ignored: {exc.message}")
            return {}
        except _read_failures() as exc:
            self.problem(origin, f"metadata sidecar ignored: {_read_failure(exc)}")
            return {}
        lower = {c.strip().lower(): c for c in frame.columns}
        file_col = next(
            (lower[c] for c in formats.config()["sidecar_file_columns"] if c in lower), None
        )
        if file_col is None:
            self.problem(origin, "metadata sidecar ignored: it has no `file` column")
            return {}
        wanted = {f: lower[f] for f in formats.FIELDS if f in lower}
        prefix = PurePosixPath(rel)
        entries = {}
        for row in frame.select(pl.col(file_col).alias("file"), *wanted.values()).to_dicts():
            if row["file"]:
                key = (prefix / row["file"].strip().replace("\\", "/")).with_suffix("").as_posix()
                entries[key] = {f: row[c] for f, c in wanted.items() if row[c]}
        return entries

    def add_file(
        self,
        path: Path,
        file_id: str,
        origin: str,
        meta: dict[str, Any] | None,
        own: os.stat_result | None = None,
    ) -> None:
        """Read one file. `own`: its lstat when the caller has it (a folder's walk): a file that
        is no link is its own target, and needs no second look."""
        if file_id in self.skip_ids:
            return
        # the status the walk already has, for a file that is no link (a link's is its target's)
        known = None if own is None or stat.S_ISLNK(own.st_mode) else own
        if known is None and path.is_symlink() and not path.exists():
            self.problem(origin, "broken link: its target does not exist")
            return
        try:
            info = path.stat() if known is None else known
            if not stat.S_ISREG(info.st_mode):
                self.problem(origin, "not a regular file (device, pipe or socket); skipped")
                return
            if info.st_size > self.max_bytes:
                self.problem(
                    origin,
                    f"too large ({formats.size(info.st_size)}; the limit is {formats.size(self.max_bytes)})",
                )
                return
            if path.suffix.lower() not in formats.config()["extensions"]:
                self.unsupported(origin, path.name)
                return
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError as exc:
            self.problem(origin, f"cannot read: {(exc.strerror or str(exc)).lower()}")
            return
        self.add_input(path.name, data, file_id, origin, meta)

    def add_input(
        self, name: str, data: bytes, file_id: str, origin: str, meta: dict[str, Any] | None
    ) -> None:
        """One input read from disk or uploaded: it and all it expands to share one budget."""
        self.budget = formats.Budget(self.max_input_bytes)
        try:
            self.budget.take(len(data), origin, "it is")
        except NewsprismError as exc:
            self.problem(exc.origin, exc.message)
            return
        self.add_bytes(name, data, file_id, origin, meta, depth=0)

    def unsupported(self, origin: str, name: str) -> None:
        suffix = PurePosixPath(name).suffix.lower()
        kinds = ", ".join(formats.config()["extensions"])
        what = (
            f"unsupported file type {suffix}"
            if suffix
            else "no file extension, so its type is unknown"
        )
        self.problem(origin, f"{what} (supported: {kinds})")

    def add_bytes(
        self,
        name: str,
        data: bytes,
        file_id: str,
        origin: str,
        meta: dict[str, Any] | None,
        depth: int,
    ) -> None:
        kind = formats.config()["extensions"].get(PurePosixPath(name).suffix.lower())
        if kind is None:
            self.unsupported(origin, name)
            return
        if len(data) > self.max_bytes:
            self.problem(origin, f"too large (over the limit of {formats.size(self.max_bytes)})")
            return
        if kind == "zip":
            self.add_zip(data, file_id, origin, depth)
            return
        if kind == "gzip":
            self.add_gzip(name, data, file_id, origin, meta, depth)
            return
        try:
            records, notes = formats.parse(kind, data, origin, self.budget)
        except NewsprismError as exc:
            self.problem(exc.origin, exc.message)
            return
        except _read_failures() as exc:
            self.problem(origin, _read_failure(exc))
            return
        for note in notes:
            self.problem(origin, note, "warning")
        single = kind in ("text", "markdown", "html")
        for record in records:
            record["article_id"] = file_id if single else record.pop("id") or record["url"]
            record["file_id"], record["origin"] = file_id, origin
            for key, value in (meta or {}).items():
                record[key] = value
                record["provenance"][key] = "sidecar"
            self.records.append(record)

    def add_gzip(
        self,
        name: str,
        data: bytes,
        file_id: str,
        origin: str,
        meta: dict[str, Any] | None,
        depth: int,
    ) -> None:
        """`a.jsonl.gz` is read as `a.jsonl` (id `a`), decompressed no further than the limits."""
        if depth >= MAX_ARCHIVE_DEPTH:
            self.problem(origin, f"archives nested more than {MAX_ARCHIVE_DEPTH} deep; not opened")
            return
        stream = zlib.decompressobj(wbits=31)  # gzip framing only
        try:
            content = stream.decompress(data, self.max_bytes + 1)
        except zlib.error:
            self.problem(origin, "not a readable gzip file (damaged, or not gzip)")
            return
        if len(content) > self.max_bytes:
            self.problem(
                origin,
                f"too large once decompressed (over the limit of {formats.size(self.max_bytes)})",
            )
            return
        if not stream.eof:
            self.problem(origin, "gzip file is cut short (incomplete download?); not read")
            return
        try:
            self.budget.take(len(content), origin, "gzip file decompresses to")
        except NewsprismError as exc:
            self.problem(exc.origin, f"{exc.message}; not read")
            return
        inner = PurePosixPath(name).stem
        inner_id = file_id.removesuffix(PurePosixPath(inner).suffix)
        self.add_bytes(inner, content, inner_id, origin, meta, depth + 1)

    def add_zip(self, data: bytes, file_id: str, origin: str, depth: int) -> None:
        if depth >= MAX_ARCHIVE_DEPTH:
            self.problem(origin, f"archives nested more than {MAX_ARCHIVE_DEPTH} deep; not opened")
            return
        try:
            archive, inner = open_zip(data, self.budget, origin)
        except NewsprismError as exc:
            self.problem(exc.origin, exc.message)
            return
        sidecar = self.zip_sidecar(archive, inner, file_id, origin)
        for rel, member in sorted(inner.items()):
            member_origin = f"{origin}/{rel}"
            if _unsafe(rel):
                self.problem(
                    member_origin, "unsafe path inside the archive (absolute or ..); skipped"
                )
                continue
            if (
                any(_is_hidden(part) for part in rel.parts)
                or rel.name in formats.config()["sidecar_names"]
            ):
                continue
            member_id = f"{file_id}/{rel.with_suffix('').as_posix()}"
            if member_id in self.skip_ids:
                continue
            if member.file_size > self.max_bytes:
                self.problem(
                    member_origin,
                    f"too large ({formats.size(member.file_size)}; the limit is {formats.size(self.max_bytes)})",
                )
                continue
            try:
                with archive.open(member) as handle:
                    content = handle.read(self.max_bytes + 1)
            except _MEMBER_FAILURES as exc:
                self.problem(member_origin, f"cannot extract from the archive ({exc})")
                continue
            self.add_bytes(
                rel.name, content, member_id, member_origin, sidecar.get(member_id), depth + 1
            )

    def zip_sidecar(
        self,
        archive: zipfile.ZipFile,
        inner: dict[PurePosixPath, zipfile.ZipInfo],
        file_id: str,
        origin: str,
    ) -> dict[str, dict[str, Any]]:
        """Sidecars inside an archive, read like a folder's (they name files beside them)."""
        entries: dict[str, dict[str, Any]] = {}
        for rel, member in inner.items():
            if rel.name not in formats.config()["sidecar_names"] or ".." in rel.parts:
                continue
            if member.file_size > self.max_bytes:
                self.problem(f"{origin}/{rel}", "metadata sidecar ignored: too large")
                continue
            base = f"{file_id}/{rel.parent.as_posix()}" if rel.parent.parts else file_id
            try:
                data = archive.read(member)
            except _MEMBER_FAILURES:
                self.problem(f"{origin}/{rel}", "metadata sidecar ignored: cannot extract it")
                continue
            entries.update(self.read_sidecar(data, f"{origin}/{rel}", base))
        return entries

    def result(self) -> LoadResult:
        frame = records.articles_frame(self.records)
        frame, renamed = records.unique_ids(frame)
        for origin, old, new in renamed:
            self.problem(origin, f"id {old} already used; loaded as {new}", "warning")
        first = frame.filter(pl.col("content_hash").is_first_distinct())
        dropped = frame.filter(~pl.col("content_hash").is_first_distinct()).join(
            first.select("content_hash", kept="article_id"), on="content_hash"
        )
        duplicates = list(zip(dropped["origin"], dropped["kept"], strict=True))
        for origin, kept in duplicates:
            self.problem(origin, f"same text as {kept}; loaded once", "warning")
        first = first.filter(~pl.col("article_id").is_in(list(self.skip_ids)))
        return LoadResult(schema.conform(first, "articles"), self.problems, duplicates)


def load(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    skip_ids: Collection[str] = (),
    max_input_bytes: int | None = None,
) -> LoadResult:
    """Load folders (recursively) and files of any supported kind; bad inputs become problems.

    Files whose article id is in `skip_ids` are not read (rows of tables and feeds are read
    but not returned), so an incremental re-run only pays for new files. No file may exceed
    `max_bytes`, and each file given or found may expand (archives, Parquet) to at most
    `max_input_bytes` in all (default ARCHIVE_FACTOR * max_bytes).
    """
    loader = _Loader(max_bytes, skip_ids, max_input_bytes)
    for path in paths:
        loader.add_path(Path(path))
    return loader.result()


def load_bytes(
    name: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES, max_input_bytes: int | None = None
) -> LoadResult:
    """Parse one uploaded file in memory; its extension picks the format, its stem is the id."""
    loader = _Loader(max_bytes, (), max_input_bytes)
    safe = PurePosixPath(name.replace("\\", "/")).name or "upload"
    loader.add_input(safe, data, PurePosixPath(safe).stem, name, None)
    return loader.result()


def _free_name(target: Path, data: bytes) -> Path:
    """`target` if it is free or holds these very bytes, else the first free `stem~2.ext`..."""
    # Keep `.jsonl.gz` whole, so the renamed file is still read as what it is.
    suffix = "".join(target.suffixes[-2:]) if target.suffix.lower() == ".gz" else target.suffix
    stem = target.name.removesuffix(suffix)
    candidate, n = target, 1
    while candidate.exists() and not (
        candidate.is_file()
        and candidate.stat().st_size == len(data)
        and candidate.read_bytes() == data
    ):
        n += 1
        candidate = target.with_name(f"{stem}~{n}{suffix}")
    return candidate


def save_upload(
    name: str,
    data: bytes,
    work_dir: Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    notes: list[InputProblem] | None = None,
) -> Path:
    """Write an uploaded file into work_dir under a safe name (atomically) and return its path.

    Folders in the name are dropped; a name that climbs out (`..`) or is empty is refused. A
    different file already saved under that name is kept: the upload gets `stem~2.ext` (then
    ~3...) and a warning in `notes`; the same bytes again are not rewritten (also noted).
    """
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        raise NewsprismError(name, "file name points outside the upload folder; refused")
    safe = _SAFE_NAME.sub("_", parts[-1] if parts else "").lstrip(".")
    if not safe or not safe.strip("_"):
        raise NewsprismError(name, "file name is empty or has no usable characters; refused")
    if len(data) > max_bytes:
        raise NewsprismError(
            name, f"too large ({formats.size(len(data))}; the limit is {formats.size(max_bytes)})"
        )
    folder = Path(work_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = folder / safe
    if wanted.parent != folder:
        raise NewsprismError(name, "file name points outside the upload folder; refused")
    target = _free_name(wanted, data)
    if target.exists():
        if notes is not None:
            notes.append(
                InputProblem(
                    name, f"the same file was uploaded before as {safe}; not saved again", "warning"
                )
            )
        return target
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if target != wanted and notes is not None:
        notes.append(
            InputProblem(
                name,
                f"a different file named {safe} was uploaded before; saved as {target.name}",
                "warning",
            )
        )
    return target
