"""The one boilerplate filter: paragraphs that are not the article (bylines, photo credits,
captions, share and subscribe lines, "read more", comment counters, source tags).

The rules are data (data/boilerplate.json: per-language markers with the same keys in every
language, and language-independent patterns), turned here into one reason per paragraph. Ingest
flags paragraphs with them (normalise.paragraphs: `boilerplate`, `boilerplate_reason`) and never
deletes text, so offsets keep indexing it; every step that reads the article's body keeps the
unflagged paragraphs through `body` (or `is_body` inside an expression), one rule everywhere: a
missing flag is body, a table without the column is all body.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import polars as pl

FLAG = "boilerplate"
"""The paragraphs column that says a paragraph is boilerplate."""
_LINE_MARKERS = ("share line", "subscribe", "read more")
"""Marker keys that flag a short line starting with them."""

_NAME = r"\p{Lu}[\p{L}'’.\-]*"
"""A capitalised word of a name (an initial with its dot too)."""
_AFFILIATION = r"(?:\s*[,|/–—-]\s*[^\n]{0,40})?"
"""What may follow a byline's name: an outlet or place after a comma, dash or slash."""

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


@cache
def rules() -> dict[str, Any]:
    """Per-language boilerplate markers and language-independent patterns (data/boilerplate.json)."""
    path = resources.files("dashboard").joinpath("data/boilerplate.json")
    return dict(json.loads(path.read_text("utf-8")))


def _escape(marker: str) -> str:
    """Escape a literal for the Rust regex engine (it rejects Python's escaped spaces)."""
    return "".join("\\" + ch if ch in r"\.^$|?*+()[]{}-" else ch for ch in marker)


@cache
def reason_patterns() -> tuple[tuple[str, str], ...]:
    """(reason, regex) pairs in the order they are tried; markers of every language at once."""
    data = rules()
    markers: dict[str, list[str]] = {}
    for per_language in data["markers"].values():
        for reason, words in per_language.items():
            markers.setdefault(reason, []).extend(words)

    def alternatives(reason: str) -> str:
        # Longest first so "Share this" wins over "Share".
        return "|".join(_escape(m) for m in sorted(set(markers[reason]), key=len, reverse=True))

    patterns = data["patterns"]
    return (
        *(("source tag", p) for p in patterns["source tag"]),
        ("comments", rf"(?i)^(?:\d+\s+)?(?:{alternatives('comments')})(?:\s*\(?\d+\)?)?\s*:?$"),
        ("photo credit", rf"(?i)^(?:{alternatives('photo credit')})\s*[:：]"),
        *(("photo credit", p) for p in patterns["photo credit"]),
        *(("caption", p) for p in patterns["caption"]),
        (
            "byline",
            # "Autor: news.bg" (a colon: anything short) or "By J. Smith, Reuters" (a name)
            rf"^(?i:{alternatives('byline')})"
            rf"(?:\s*[:：]\s*[^\n]{{1,60}}|\s+{_NAME}(?:\s+{_NAME}){{0,3}}{_AFFILIATION})$",
        ),
        *((r, rf"(?i)^(?:{alternatives(r)})\b[^\n]{{0,40}}$") for r in _LINE_MARKERS),
    )


def reason(text: pl.Expr) -> pl.Expr:
    """Why a paragraph (its stripped text) is boilerplate, or null: the first rule that matches,
    for paragraphs of at most max_chars (a long paragraph is the article's, whatever it starts
    with)."""
    found: pl.Expr = pl.lit(None, pl.String)
    for name, pattern in reversed(reason_patterns()):
        found = pl.when(text.str.contains(pattern)).then(pl.lit(name)).otherwise(found)
    return pl.when(text.str.len_chars() <= rules()["max_chars"]).then(found)


def flagged() -> pl.Expr:
    """Whether a paragraph is boilerplate (a missing flag is not)."""
    return pl.col(FLAG).fill_null(False)


def is_body() -> pl.Expr:
    """Whether a paragraph is the article's body: not flagged boilerplate."""
    return ~flagged()


def body(paragraphs: Frame) -> Frame:
    """The paragraphs that are the article's body (all of them when the table has no flag)."""
    names = (
        paragraphs.collect_schema().names()
        if isinstance(paragraphs, pl.LazyFrame)
        else paragraphs.columns
    )
    return paragraphs.filter(is_body()) if FLAG in names else paragraphs
