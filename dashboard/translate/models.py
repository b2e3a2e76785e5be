"""The local translation models the analyst installed: add, list, remove.

Models come as files the analyst has: Argos Translate packages (`.argosmodel` zips holding
metadata.json with from_code/to_code, a `model/` CTranslate2 folder and `sentencepiece.model`),
or CTranslate2 model folders with their SentencePiece model(s), e.g. an OPUS-MT model converted
with `ct2-transformers-converter` (source.spm and target.spm). Nothing is ever downloaded.

Each model lives in its own folder under `models_home()` with a `newsprism-model.json` saying its
languages, version, size and where it came from. Adding is atomic: the model is unpacked and
checked in a temporary folder beside the store, then renamed into place, so a store never holds
half a model.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.store import workspace

ENV_MODELS = "NEWSPRISM_MODELS"
ENV_THREADS = "NEWSPRISM_LOCAL_THREADS"
MANIFEST = "newsprism-model.json"
_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
# a pair written in a folder or file name: opus-mt-sr-en, translate-sr_en-1_9, sr-en
# (the last one wins: opus-mt-de-en is de-en, not mt-de)
_PAIR_IN_NAME = re.compile(r"(?=(?<![a-z])([a-z]{2,3})[-_]([a-z]{2,3})(?![a-z]))")


@dataclass(frozen=True)
class ModelInfo:
    """One installed model: a language pair and the files that translate it."""

    name: str  # folder name in the store, "sr-en"
    source: str
    target: str
    version: str
    size: int  # bytes on disk
    origin: str  # the file or folder it was added from (its name only)
    kind: str  # "argos" or "ctranslate2"
    added: str  # ISO date
    model_dir: str  # CTranslate2 folder, relative to the model's folder
    source_spm: str  # SentencePiece model for the input, relative
    target_spm: str  # SentencePiece model for the output, relative
    # OPUS-MT (Marian) models expect "</s>" after the input, which their tokenizer adds
    source_eos: bool = False

    @property
    def label(self) -> str:
        return f"{self.source}-{self.target}@{self.version}"


def models_home() -> Path:
    """$NEWSPRISM_MODELS, else `models/` in newsprism's data folder."""
    env = os.environ.get(ENV_MODELS)
    return Path(env).expanduser() if env else workspace.home() / "models"


