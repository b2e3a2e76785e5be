"""Text normalisation, paragraph spans, boilerplate flags and inferred titles (all vectorised).

Paragraph rule: paragraphs are separated by blank lines. Inside a block of single-newline lines a
line also ends its paragraph when it ends with sentence-final punctuation or is shorter than
HEADLINE_CHARS (a headline, caption or list line); other single newlines are hard wraps and stay
inside the paragraph. Boilerplate is flagged, never deleted, so offsets keep indexing the text.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from dashboard import schema
from dashboard.lang import boilerplate

HEADLINE_CHARS = 60
"""A line shorter than this is a paragraph of its own (headline/caption), not a hard wrap."""
TITLE_CHARS = 120
"""An inferred title longer than this is cut at a word boundary and ends with an ellipsis."""
_SENTENCE_END = r"[.!?…:;\"»“”)\]]$"
# the rules live in dashboard.lang.boilerplate (data/boilerplate.json); the name stays for callers
boilerplate_rules = boilerplate.rules


def normalise_expr(column: str | pl.Expr = "text", *, nfc: bool = True) -> pl.Expr:
    """NFC, LF line ends, no trailing spaces, at most one blank line in a row, stripped.
    nfc=False: the texts are in NFC already (`in_nfc`)."""
    expr = pl.col(column) if isinstance(column, str) else column
    if nfc:
        expr = expr.str.normalize("NFC")
    return (
        expr.str.replace_all(r"\r\n?", "\n")
        .str.replace_all(r"(?m)[^\S\n]+$", "")
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
    )


def in_nfc(texts: pl.Series) -> pl.Series:
    """The texts in NFC, as normalise_expr makes them; only those not in NFC already are
    rewritten (Python's quick check reads a text ~10x faster than a normalisation rewrites it,
    and almost every text is in NFC already)."""
    values = texts.to_list()
    todo = [
        i for i, t in enumerate(values) if t is not None and not unicodedata.is_normalized("NFC", t)
    ]
    if not todo:
        return texts
    fixed = pl.Series([values[i] for i in todo], dtype=pl.String).str.normalize("NFC").to_list()
    for i, text in zip(todo, fixed, strict=True):
        values[i] = text
    return pl.Series(texts.name, values, dtype=pl.String)


def normalise_text(text: str) -> str:
    """Normalise one text exactly as ingest normalises articles.text (see normalise_expr)."""
    return one_script(pl.select(normalise_expr(pl.lit(text, pl.String))).item())


# Latin letters that look like Cyrillic ones: typed in by mistake, or put there by converters
_LATIN_LOOKALIKES = "AaBEeKMHOoPpCcTyXxIiJjSs"
_CYRILLIC_LOOKALIKES = "АаВЕеКМНОоРрСсТуХхІіЈјЅѕ"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
MIXED_SCRIPT = r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]"
_MIXED_PAIR = re.compile(MIXED_SCRIPT)
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _in_one_script(word: str) -> str:
    cyrillic = len(_CYRILLIC_LETTER.findall(word))
    latin = len(_LATIN_LETTER.findall(word))
    tables = (_TO_CYRILLIC, _TO_LATIN) if cyrillic >= latin else (_TO_LATIN, _TO_CYRILLIC)
    # the script most letters are in, else the one the look-alikes allow (Oвaj -> Овај: в has
    # no Latin twin); only a word the look-alikes explain is rewritten (iPhoneу stays)
    for table in tables:
        fixed = word.translate(table)
        if not _MIXED_PAIR.search(fixed):
            return fixed
    return word


def one_script(text: str) -> str:
    """Words that mix Latin and Cyrillic look-alike letters (Дaнaс, Oсaмнaeст) written in one
    script, the one most of their letters are in: a dictionary, a key and a reader then see the
    word it is. Letter for letter, so offsets do not move."""
    # each word (a run of \w) holding a mixed pair, found from the pair outwards: a regex of
    # whole words (\w*(?:pair)\w*) reads every character of a text, ~100 ns each, which made a
    # one-word fix of a long text cost a millisecond or more
    parts, done = [], 0
    for pair in _MIXED_PAIR.finditer(text):
        start, end = pair.start(), pair.end()
        if start < done:
            continue  # in the word just rewritten
        while start > done and _is_word(text[start - 1]):
            start -= 1
        while end < len(text) and _is_word(text[end]):
            end += 1
        parts += [text[done:start], _in_one_script(text[start:end])]
        done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _is_word(char: str) -> bool:
    """Whether `re` reads a character as \\w (a letter, digit or number, or the underscore)."""
    return char.isalnum() or char == "_"


def _lines(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per line with its char offsets and whether a new paragraph starts there."""
    line = pl.col("line")
    length = line.str.len_chars()
    content = line.str.strip_chars()
    blank = content.str.len_chars() == 0
    breaks_after = content.str.contains(_SENTENCE_END) | (content.str.len_chars() < HEADLINE_CHARS)
    return (
        articles.select(
            pl.int_range(pl.len()).alias("order"),
            "article_id",
            pl.col("text").str.split("\n").alias("line"),
        )
        .explode("line")
        .with_columns(line_start=((length + 1).cum_sum() - (length + 1)).over("order"))
        .with_columns(
            start=pl.col("line_start") + length - line.str.strip_chars_start().str.len_chars(),
            end=pl.col("line_start") + line.str.strip_chars_end().str.len_chars(),
            blank=blank,
            new=(blank.shift(1, fill_value=True) | breaks_after.shift(1, fill_value=True)).over(
                "order"
            ),
        )
        .filter(~pl.col("blank"))
        .with_columns(para_no=(pl.col("new").cum_sum() - 1).over("order"))
    )


