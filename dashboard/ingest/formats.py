"""Readers for each supported input kind: bytes of one file -> raw article records.

A record is a dict with the keys text, title, source, url, published, language, id (rows only),
provenance (field -> how it was obtained) and warnings (caveats about this article). Readers
raise NewsprismError with an analyst message when a file cannot be read at all; they never
normalise text (ingest does that once, vectorised, for every record).
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

import polars as pl
from lxml import etree

from dashboard.errors import NewsprismError
from dashboard.ingest import ahead, codepages

if TYPE_CHECKING:
    import pyarrow as pa

# trafilatura (HTML), feedparser (feeds) and pyarrow (Parquet) are imported by the readers that
# use them: ~0.2 s of every run's start that a folder of text files never needs

Record = dict[str, Any]
FIELDS = ("title", "source", "url", "published", "language")

# C0 controls other than tab, newlines and form feed: text never has many of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
MAX_JSON_DEPTH = 100
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_BLOCKS = frozenset(
    ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")
)
_UNREAD = frozenset(("head", "script", "style", "template"))


def size(n: int) -> str:
    """A byte count for an analyst: MB from 100 KB up, else bytes."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n} bytes"


@dataclass
class Budget:
    """Bytes one input may expand to once read and decompressed, archives inside it included."""

    limit: int
    used: int = 0

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    def check(self, n: int, origin: str, what: str) -> None:
        """Refuse n more bytes with "{what} {n}, over the limit for one input" if they do not fit."""
        if n > self.left:
            read = f" ({size(self.used)} of it already read)" if self.used else ""
            raise NewsprismError(
                origin, f"{what} {size(n)}, over the {size(self.limit)} limit for one input{read}"
            )

    def take(self, n: int, origin: str, what: str) -> None:
        """Count n more bytes, or refuse them as `check` does."""
        self.check(n, origin, what)
        self.used += n


@cache
def config() -> dict[str, Any]:
    """Ingest tables (extensions, column names, header keys, date formats) from data/ingest.json."""
    text = resources.files("dashboard").joinpath("data/ingest.json").read_text("utf-8")
    return json.loads(text)


def decode(data: bytes, origin: str) -> tuple[str, str | None]:
    """Bytes -> text, and a warning naming the code page, language and certainty when the
    bytes were not UTF-8 (codepages.decode_legacy decides which legacy page reads as text)."""
    for bom, codec, label in codepages.BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), None
            except UnicodeDecodeError as exc:
                raise NewsprismError(
                    origin, f"starts with a {label} mark but is not {label}"
                ) from exc
    if b"\x00" in data:
        raise NewsprismError(origin, "binary file (contains NUL bytes), not text")
    try:
        text, warning = data.decode("utf-8"), None
    except UnicodeDecodeError:
        try:
            legacy = codepages.decode_legacy(data)
        except codepages.Undecodable as exc:
            raise NewsprismError(origin, str(exc)) from None
        text, warning = legacy.text, legacy.note()
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise NewsprismError(origin, "binary file (control characters), not text")
    return text, warning


def parse_date(value: object) -> dt.date | None:
    """A date from an ISO, RFC 2822 or common day-month-year string (or a date); None if unknown."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    if not text:
        return None
    iso = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        try:
            return dt.date(*map(int, iso.groups()))
        except ValueError:
            return None
    for fmt in config()["date_formats"]:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


@cache
def _html_parser() -> etree.HTMLParser:
    return etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (feed summaries): block ends become blank lines, <br> a
    line break; comments, scripts, styles, the head and attribute values are not text."""
    # lxml's parser is linear in the input, unlike regexes over crafted markup.
    root = etree.fromstring(markup.encode("utf-8"), _html_parser()) if markup.strip() else None
    return "" if root is None else _block_text(root)


def _block_text(root: Any) -> str:
    """html_to_text of an element of a parsed page."""
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _UNREAD:
                walker.skip_subtree()
            elif element.text:
                parts.append(element.text)
            continue
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCKS:
            parts.append("\n\n")
        if element.tail and element is not root:
            parts.append(element.tail)
    return "".join(parts)


def _record(text: str, fields: dict[str, Any], how: str, warning: str | None) -> Record:
    """A record with provenance `how` for each metadata field that has a value."""
    values = {
        f: (str(fields[f]).strip() or None) if fields.get(f) is not None else None for f in FIELDS
    }
    return {
        "id": fields.get("id"),
        "text": text,
        **values,
        "provenance": {f: how if values[f] is not None else None for f in FIELDS},
        "warnings": [warning] if warning else [],
    }


