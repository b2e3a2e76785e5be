"""Quoted speech in articles and who said it.

A quote is the text between a pair of quotation marks inside one paragraph („...“ “...” «...»
"..." ‚...‘). Its speaker is the linked actor (a person, else an organisation) nearest to a
speech verb that sits in the same sentence as the quote, outside it; when the quote makes up its
own paragraph, the sentence before it ending in ":" is read instead. Speech verbs per language
live in dashboard/data/quotes_<lang>.json.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.lang import boilerplate

DATA = Path(__file__).resolve().parents[1] / "data"

QUOTES_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "para_no": pl.Int32(),
    "start": pl.Int32(),
    "end": pl.Int32(),
    "text": pl.String(),
    "speaker_entity_id": pl.String(),
}

# How far (characters) a speech verb may sit from the quote it introduces.
VERB_REACH = 160
BATCH = 10_000  # articles whose quotes are found together
SPEAKER_TYPES = ("PER", "ORG")
_SENTENCE_END = re.compile(r"[.!?…]\s+")


@cache
def _marks() -> tuple[dict[str, tuple[str, ...]], int, int]:
    data = json.loads((DATA / "quotes_marks.json").read_text(encoding="utf-8"))
    pairs = {opener: tuple(closers) for opener, closers in data["pairs"].items()}
    return pairs, int(data["min_chars"]), int(data["max_chars"])


def speech_verb_languages() -> tuple[str, ...]:
    """Languages that have a speech-verb file."""
    return tuple(sorted(p.stem.removeprefix("quotes_") for p in DATA.glob("quotes_??.json")))


@cache
def _verb_pattern(language: str | None) -> re.Pattern[str]:
    """One regex of the language's speech verbs (all languages when it has no file)."""
    languages = (language,) if language in speech_verb_languages() else speech_verb_languages()
    verbs: set[str] = set()
    for lang in languages:
        data = json.loads((DATA / f"quotes_{lang}.json").read_text(encoding="utf-8"))
        verbs.update(_fold(v) for v in data["speech_verbs"])
    # "stem*" matches any word starting with stem; other entries match whole words only
    alternatives = "|".join(
        re.escape(v[:-1]) + r"\w*" if v.endswith("*") else re.escape(v) + r"(?!\w)"
        for v in sorted(verbs, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})")