def paragraphs(articles: pl.DataFrame) -> pl.DataFrame:
    """Paragraph spans of articles.text with boilerplate flags and reasons (nothing is deleted)."""
    spans = (
        _lines(articles)
        .group_by("order", "article_id", "para_no", maintain_order=True)
        .agg(pl.col("start").first(), pl.col("end").last(), pl.col("line").str.join("\n"))
        .with_columns(body=pl.col("line").str.strip_chars())
    )
    flagged = spans.with_columns(
        boilerplate_reason=boilerplate.reason(pl.col("body"))
    ).with_columns(boilerplate=pl.col("boilerplate_reason").is_not_null())
    return schema.conform(flagged, "paragraphs")


def _title_from(line: pl.Expr) -> pl.Expr:
    """A title from a first line: markdown marks dropped; long lines -> first sentence, cut."""
    line = line.str.replace(r"^[#*>\s]+", "").str.replace(r"[*\s]+$", "")
    sentence = line.str.extract(r"^(.{10,}?[.!?…])(?:\s|$)", 1)
    cut = pl.coalesce(sentence, line)
    return (
        pl.when(line.str.len_chars() <= TITLE_CHARS)
        .then(line)
        .when(cut.str.len_chars() <= TITLE_CHARS)
        .then(cut)
        .otherwise(cut.str.slice(0, TITLE_CHARS).str.replace(r"\s+\S*$", "") + "…")
    )


def infer_titles(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Fill missing titles from each article's first non-boilerplate paragraph ("first-line")."""
    first = (
        boilerplate.body(paragraphs)
        .sort("article_id", "para_no")
        .group_by("article_id")
        .agg(pl.col("start").first(), pl.col("end").first())
    )
    joined = articles.join(first, on="article_id", how="left", maintain_order="left")
    para = pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    guess = _title_from(para.str.split("\n").list.first())
    fill = pl.col("title").is_null() & pl.col("start").is_not_null()
    return joined.with_columns(
        title=pl.when(fill).then(guess).otherwise(pl.col("title")),
        # Rebuilt field by field: with_fields on a null struct would stay null.
        provenance=pl.struct(
            pl.when(fill)
            .then(pl.lit("first-line"))
            .otherwise(pl.col("provenance").struct.field("title"))
            .alias("title"),
            *(
                pl.col("provenance").struct.field(f)
                for f in schema.PROVENANCE.to_schema()
                if f != "title"
            ),
        ),
    ).select(articles.columns)


def with_word_counts(articles: pl.DataFrame) -> pl.DataFrame:
    """Words per article, counted once here so no view has to scan full texts for it."""
    return articles.with_columns(words=pl.col("text").str.count_matches(r"\w+").cast(pl.Int32))
