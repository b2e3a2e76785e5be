"""Readers for the annotated evaluation corpora in ../shared/bench (SlavicNER, RONEC).

They are read by path, never copied into the project; every reader raises NewsprismError with a
clear message when the data is absent, so a user's clone without it gets a sentence, not a trace.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard.errors import NewsprismError

SLAVICNER_LANGS = ("bg", "cs", "pl", "ru", "sl", "uk")


def default_root() -> Path:
    """The shared bench folder: $NEWSPRISM_BENCH, else ../shared/bench beside the checkout."""
    env = os.environ.get("NEWSPRISM_BENCH")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "bench"


@dataclass(frozen=True)
class SlavicNER:
    """SlavicNER documents and gold mentions as frames.

    docs: doc (raw path relative to raw/, without .txt), topic, lang, text, published (Date|null)
    gold: doc, topic, lang, start, end, mention, base, type (PER/ORG/LOC/EVT/PRO), cross_id
    """

    docs: pl.DataFrame
    gold: pl.DataFrame


def load_slavicner(root: Path | None = None, limit: int | None = None) -> SlavicNER:
    """Read slavicner_dev under `root` (default: the shared bench folder)."""
    base = (root or default_root()) / "slavicner_dev"
    if not (base / "raw").is_dir():
        raise NewsprismError(
            str(base), "SlavicNER evaluation data not found (set NEWSPRISM_BENCH to its folder)"
        )
    dates = _slavicner_dates(base / "metadata.tsv")
    docs: list[dict] = []
    gold: list[dict] = []
    for raw in sorted((base / "raw").glob("*/*/*.txt")):
        topic, lang = raw.parent.parent.name, raw.parent.name
        doc = f"{topic}/{lang}/{raw.stem}"
        text = raw.read_text(encoding="utf-8")
        docs.append(
            {
                "doc": doc,
                "topic": topic,
                "lang": lang,
                "text": text,
                "published": dates.get(raw.name),
            }
        )
        ner = base / "ner" / topic / lang / f"{raw.stem}.tsv"
        if ner.is_file():
            for line in ner.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) < 6 or not parts[0].isdigit():
                    continue
                gold.append(
                    {
                        "doc": doc,
                        "topic": topic,
                        "lang": lang,
                        "start": int(parts[0]),
                        "end": int(parts[1]),
                        "mention": parts[2],
                        "base": parts[3],
                        "type": parts[4],
                        "cross_id": parts[5],
                    }
                )
        if limit is not None and len(docs) >= limit:
            break
    docs_frame = pl.DataFrame(
        docs,
        schema={
            "doc": pl.String,
            "topic": pl.String,
            "lang": pl.String,
            "text": pl.String,
            "published": pl.String,
        },
    ).with_columns(pl.col("published").str.to_date(strict=False))
    gold_frame = pl.DataFrame(
        gold,
        schema={
            "doc": pl.String,
            "topic": pl.String,
            "lang": pl.String,
            "start": pl.Int32,
            "end": pl.Int32,
            "mention": pl.String,
            "base": pl.String,
            "type": pl.String,
            "cross_id": pl.String,
        },
    )
    return SlavicNER(docs_frame, gold_frame)


def _slavicner_dates(path: Path) -> dict[str, str]:
    """file name -> publication date (ISO) from metadata.tsv, where it has one."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) >= 6 and parts[5]:
            # metadata names files "<name>.txt.txt" for some topics and "<name>.txt" for others
            name = parts[2][:-4] if parts[2].endswith(".txt.txt") else parts[2]
            out[name] = parts[5][:10]
    return out


def load_ronec(root: Path | None = None) -> list[dict]:
    """RONEC test sentences: dicts with tokens, ner_tags (BIO2), space_after."""
    path = (root or default_root()) / "ronec_ro" / "test.json"
    if not path.is_file():
        raise NewsprismError(str(path), "RONEC evaluation data not found")
    data: list[dict] = json.loads(path.read_text(encoding="utf-8"))
    return data