@cache
def _header_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    keys = config()["header_keys"]
    date_keys = "|".join(k for k, v in keys.items() if v == "published")
    # A date header may share its line with the body (" date 2025-12-12 ABD'nin ...").
    dated = re.compile(
        rf"[ \t]*({date_keys})[ \t]*[:=]?[ \t]*(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})(?:[ \t]+|$)",
        re.IGNORECASE,
    )
    keyed = re.compile(rf"[ \t]*({'|'.join(keys)})[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE)
    return dated, keyed


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Leading `key: value` header lines (and a bare `date YYYY-MM-DD`) -> (fields, body)."""
    dated, keyed = _header_patterns()
    keys = config()["header_keys"]
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if not line.strip():
            pos = end + 1
            continue
        match = dated.match(line)
        if match and "published" not in fields:
            fields["published"] = match.group(2)
            if line[match.end() :].strip():
                return fields, line[match.end() :] + text[end:]
            pos = end + 1
            continue
        match = keyed.match(line)
        if not match or keys[match.group(1).lower()] in fields:
            break
        fields[keys[match.group(1).lower()]] = match.group(2)
        pos = end + 1
    return (fields, text[pos:]) if fields else ({}, text)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Markdown YAML-style front matter between `---` lines -> (fields, body); else a txt header."""
    match = re.match(r"\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        return split_header(text)
    keys = config()["header_keys"]
    fields = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in keys and value.strip():
            fields[keys[key.strip().lower()]] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def _plain(data: bytes, origin: str, front_matter: bool) -> list[Record]:
    text, warning = decode(data, origin)
    fields, body = (_front_matter if front_matter else split_header)(text.lstrip("\ufeff"))
    if not text.strip():
        raise NewsprismError(origin, "empty file" if not text else "only whitespace, no text")
    if not body.strip():
        raise NewsprismError(origin, "no text after the header lines")
    return [_record(body, fields, "header", warning)]


def _html(data: bytes, origin: str) -> list[Record]:
    made = ahead.result(HTML_KIND, data, html_main_text)
    if "error" in made:
        raise NewsprismError(origin, made["error"])
    return [_record(made["text"], made["fields"], "html-meta", made["warning"])]


def _in_blocks(markup: str, flat: str) -> str:
    """A page's main text that came back as one line, cut at the blocks of the page's <article>
    whose text it is, word for word: trafilatura's rescue of a short article (under its
    MIN_EXTRACTED_SIZE) takes the article element's text whole, its paragraphs run together.
    `flat` itself when no article's text is it. The first _MAX_ARTICLES articles only (a crafted
    page nesting thousands would cost their depth squared)."""
    words = flat.split()
    try:
        root = etree.fromstring(markup.encode("utf-8"), _html_parser())
    except etree.LxmlError:  # trafilatura read it: its text stands
        return flat
    articles = root.iter("article") if root is not None else iter(())
    for article in islice(articles, _MAX_ARTICLES):
        text = _block_text(article)
        if text.split() == words:
            return text
    return flat


_MAX_ARTICLES = 10
"""Articles of a page `_in_blocks` looks at (a page has one, or a few teasers beside it)."""

HTML_KIND = "html"
"""The name of a web page's main text among the results a helper hands over (ahead.py)."""


def html_main_text(data: bytes) -> dict[str, Any]:
    """A web page's main text, its metadata (title, published, source, url) and the decoding's
    warning (text, fields, warning), or {"error": why}: what `_html` reads, made where it is
    read or by a helper ahead (ingest.work_ahead)."""
    try:
        markup, warning = decode(data, "")
    except NewsprismError as exc:
        return {"error": exc.message}
    if not markup.strip():
        return {"error": "empty file"}
    import trafilatura

    doc: Any = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        return {"error": "no main text found in the HTML page"}
    text = doc.text if "\n" in doc.text.strip() else _in_blocks(markup, doc.text)
    # trafilatura puts one block element per line; blank lines make them paragraphs.
    body = "\n\n".join(line for line in text.split("\n") if line.strip())
    fields = {"title": doc.title, "published": doc.date, "source": doc.sitename, "url": doc.url}
    return {"text": body, "fields": fields, "warning": warning}


def _feed(data: bytes, origin: str) -> tuple[list[Record], list[str]]:
    made = ahead.result(FEED_KIND, data, feed_records)
    if "error" in made:
        raise NewsprismError(origin, made["error"])
    return made["records"], made["notes"]


FEED_KIND = "feed"
"""The name of a feed's records among the results a helper hands over (ahead.py)."""


def feed_records(data: bytes) -> dict[str, Any]:
    """An RSS/Atom feed's records and notes (records, notes), or {"error": why}: what `_feed`
    reads, made where it is read or by a helper ahead (ingest.work_ahead)."""
    import feedparser

    parsed = feedparser.parse(data)
    # feedparser's reasons look like "<unknown>:2:0: syntax error".
    reason = re.sub(r"^<unknown>:(\d+):\d+:", r"line \1:", str(parsed.get("bozo_exception", "")))
    if not parsed.entries:
        if parsed.bozo:
            return {"error": f"not a valid RSS/Atom feed ({reason[:100]})"}
        return {"error": "not a feed: no RSS/Atom entries found"}
    notes = ["feed is not well-formed; read the entries that could be read"] if parsed.bozo else []
    channel = parsed.feed
    records = []
    for entry in parsed.entries:
        content = entry.get("content") or [{}]
        body = html_to_text(content[0].get("value") or entry.get("summary") or "")
        if not body.strip():
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        fields = {
            "id": entry.get("id") or entry.get("link"),
            "title": entry.get("title"),
            "url": entry.get("link"),
            "published": dt.date(*stamp[:3]) if stamp else entry.get("published"),
            "source": channel.get("title"),
            "language": channel.get("language"),
        }
        records.append(_record(body, fields, "feed", None))
    if not records:
        broken = f"not a valid RSS/Atom feed ({reason[:100]})" if parsed.bozo else ""
        return {"error": broken or "no feed entry has any text"}
    if len(records) < len(parsed.entries):
        notes.append(f"{len(parsed.entries) - len(records)} feed entries without text skipped")
    return {"records": records, "notes": notes}


def _json_depth(text: str) -> int:
    """How deep arrays and objects nest (strings skipped), counted without parsing."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _json_rows(data: bytes, origin: str, lines: bool) -> tuple[pl.DataFrame, str | None, list[str]]:
    text, warning = decode(data, origin)
    # Python's parser recurses per level: refuse deep nesting before it runs out of stack.
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise NewsprismError(
            origin, f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels); not read"
        )
    notes: list[str] = []
    if lines:
        rows, bad = [], 0
        for line in text.splitlines():
            try:
                row = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                row = False
            if row is None:
                continue
            if isinstance(row, dict):
                rows.append(row)
            else:
                bad += 1
        if bad and not rows:
            raise NewsprismError(origin, "not valid JSON Lines (no line is a JSON object)")
        if bad:
            notes.append(f"{bad} lines that are not JSON objects skipped")
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NewsprismError(origin, f"not valid JSON ({exc.msg}, line {exc.lineno})") from exc
        lists = [v for v in doc.values() if isinstance(v, list)] if isinstance(doc, dict) else [doc]
        rows = [r for r in (lists[0] if lists else []) if isinstance(r, dict)]
    if not rows:
        raise NewsprismError(origin, "no records (expected objects with a text field)")
    frame = pl.from_dicts(
        [{k: None if v is None else str(v) for k, v in r.items()} for r in rows],
        infer_schema_length=None,
    )
    return frame, warning, notes


DELIMITERS = ",;\t|"
"""The delimiters a .csv file may use (the sniffer chooses among them)."""
_SNIFF_BYTES = 32 * 1024  # the sample the sniffer reads: a few dozen rows of news text


def delimiter(text: str) -> str:
    """The delimiter of a delimited text, guessed by `csv.Sniffer` over a sample of whole lines
    (quoted fields, how the delimiter repeats line after line); when the sniffer cannot tell (one
    column, a sample too short) or picks a character the header lacks, the candidate the header
    line holds most often (a comma when it holds none)."""
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only: a cut row misleads
    header = sample.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in DELIMITERS and sniffed in header:
        return sniffed
    return max(DELIMITERS, key=header.count)


def _delimited(data: bytes, origin: str, separator: str | None) -> tuple[pl.DataFrame, str | None]:
    text, warning = decode(data, origin)
    if not text.strip():
        raise NewsprismError(origin, "empty file")
    # quotes are always double (RFC 4180): the sniffer takes apostrophes in prose for quotes
    sep = separator or delimiter(text.lstrip("\ufeff"))
    try:
        frame = pl.read_csv(
            io.BytesIO(text.lstrip("\ufeff").encode()),
            separator=sep,
            infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).splitlines()[0][:100]
        raise NewsprismError(origin, f"not a readable table ({reason})") from exc
    return frame, warning


def _decoded_size(column: pa.ChunkedArray) -> int:
    """Bytes a column takes once its dictionary is expanded (what polars would hold)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 8 * len(column)
    for chunk in column.chunks:
        if isinstance(chunk, pa.DictionaryArray) and len(chunk):
            lengths = pc.take(pc.binary_length(chunk.dictionary), chunk.indices)
            total += pc.sum(lengths).as_py() or 0
        else:
            total += chunk.nbytes
    return total


def _parquet(data: bytes, origin: str, budget: Budget) -> pl.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        meta = parquet.metadata
        declared = sum(
            meta.row_group(g).column(c).total_uncompressed_size
            for g in range(meta.num_row_groups)
            for c in range(meta.num_columns)
        )
    except Exception as exc:  # arrow raises several types for damaged files
        raise NewsprismError(origin, "not a Parquet file (or a damaged one)") from exc
    # The pages' declared size first, then (strings read as dictionaries) their expanded size.
    budget.check(declared, origin, "Parquet pages decompress to")
    fields = [f for f in parquet.schema_arrow if not pa.types.is_nested(f.type)]
    strings = [
        f.name for f in fields if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    try:
        columns = [f.name for f in fields]
        table = pq.ParquetFile(io.BytesIO(data), read_dictionary=strings).read(columns=columns)
    except Exception as exc:  # arrow raises several types for damaged files
        raise NewsprismError(origin, "not a Parquet file (or a damaged one)") from exc
    expanded = sum(_decoded_size(column) for column in table.columns)
    budget.take(max(expanded, declared), origin, "Parquet columns expand to")
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.select(pl.all().cast(pl.String))


def _rows(frame: pl.DataFrame, origin: str, warning: str | None) -> tuple[list[Record], list[str]]:
    """Table rows -> records, picking columns by their usual names (case-insensitive)."""
    lower = {name.strip().lower(): name for name in frame.columns}
    # Several aliases may be present (JSON rows differ): the first non-null one wins per row.
    picked = {
        field: [lower[a] for a in aliases if a in lower]
        for field, aliases in config()["columns"].items()
        if any(a in lower for a in aliases)
    }
    if "text" not in picked:
        expected = ", ".join(config()["columns"]["text"])
        raise NewsprismError(origin, f"no text column (expected one of: {expected})")
    if frame.height == 0:
        raise NewsprismError(origin, "the table has no rows")
    rows = frame.select(
        [pl.coalesce(cols).alias(field) for field, cols in picked.items()]
    ).to_dicts()
    records = [_record(r["text"], r, "column", warning) for r in rows if (r["text"] or "").strip()]
    notes = (
        [f"{len(rows) - len(records)} rows without text skipped"]
        if len(records) < len(rows)
        else []
    )
    if not records:
        raise NewsprismError(origin, "no row has any text")
    return records, notes


def read_table(
    kind: str, data: bytes, origin: str, budget: Budget
) -> tuple[pl.DataFrame, str | None, list[str]]:
    """A csv/tsv/jsonl/json/parquet file as an all-string frame, an encoding warning, notes;
    a Parquet file that would expand past what is left of the budget is refused unread."""
    if kind == "parquet":
        return _parquet(data, origin, budget), None, []
    if kind in ("jsonl", "json"):
        return _json_rows(data, origin, lines=kind == "jsonl")
    frame, warning = _delimited(data, origin, "\t" if kind == "tsv" else None)
    return frame, warning, []


def parse(kind: str, data: bytes, origin: str, budget: Budget) -> tuple[list[Record], list[str]]:
    """Read one file of a known kind -> (records, warnings about the file as a whole)."""
    if kind in ("text", "markdown"):
        return _plain(data, origin, front_matter=kind == "markdown"), []
    if kind == "html":
        return _html(data, origin), []
    if kind == "feed":
        return _feed(data, origin)
    frame, warning, notes = read_table(kind, data, origin, budget)
    records, more = _rows(frame, origin, warning)
    return records, notes + more
