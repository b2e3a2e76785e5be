"""The entity evaluation: clear error without data, correct scores on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.errors import NewsprismError
from dashboard.evaluation.eval_entities import _bcubed, evaluate


def test_absent_data_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError, match="not found"):
        evaluate(tmp_path)


def test_bcubed() -> None:
    assert _bcubed([("a", "x"), ("a", "x"), ("b", "y")]) == (1.0, 1.0, 1.0)
    p, r, _ = _bcubed([("a", "x"), ("b", "x")])
    assert p == 0.5 and r == 1.0


def _bench(root: Path) -> None:
    raw = root / "slavicner_dev" / "raw" / "t" / "pl"
    ner = root / "slavicner_dev" / "ner" / "t" / "pl"
    raw.mkdir(parents=True)
    ner.mkdir(parents=True)
    text = "Tytuł\n\nPrezydent Andrzej Duda odwiedził Warszawę. Duda mówił długo."
    (raw / "d1.txt").write_text(text, encoding="utf-8")
    rows = []
    for form, typ, cid in [
        ("Andrzej Duda", "PER", "PER-D"),
        ("Warszawę", "LOC", "GPE-W"),
        ("Duda", "PER", "PER-D"),
    ]:
        start = text.index(form, 20 if form == "Duda" else 0)
        rows.append(f"{start}\t{start + len(form)}\t{form}\t{form}\t{typ}\t{cid}")
    (ner / "d1.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ronec = root / "ronec_ro"
    ronec.mkdir()
    sent = {"tokens": ["Klaus", "Iohannis", "a", "vizitat", "Parisul", "."],
            "ner_tags": ["B-PERSON", "I-PERSON", "O", "O", "B-GPE", "O"],
            "space_after": [True, True, True, True, False, False]}  # fmt: skip
    (ronec / "test.json").write_text(json.dumps([sent]), encoding="utf-8")


def test_scores_on_a_tiny_corpus(tmp_path: Path) -> None:
    _bench(tmp_path)
    result = evaluate(tmp_path)
    row = result["slavicner"].filter(result["slavicner"]["language"] == "all").row(0, named=True)
    assert row["gold_entities"] == 2
    assert row["exact_r"] == 1.0
    assert row["type_acc"] == 1.0
    assert row["link_f1"] == 1.0
    types = {r["gold"]: r for r in result["slavicner_types"].iter_rows(named=True)}
    assert types["PER"]["PER"] >= 1 and types["PER"]["ORG"] == 0 and types["PER"]["right"] == 1.0
    assert types["LOC"]["LOC"] == 1 and types["ORG"]["right"] == 0.0  # no ORG in the gold
    ronec = result["ronec"].row(0, named=True)
    assert ronec["gold"] == 2 and ronec["recall"] == 1.0
    assert result["speed"]["articles"][0] == 1


def test_multilingual_actors_merged_share() -> None:
    from dashboard.evaluation.eval_entities import _multilingual

    scored = {
        "pairs": {
            "pl": [("PER-Duda", "PER:duda"), ("GPE-Kyiv", "LOC:kyiv"), ("ORG-Lone", "ORG:x")],
            "cs": [("PER-Duda", "PER:duda"), ("GPE-Kyiv", "ORG:kiev"), ("GPE-Kyiv", "ORG:kiev")],
            "ru": [("PER-Duda", "PER:duda"), ("GPE-Kyiv", "LOC:kyiv")],
        }
    }
    table = {r["gold_type"]: r for r in _multilingual(scored).iter_rows(named=True)}
    assert table["all"]["multilingual_actors"] == 2  # ORG-Lone is written in one language only
    assert table["all"]["merged_share"] == 0.5  # Kyiv's Czech mentions are another actor
    assert table["PER"]["merged_share"] == 1.0
    assert table["GPE"]["language_pairs_agreeing"] == 1 / 3


def test_losses_name_where_b_cubed_is_lost() -> None:
    from dashboard.evaluation.eval_entities import _losses

    scored = {
        "pairs": {
            "pl": [("PER-Duda", "PER:duda"), ("GPE-Kyiv", "LOC:kyiv"), ("GPE-Lviv", "LOC:kyiv")],
            "cs": [("PER-Duda", "PER:duda"), ("GPE-Kyiv", "ORG:kiev")],
        }
    }
    linked = pl.DataFrame(
        {
            "entity_id": ["PER:duda", "LOC:kyiv", "LOC:kyiv", "ORG:kiev"],
            "text": ["Duda", "Kijów", "Lwów", "Kyjev"],
            "language": ["pl", "pl", "pl", "cs"],
        }
    )
    table = {(r["side"], r["name"]): r for r in _losses(scored, linked).iter_rows(named=True)}
    # Kyiv split over two ids (recall), and one id holding Kyiv and Lviv (precision)
    assert set(table) == {("split", "GPE-Kyiv"), ("mixed", "LOC:kyiv")}
    assert table[("split", "GPE-Kyiv")]["lost"] == 1 / 5  # two mentions, each half its actor
    assert "ORG:kiev 1 [Kyjev (cs)]" in table[("split", "GPE-Kyiv")]["parts"]
    assert table[("mixed", "LOC:kyiv")]["lost"] == 1 / 5


def test_labels_are_scored_against_the_gold_base_forms() -> None:
    from dashboard.evaluation.eval_entities import _labels

    scored = {
        "pairs": {
            "cs": [("PER-Muhammad", "PER:mohamed"), ("PER-Obama", "PER:obam")],
            "ru": [("PER-Muhammad", "PER:mohamed"), ("GPE-Kyiv", "LOC:kyiv")],
        }
    }
    gold = pl.DataFrame(
        {
            "cross_id": ["PER-Muhammad", "PER-Muhammad", "PER-Obama", "GPE-Kyiv"],
            "base": ["Mohamed", "Мухаммед", "Barack Obama", "Киев"],
            "lang": ["cs", "ru", "cs", "ru"],
        }
    )
    entities = pl.DataFrame(
        {
            "entity_id": ["PER:mohamed", "PER:obam", "LOC:kyiv"],
            "label": ["Mohameda", "Barack Obama", "Kiev"],  # Kiev: Киев romanised
        }
    )
    table = {r["gold_type"]: r for r in _labels(scored, gold, entities).iter_rows(named=True)}
    assert table["PER"]["actors"] == 2 and table["PER"]["label_is_base_form"] == 0.5
    assert table["GPE"]["label_is_base_form"] == 1.0
    assert table["all"]["label_is_base_form"] == 2 / 3
