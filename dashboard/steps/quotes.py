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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.lang import boilerplate
from dashboard.spans import ByStart

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
FOUND_SCHEMA: dict[str, pl.DataType] = {
    "q": pl.Int64(),
    **{k: v for k, v in QUOTES_SCHEMA.items() if k != "speaker_entity_id"},
    "stands_alone": pl.Boolean(),
}
CANDIDATES_SCHEMA: dict[str, pl.DataType] = {
    "q": pl.Int64(),
    "fallback": pl.Boolean(),
    "article_id": pl.String(),
    "start": pl.Int32(),
    "end": pl.Int32(),
    "gap": pl.Int32(),
}


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
    return _any_of(tuple(_marks()[0]))


@cache
def _any_of(marks: tuple[str, ...]) -> re.Pattern[str]:
    """One character of `marks` (the opening marks, or one opener's closing marks)."""
    return re.compile("[" + re.escape("".join(marks)) + "]")


def _opens(text: str, i: int, floor: int) -> bool:
    # a single quote glued to a letter is an apostrophe (Putin’in), not an opening mark
    return text[i] not in "‘'" or i == floor or not text[i - 1].isalnum()


def _closing(text: str, i: int, end: int, closers: tuple[str, ...]) -> int | None:
    """Where the first of `closers` in text[i:end] stands that closes (a curly single quote
    between two letters is an apostrophe: Putin’in); the marks are found in C, not character
    by character."""
    for mark in _any_of(closers).finditer(text, i, end):
        j = mark.start()
        if not (
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


def _candidates(
    text: str,
    window: tuple[int, int],
    quote_spans: list[tuple[int, int]],
    actors: ByStart[tuple[int, int]],
    pattern: re.Pattern[str],
) -> list[tuple[int, int, int]]:
    """(start, end, gap to the nearest speech verb) of each actor inside the window, outside
    quotes, in the order given; none without a speech verb. The speaker is the first of them
    by (type, gap) that is linked (`speakers`)."""

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
    if not verbs:
        return []

    def touching(a: int, b: int) -> bool:
        # an actor glued to the quote mark belongs to the quoted phrase (Madurovi „dani“)
        return any(0 <= qs - 1 - b <= 1 or 0 <= a - qe - 1 <= 1 for qs, qe in quote_spans)

    return [
        (a, b, min(_gap(a, b, *v) for v in verbs))
        for a, b in actors.within(*window)
        if outside(a, b) and not touching(a, b)
    ]


def _gap(a_start: int, a_end: int, v_start: int, v_end: int) -> int:
    """Characters between an actor and a verb (0 when they touch or overlap)."""
    return max(0, v_start - a_end, a_start - v_end)


def quotes(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    """Quoted speech spans per paragraph with the speaker's entity id where the text says who.

    Offsets are into articles.text (text[start:end] is the quote without its marks). Boilerplate
    paragraphs are skipped. mentions: linked (entity_id and type set).
    """
    return speakers(find(articles, paragraphs, _actors(mentions)), mentions)


@dataclass(frozen=True)
class Found:
    """Quotes found before their speakers are known (`find`), for `speakers` to complete.

    quotes: the quotes table without speaker_entity_id, with q (the quote's number) and
    stands_alone (the paragraph before announces it); candidates: (q, fallback, article_id,
    start, end, gap), the mentions that may speak it (fallback: in that paragraph before)."""

    quotes: pl.DataFrame
    candidates: pl.DataFrame


def _actors(mentions: pl.DataFrame) -> pl.DataFrame:
    """The mentions that may speak: linked persons and organisations."""
    return mentions.filter(pl.col("entity_id").is_not_null() & pl.col("type").is_in(SPEAKER_TYPES))


def find(articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame) -> Found:
    """The quotes and the mentions that may speak each: everything about them but who is linked.

    mentions: any superset of the linked speakers (before linking, every mention: linking
    decides types and keeps some). Runs BATCH articles at a time (their texts and mentions are
    held as Python objects)."""
    if articles.height <= BATCH:
        return _find(articles, paragraphs, mentions)
    parts: list[Found] = []
    for start in range(0, articles.height, BATCH):
        part = articles.slice(start, BATCH)
        ids = part.select("article_id")
        found = _find(
            part,
            paragraphs.join(ids, on="article_id", how="semi"),
            mentions.join(ids, on="article_id", how="semi"),
            first=sum(p.quotes.height for p in parts),
        )
        parts.append(found)
    return Found(pl.concat([p.quotes for p in parts]), pl.concat([p.candidates for p in parts]))


def _find(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame, first: int = 0
) -> Found:
    """`find` over one batch; its quotes are numbered from `first`."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    languages = (
        dict(zip(articles["article_id"], articles["language"], strict=True))
        if "language" in articles.columns
        else {}
    )
    paras = boilerplate.body(paragraphs)
    actors_by_article: dict[str, list[tuple[int, int]]] = {}
    for aid, a_start, a_end in mentions.select("article_id", "start", "end").iter_rows():
        actors_by_article.setdefault(aid, []).append((a_start, a_end))
    rows: list[tuple[object, ...]] = []
    candidates: list[tuple[object, ...]] = []
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
        # a long article has thousands of actors: each quote asks only of those in its sentence
        actors = ByStart(actors_by_article.get(aid, []))
        for k, (para_no, p_start, p_end) in enumerate(bounds):
            spans = find_quotes(text, p_start, p_end)
            for q_start, q_end in spans:
                q = first + len(rows)
                window = _sentence_window(text, q_start - 1, q_end + 1, p_start, p_end)
                for a, b, gap in _candidates(text, window, spans, actors, pattern):
                    candidates.append((q, False, aid, a, b, gap))
                alone = k > 0 and _stands_alone(text, q_start, p_start, bounds[k - 1])
                if alone:
                    # who speaks it when no actor in its own sentence does: the paragraph before
                    _, prev_start, prev_end = bounds[k - 1]
                    prev_window = _sentence_window(text, prev_end, prev_end, prev_start, prev_end)
                    prev_spans = find_quotes(text, prev_start, prev_end)
                    for a, b, gap in _candidates(
                        text,
                        (prev_window[0], prev_end),
                        prev_spans + [(prev_end + 2, prev_end + 2)],  # the quote after the colon
                        actors,
                        pattern,
                    ):
                        candidates.append((q, True, aid, a, b, gap))
                rows.append((q, aid, para_no, q_start, q_end, text[q_start:q_end], alone))
    return Found(
        pl.DataFrame(rows, schema=FOUND_SCHEMA, orient="row"),
        pl.DataFrame(candidates, schema=CANDIDATES_SCHEMA, orient="row"),
    )


def speakers(found: Found, mentions: pl.DataFrame) -> pl.DataFrame:
    """The quotes table: each quote of `found` with its speaker, the linked person (else
    organisation) among its candidates nearest to a speech verb (the first mention of a tie);
    one in the paragraph before when the quote stands alone and its own sentence has none."""
    actors = (
        _actors(mentions)
        .select("article_id", "start", "end", "entity_id", rank=_type_rank())
        .with_row_index("pos")
    )
    best = (
        found.candidates.join(actors, on=["article_id", "start", "end"])
        .sort("q", "fallback", "rank", "gap", "pos")
        .unique(["q", "fallback"], keep="first", maintain_order=True)
    )
    own = best.filter(~pl.col("fallback")).select("q", own="entity_id")
    before = best.filter(pl.col("fallback")).select("q", before="entity_id")
    return (
        found.quotes.join(own, on="q", how="left", maintain_order="left")
        .join(before, on="q", how="left", maintain_order="left")
        .with_columns(
            speaker_entity_id=pl.coalesce(
                "own", pl.when(pl.col("stands_alone")).then(pl.col("before"))
            )
        )
        .select(list(QUOTES_SCHEMA))
    )


def _type_rank() -> pl.Expr:
    """A speaker type's place in SPEAKER_TYPES (persons first)."""
    return pl.col("type").replace_strict(
        {t: i for i, t in enumerate(SPEAKER_TYPES)}, return_dtype=pl.Int32
    )


def _stands_alone(text: str, q_start: int, p_start: int, previous: tuple[int, int, int]) -> bool:
    """The quote opens its paragraph and the paragraph before announces it with a colon."""
    _, _, prev_end = previous
    if text[p_start : q_start - 1].strip():
        return False
    # the previous paragraph's last character but spaces, found without copying the text
    at = min(prev_end, len(text))
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at > 0 and text[at - 1] == ":"
