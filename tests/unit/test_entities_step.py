"""The entities step skips applying an empty alias file, and applies a real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import ingest
from dashboard.pipeline import pipeline, step_table
from dashboard.steps import aliases, entities

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def enriched() -> pipeline.Tables:
    return pipeline.enrich(ingest.load([SEEDS]).articles)


def test_without_corrections_the_tables_are_what_applying_none_gives(
    enriched: pipeline.Tables, tmp_path: Path
) -> None:
    made = step_table._entities_step(enriched, pipeline.Context(out=tmp_path))
    linked = entities.link(enriched["mentions"])
    mentions, ents = entities.apply_aliases(*linked, entities.Aliases())
    assert made["mentions"].equals(mentions)
    assert made["entities"].equals(ents)


def test_an_alias_file_is_applied(enriched: pipeline.Tables, tmp_path: Path) -> None:
    first = step_table._entities_step(enriched, pipeline.Context())["entities"]
    eid = first["entity_id"][0]
    aliases.write_aliases(
        tmp_path / entities.ALIAS_FILE, aliases.rename(entities.Aliases(), eid, "Renamed")
    )
    made = step_table._entities_step(enriched, pipeline.Context(out=tmp_path))["entities"]
    assert made.filter(entity_id=eid)["label"].to_list() == ["Renamed"]
