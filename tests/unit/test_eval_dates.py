from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from dashboard.evaluation.eval_dates import evaluate

GOLD = "doc_id\tline_in_doc\tenglish_phrase\tvalue\tlangs_present\n"


def _bench(root: Path) -> Path:
    folder = root / "ntrex_dev"
    (folder / "corpus" / "eng-US").mkdir(parents=True)
    (folder / "corpus" / "deu").mkdir(parents=True)
    text_en = "Title on 3 March 2018\n\nIt rained on 5 May 2018 and 1 June 2018.\n\nIn 2015 things."
    text_de = "Titel\n\nEs regnete am 5. Mai 2018.\n\nNichts."
    (folder / "corpus" / "eng-US" / "d1.txt").write_text(text_en, encoding="utf-8")
    (folder / "corpus" / "deu" / "d1.txt").write_text(text_de, encoding="utf-8")
    (folder / "corpus" / "metadata.csv").write_text(
        "file,published\neng-US/d1.txt,2019-01-17\ndeu/d1.txt,2019-01-17\n", encoding="utf-8"
    )
    (folder / "dates_gold.tsv").write_text(
        GOLD + "d1\t1\t5 May 2018\t2018-05-05\teng-US,deu\nd1\t0\tnothing\t2018-03-04\teng-US\n",
        encoding="utf-8",
    )
    (folder / "dates_unscored.tsv").write_text(
        "doc_id\tline_in_doc\tenglish_phrase\treason\nd1\t2\tIn 2015\ttest\n", encoding="utf-8"
    )
    return folder


def test_scores_recall_precision_and_writes_errors(tmp_path: Path) -> None:
    errors = tmp_path / "out" / "errors.tsv"
    table = evaluate(_bench(tmp_path), errors)
    rows = {r["variety"]: r for r in table.iter_rows(named=True)}
    # eng-US: 2 gold, 1 found (line 0 has 2018-03-03, not 2018-03-04); system: line 0 wrong,
    # line 1 one right + 2018-06-01 wrong, line 2 unscored -> 1 right of 3
    assert (rows["eng-US"]["gold"], rows["eng-US"]["found"]) == (2, 1)
    assert (rows["eng-US"]["right"], rows["eng-US"]["system"]) == (1, 3)
    assert (rows["deu"]["gold"], rows["deu"]["found"], rows["deu"]["system"]) == (1, 1, 1)
    assert rows["all"]["gold"] == 3 and rows["all"]["recall"] == 2 / 3
    with errors.open(encoding="utf-8") as fh:
        read = list(csv.DictReader(fh, delimiter="\t"))
    kinds = [(r["variety"], r["line"], r["kind"]) for r in read]
    # what the system read on the line, so a developer sees which phrase gave which value
    line1 = next(r for r in read if r["line"] == "1")
    assert "1 June 2018 = 2018-06-01 (explicit)" in line1["system_read"]
    assert line1["sentence"] == "It rained on 5 May 2018 and 1 June 2018."
    assert sorted(kinds) == [
        ("eng-US", "0", "false alarm"),
        ("eng-US", "0", "miss"),
        ("eng-US", "1", "false alarm"),
    ]
    assert isinstance(table, pl.DataFrame)
