"""How many mentioned dates the extractor finds and resolves right: ntrex_dev, per language variety.

Every corpus file goes through `dates.extract_dates` (split into paragraphs at blank lines, so
paragraph k is the gold's line_in_doc k) with its publication day from metadata.csv. A gold date
is found when the system gives that value on that line. A system date is right when its value is
a gold value of that line, ignored when that line has an unscored phrase (dates_unscored.tsv),
and a false alarm otherwise; precision is therefore a lower bound. Misses and false alarms go to
a TSV file for the developer.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl

from dashboard.evaluation import benchdata
from dashboard.evaluation.eval_language import split_blank_lines
from dashboard.steps.dates import extract_dates

# corpus variety -> the project's language code
VARIETY_LANGUAGE = {
    "srp-Latn": "sr",
    "srp-Cyrl": "sr",
    "hrv": "hr",
    "bos": "bs",
    "ron": "ro",
    "ell": "el",
    "tur": "tr",
    "deu": "de",
    "eng-US": "en",
}

Line = tuple[str, str, int]  # variety, doc_id, line_in_doc


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _corpus(folder: Path) -> pl.DataFrame:
    """One article per corpus file: article_id "variety/doc", text, language, published."""
    published = {
        row["file"]: date.fromisoformat(row["published"])
        for row in csv.DictReader((folder / "corpus" / "metadata.csv").open(encoding="utf-8"))
    }
    rows = [
        {
            "article_id": f"{path.parent.name}/{path.stem}",
            "text": path.read_text(encoding="utf-8"),
            "language": VARIETY_LANGUAGE[path.parent.name],
            "published": published.get(f"{path.parent.name}/{path.name}"),
        }
        for path in sorted((folder / "corpus").glob("*/*.txt"))
        if path.parent.name in VARIETY_LANGUAGE
    ]
    schema = {
        "article_id": pl.String,
        "text": pl.String,
        "language": pl.String,
        "published": pl.Date,
    }
    return pl.DataFrame(rows, schema=schema)


def _system(articles: pl.DataFrame) -> tuple[dict[Line, list[str]], dict[Line, list[str]]]:
    """System date values per (variety, doc, line), and how each was read (for the errors)."""
    found = extract_dates(articles, split_blank_lines(articles))
    out: dict[Line, list[str]] = {}
    how: dict[Line, list[str]] = {}
    columns = ("article_id", "para_no", "value", "text", "resolution")
    for article_id, para_no, value, text, resolution in found.select(columns).iter_rows():
        variety, doc = article_id.split("/", 1)
        key = (variety, doc, para_no)
        out.setdefault(key, []).append(value or "")  # an unresolved date counts as a wrong value
        how.setdefault(key, []).append(f"{text} = {value} ({resolution})")
    return out, how


def _sentence(articles: pl.DataFrame, key: Line) -> str:
    text = articles.filter(pl.col("article_id") == f"{key[0]}/{key[1]}")["text"]
    blocks = [b.strip() for b in (text[0] if len(text) else "").split("\n\n") if b.strip()]
    return blocks[key[2]] if key[2] < len(blocks) else ""


def evaluate(folder: Path, errors_path: Path) -> pl.DataFrame:
    """Per-variety gold, found, system, right, recall, precision (plus an "all" row); errors to TSV."""
    articles = _corpus(folder)
    system, how = _system(articles)
    gold: dict[Line, list[str]] = {}
    for row in _read_tsv(folder / "dates_gold.tsv"):
        for variety in row["langs_present"].split(","):
            key = (variety, row["doc_id"], int(row["line_in_doc"]))
            gold.setdefault(key, []).append(row["value"])
    unscored = {
        (r["doc_id"], int(r["line_in_doc"])) for r in _read_tsv(folder / "dates_unscored.tsv")
    }
    counts: dict[str, Counter[str]] = {v: Counter() for v in VARIETY_LANGUAGE}
    errors: list[tuple[str, str, int, str, str, str, str]] = []
    for key in sorted(set(gold) | set(system), key=str):
        variety, doc, line = key
        if variety not in counts:
            continue
        wanted, got = Counter(gold.get(key, [])), Counter(system.get(key, []))
        right = sum((wanted & got).values())
        counts[variety]["gold"] += sum(wanted.values())
        counts[variety]["found"] += right
        false_alarms = list((got - wanted).elements())
        if (doc, line) in unscored:
            false_alarms = []  # a date on an unscored phrase is neither right nor wrong
        counts[variety]["system"] += right + len(false_alarms)
        counts[variety]["right"] += right
        read = "; ".join(how.get(key, []))
        for value in (wanted - got).elements():
            errors.append((variety, doc, line, "miss", value, ";".join(got.elements()), read))
        for value in false_alarms:
            errors.append((variety, doc, line, "false alarm", ";".join(wanted), value, read))
    _write_errors(errors_path, errors, articles)
    rows = [
        {"variety": v, **{k: c[k] for k in ("gold", "found", "system", "right")}}
        for v, c in counts.items()
    ]
    table = pl.DataFrame(rows)
    table = pl.concat(
        [table, table.select(pl.lit("all").alias("variety"), pl.exclude("variety").sum())]
    )
    return table.with_columns(
        recall=pl.col("found") / pl.col("gold"), precision=pl.col("right") / pl.col("system")
    )


def _write_errors(
    path: Path, errors: list[tuple[str, str, int, str, str, str, str]], articles: pl.DataFrame
) -> None:
    """One row per miss or false alarm: the gold and system values of the line, what the system
    read there (phrase = value (resolution)) and the sentence."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        header = ["variety", "doc_id", "line", "kind", "gold", "system", "system_read", "sentence"]
        out.writerow(header)
        for variety, doc, line, kind, want, got, read in errors:
            sentence = _sentence(articles, (variety, doc, line))
            out.writerow([variety, doc, line, kind, want, got, read, sentence])


def main(root: Path | None = None, errors_path: Path | None = None) -> int:
    """Print the per-variety table and the errors file path; 0 always (a report, not a gate)."""
    folder = (root or benchdata.default_root()) / "ntrex_dev"
    errors_path = errors_path or Path("eval_dates_errors.tsv").resolve()
    table = evaluate(folder, errors_path)
    print("mentioned dates on ntrex_dev (unscored phrases excluded; precision is a lower bound)")
    print(f"{'variety':<9} {'gold':>5} {'found':>6} {'system':>7} {'recall':>7} {'precision':>10}")
    for r in table.iter_rows(named=True):
        print(
            f"{r['variety']:<9} {r['gold']:>5} {r['found']:>6} {r['system']:>7} {r['recall']:>7.3f} {r['precision']:>10.3f}"
        )
    print(f"misses and false alarms: {errors_path}")
    return 0