def list_models(home: Path | None = None) -> list[ModelInfo]:
    """The installed models, by name; a folder without a readable manifest is left out."""
    root = home or models_home()
    found: list[ModelInfo] = []
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if folder.name.startswith("."):  # temporary folders of an add in progress
            continue
        try:
            found.append(ModelInfo(**json.loads((folder / MANIFEST).read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue
    return found


def model_path(info: ModelInfo, home: Path | None = None) -> Path:
    """The installed model's folder."""
    return (home or models_home()) / info.name


def add_model(
    path: Path, source: str | None = None, target: str | None = None, home: Path | None = None
) -> ModelInfo:
    """Install an Argos package or a CTranslate2 folder; `source`/`target` override or supply
    the languages (a bare CTranslate2 folder has no metadata). Replaces a model of the same pair."""
    root = home or models_home()
    if not path.exists():
        raise NewsprismError(str(path), "no such file or folder")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".adding-", dir=root))
    try:
        unpacked = _unpack(path, staging / "unpacked")
        info = _describe(unpacked, path, source, target)
        _check_loads(unpacked, info)
        final = staging / "model"
        unpacked.rename(final)
        size = sum(p.stat().st_size for p in final.rglob("*") if p.is_file())
        info = ModelInfo(**{**asdict(info), "size": size})
        (final / MANIFEST).write_text(json.dumps(asdict(info), indent=1), encoding="utf-8")
        dest = root / info.name
        old = root / f".removing-{info.name}-{os.getpid()}"
        if dest.exists():
            dest.rename(old)
        final.rename(dest)  # the one step that makes the model visible
        shutil.rmtree(old, ignore_errors=True)
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_model(name: str, home: Path | None = None) -> ModelInfo:
    """Remove an installed model by name ("sr-en"), or say which names there are."""
    root = home or models_home()
    for info in list_models(root):
        if info.name == name:
            trash = root / f".removing-{name}-{os.getpid()}"
            (root / name).rename(trash)  # gone from the list at once, then deleted
            shutil.rmtree(trash, ignore_errors=True)
            return info
    names = ", ".join(i.name for i in list_models(root)) or "none installed"
    raise NewsprismError(name, f"no such model (installed: {names})")


def _unpack(path: Path, dest: Path) -> Path:
    """The model's files in `dest`: a zip extracted (its single top folder taken), a folder copied."""
    if path.is_dir():
        shutil.copytree(path, dest)
        return dest
    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                # never write outside the staging folder, whatever the zip says
                if member.startswith("/") or ".." in Path(member).parts:
                    raise NewsprismError(str(path), f"unsafe path in the package: {member}")
            zf.extractall(dest)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise NewsprismError(
            path.name, f"not a readable model package (.argosmodel zip): {exc}"
        ) from None
    entries = [p for p in dest.iterdir() if not p.name.startswith("__MACOSX")]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def _describe(folder: Path, given: Path, source: str | None, target: str | None) -> ModelInfo:
    """What the unpacked model is: languages, version, and where its parts are."""
    origin = given.name
    meta: dict[str, object] = {}
    if (folder / "metadata.json").is_file():
        try:
            meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        except ValueError:
            raise NewsprismError(origin, "metadata.json is not valid JSON") from None
    model_dir = "model" if (folder / "model" / "model.bin").is_file() else "."
    if not (folder / model_dir / "model.bin").is_file():
        raise NewsprismError(
            origin, "no CTranslate2 model (model.bin) in it; see the README on local models"
        )
    source_spm, target_spm = _spm_files(folder, origin)
    pairs = list(_PAIR_IN_NAME.finditer(given.name.lower().replace(".argosmodel", "")))
    pair = pairs[-1] if pairs else None
    src = source or _str(meta.get("from_code")) or (pair.group(1) if pair else "")
    tgt = target or _str(meta.get("to_code")) or (pair.group(2) if pair else "")
    for what, code in (("source", src), ("target", tgt)):
        if not _CODE.match(code):
            raise NewsprismError(
                origin, f"its {what} language is unknown; give it with --{what} (ISO 639-1)"
            )
    version = _str(meta.get("package_version")) or "1"
    return ModelInfo(
        name=f"{src.lower()}-{tgt.lower()}",
        source=src.lower(),
        target=tgt.lower(),
        version=version,
        size=0,
        origin=origin,
        kind="argos" if meta else "ctranslate2",
        added=time.strftime("%Y-%m-%d"),
        model_dir=model_dir,
        source_spm=source_spm,
        target_spm=target_spm,
        source_eos=source_spm == "source.spm" and not _adds_eos(folder / model_dir),
    )


def _spm_files(folder: Path, origin: str) -> tuple[str, str]:
    """The SentencePiece models (input, output): Argos's one, OPUS-MT's pair, or a lone one."""
    if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
        return "source.spm", "target.spm"
    for name in ("sentencepiece.model", "spm.model"):
        if (folder / name).is_file():
            return name, name
    lone = sorted(p.name for p in folder.iterdir() if p.suffix in (".model", ".spm"))
    if len(lone) == 1:
        return lone[0], lone[0]
    raise NewsprismError(
        origin, "no SentencePiece model (sentencepiece.model, or source.spm and target.spm) in it"
    )


def _check_loads(folder: Path, info: ModelInfo) -> None:
    """Load the model once, so a broken file is refused at add time, not in the middle of a run."""
    load_pair(folder, info)


@dataclass
class LoadedPair:
    """A model in memory: the CTranslate2 translator and its SentencePiece models."""

    info: ModelInfo
    translator: Any
    source_sp: Any
    target_sp: Any
    load_seconds: float


def threads() -> int:
    """CPU threads one model uses: $NEWSPRISM_LOCAL_THREADS (to share a machine), else all cores."""
    try:
        return max(1, int(os.environ.get(ENV_THREADS, "")))
    except ValueError:
        return max(1, os.cpu_count() or 1)


def load_pair(folder: Path, info: ModelInfo) -> LoadedPair:
    """Load one installed (or staged) model; a missing or broken file is a NewsprismError."""
    try:
        import ctranslate2
        import sentencepiece as spm
    except ImportError as exc:
        raise NewsprismError(
            "local", f"the local provider needs ctranslate2 and sentencepiece ({exc})"
        ) from None
    started = time.perf_counter()
    for part in (info.model_dir + "/model.bin", info.source_spm, info.target_spm):
        if not (folder / part).is_file():
            raise NewsprismError(
                info.name, f"the model file {part} is missing; add the model again"
            )
    try:
        translator = ctranslate2.Translator(
            str(folder / info.model_dir),
            device="cpu",
            inter_threads=1,
            intra_threads=threads(),
        )
        source_sp = spm.SentencePieceProcessor(model_file=str(folder / info.source_spm))
        target_sp = (
            source_sp
            if info.target_spm == info.source_spm
            else spm.SentencePieceProcessor(model_file=str(folder / info.target_spm))
        )
    except (RuntimeError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NewsprismError(
            info.name, f"the model cannot be loaded (broken file?): {first}"
        ) from None
    return LoadedPair(info, translator, source_sp, target_sp, time.perf_counter() - started)


def _adds_eos(model_dir: Path) -> bool:
    """Whether the converted model appends the end token to its input itself (config.json)."""
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and bool(config.get("add_source_eos"))


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def models_table(home: Path | None = None) -> pl.DataFrame:
    """The installed models as a table for the Translation page: languages, version, size, source."""
    rows = [
        {
            "model": m.name,
            "languages": f"{m.source} → {m.target}",
            "version": m.version,
            "size (MB)": round(m.size / 1e6, 1),
            "source": m.origin,
            "kind": m.kind,
            "added": m.added,
        }
        for m in list_models(home)
    ]
    schema = ["model", "languages", "version", "size (MB)", "source", "kind", "added"]
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema=schema)
