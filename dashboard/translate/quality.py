"""Quality signals on translated paragraphs, the same for every provider.

A translation is flagged when it is identical to its original (nothing was translated), when it is
not in the target language (language ID on outputs long enough to judge), or when its length is
far from the pair's norm: languages take different room for the same text (German about 1.2 times
English), so the expected length ratio of a pair comes from per-language norms in
data/length_norms.json, and only ratios beyond `_RATIO` times that are flagged.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.steps import language

QUALITY_FLAGS = ("identical", "wrong-language", "length-ratio")
_RATIO = (0.5, 2.0)  # observed / expected length ratio outside this is suspicious
_MIN_CHARS = 40  # shorter originals vary too much in length to judge
_MIN_LETTERS = 20  # shorter outputs are too short for language ID
Item = tuple[str, str, str]  # (source language, original, translation)


@cache
def _norms() -> dict[str, float]:
    path = Path(__file__).resolve().parents[1] / "data" / "length_norms.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.items() if not k.startswith("_")}


def expected_ratio(source: str, target: str) -> float:
    """How many times as long as its original a translation source -> target usually is."""
    norms = _norms()
    return norms.get(primary(target), 1.0) / norms.get(primary(source), 1.0)


def judge(items: list[Item], target: str) -> dict[Item, list[str]]:
    """Quality flags of each (source, original, translation); language ID runs once, in a batch."""
    outputs = [t for _, _, t in items]
    wanted = [i for i, t in enumerate(outputs) if sum(ch.isalpha() for ch in t) >= _MIN_LETTERS]
    found = language.detect_texts([outputs[i] for i in wanted])
    detected: dict[int, str | None] = {i: code for i, (code, _) in zip(wanted, found, strict=True)}
    return {item: _flags(item, target, detected.get(i)) for i, item in enumerate(items)}


def _flags(item: Item, target: str, detected: str | None) -> list[str]:
    source, original, translation = item
    flags: list[str] = []
    if _fold(translation) == _fold(original):
        flags.append("identical")
    elif detected and primary(detected) != primary(target):
        flags.append("wrong-language")
    if len(original) >= _MIN_CHARS:
        ratio = len(translation) / len(original) / expected_ratio(source or "", target)
        if not _RATIO[0] <= ratio <= _RATIO[1]:
            flags.append("length-ratio")
    return flags


def quality_counts(paragraphs: pl.DataFrame) -> dict[str, int]:
    """How many translated paragraphs carry each quality flag, and how many carry any."""
    quality = paragraphs["quality"].drop_nulls()
    counts = {flag: int(quality.list.contains(flag).sum()) for flag in QUALITY_FLAGS}
    counts["flagged"] = int((quality.list.len() > 0).sum())
    return counts


def primary(code: str) -> str:
    """The language of a code without region or script: sr-Latn -> sr."""
    return code.split("-")[0].split("_")[0].lower()


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