class _FoldTable(dict[int, str]):
    """str.translate table folding each character on first sight, then remembered."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        folded = unicodedata.normalize("NFD", c.lower())[:1] or c
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (so offsets survive)."""
    # a per-character table: folding character by character in Python is the slow part
    return text.translate(_FOLD)


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks in text[start:end]."""
    pairs, min_chars, max_chars = _marks()
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = start
    for mark in _opener_pattern().finditer(text, start, end):
        o = mark.start()
        if o < i or not _opens(text, o, start):
            continue
        close = _closing(text, o + 1, end, pairs[text[o]])
        if close is not None and min_chars <= close - o - 1 <= max_chars:
            spans.append((o + 1, close))
            i = close + 1
    return spans


@cache
def _opener_pattern() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(_marks()[0])) + "]")


def _opens(text: str, i: int, floor: int) -> bool:
    # a single quote glued to a letter is an apostrophe (Putin’in), not an opening mark
    return text[i] not in "‘'" or i == floor or not text[i - 1].isalnum()


def _closing(text: str, i: int, end: int, closers: tuple[str, ...]) -> int | None:
    for j in range(i, end):
        if text[j] in closers and not (
            text[j] in "’‘" and j + 1 < end and text[j + 1].isalpha() and text[j - 1].isalpha()
        ):
            return j
    return None


def _sentence_window(
    text: str, lo: int, hi: int, para_start: int, para_end: int
) -> tuple[int, int]:
    """The sentence(s) around text[lo:hi], kept inside the paragraph."""
    before = text[para_start:lo]
    ends = list(_SENTENCE_END.finditer(before))
    left = para_start + ends[-1].end() if ends else para_start
    after = _SENTENCE_END.search(text, hi, para_end)
    right = after.start() + 1 if after else para_end
    return left, right


def _speaker(
    text: str,
    window: tuple[int, int],
    quote_spans: list[tuple[int, int]],
    actors: list[tuple[int, int, str, str]],
    pattern: re.Pattern[str],
) -> str | None:
    """Entity id of the actor nearest to a speech verb inside the window, outside quotes."""

    def outside(a: int, b: int) -> bool:
        return all(b <= qs - 1 or a >= qe + 1 for qs, qe in quote_spans)

    # only the window is folded (plus the character before, for the verb's word boundary)
    lo = max(window[0] - 1, 0)
    segment = _fold(text[lo : window[1]])
    found = [(m.start() + lo, m.end() + lo) for m in pattern.finditer(segment, window[0] - lo)]
    verbs = [
        (a, b)
        for a, b in found
        if outside(a, b)
        and any(abs(a - qs) <= VERB_REACH or abs(a - qe) <= VERB_REACH for qs, qe in quote_spans)
    ]

    def touching(a: int, b: int) -> bool:
        # an actor glued to the quote mark belongs to the quoted phrase (Madurovi „dani“)
        return any(0 <= qs - 1 - b <= 1 or 0 <= a - qe - 1 <= 1 for qs, qe in quote_spans)

    candidates = [
        a
        for a in actors
        if window[0] <= a[0]
        and a[1] <= window[1]
        and outside(a[0], a[1])
        and not touching(a[0], a[1])
    ]
    if not verbs or not candidates:
        return None
    ranked = sorted(
        candidates,
        key=lambda a: (SPEAKER_TYPES.index(a[3]), min(_gap(a[0], a[1], *v) for v in verbs)),
    )
    return ranked[0][2]


def _gap(a_start: int, a_end: int, v_start: int, v_end: int) -> int:
    """Characters between an actor and a verb (0 when they touch or overlap)."""
    return max(0, v_start - a_end, a_start - v_end)


def quotes(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    """Quoted speech spans per paragraph with the speaker's entity id where the text says who.

    Offsets are into articles.text (text[start:end] is the quote without its marks). Boilerplate
    paragraphs are skipped. Runs BATCH articles at a time (their texts and actors are held as
    Python objects).
    """
    if articles.height <= BATCH:
        return _quotes(articles, paragraphs, mentions)
    parts = []
    for start in range(0, articles.height, BATCH):
        part = articles.slice(start, BATCH)
        ids = part.select("article_id")
        parts.append(
            _quotes(
                part,
                paragraphs.join(ids, on="article_id", how="semi"),
                mentions.join(ids, on="article_id", how="semi"),
            )
        )
    return pl.concat(parts)


def _quotes(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    languages = (
        dict(zip(articles["article_id"], articles["language"], strict=True))
        if "language" in articles.columns
        else {}
    )
    paras = boilerplate.body(paragraphs)
    actors_by_article: dict[str, list[tuple[int, int, str, str]]] = {}
    for row in mentions.filter(
        pl.col("entity_id").is_not_null() & pl.col("type").is_in(SPEAKER_TYPES)
    ).iter_rows(named=True):
        actors_by_article.setdefault(row["article_id"], []).append(
            (row["start"], row["end"], row["entity_id"], row["type"])
        )
    rows: list[dict[str, object]] = []
    # plain lists grouped in Python: a polars group per article costs more than its work
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for aid, para_no, p_start, p_end in (
        paras.sort("article_id", "para_no")
        .select("article_id", "para_no", "start", "end")
        .iter_rows()
    ):
        by_article.setdefault(aid, []).append((para_no, p_start, p_end))
    for aid, bounds in by_article.items():
        text = texts.get(aid)
        if not text:
            continue
        if not _opener_pattern().search(text):
            continue
        pattern = _verb_pattern(languages.get(aid))
        actors = actors_by_article.get(aid, [])
        for k, (para_no, p_start, p_end) in enumerate(bounds):
            spans = find_quotes(text, p_start, p_end)
            for q_start, q_end in spans:
                window = _sentence_window(text, q_start - 1, q_end + 1, p_start, p_end)
                speaker = _speaker(text, window, spans, actors, pattern)
                if (
                    speaker is None
                    and k > 0
                    and _stands_alone(text, q_start, p_start, bounds[k - 1])
                ):
                    _, prev_start, prev_end = bounds[k - 1]
                    prev_window = _sentence_window(text, prev_end, prev_end, prev_start, prev_end)
                    prev_spans = find_quotes(text, prev_start, prev_end)
                    speaker = _speaker(
                        text,
                        (prev_window[0], prev_end),
                        prev_spans + [(prev_end + 2, prev_end + 2)],  # the quote after the colon
                        actors,
                        pattern,
                    )
                rows.append(
                    {
                        "article_id": aid,
                        "para_no": para_no,
                        "start": q_start,
                        "end": q_end,
                        "text": text[q_start:q_end],
                        "speaker_entity_id": speaker,
                    }
                )
    return pl.DataFrame(rows, schema=QUOTES_SCHEMA)


def _stands_alone(text: str, q_start: int, p_start: int, previous: tuple[int, int, int]) -> bool:
    """The quote opens its paragraph and the paragraph before announces it with a colon."""
    _, _, prev_end = previous
    return not text[p_start : q_start - 1].strip() and text[:prev_end].rstrip().endswith(":")
