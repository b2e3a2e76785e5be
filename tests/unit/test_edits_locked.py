"""Two sessions editing the analyst's files at once: both edits are kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dashboard.steps import entities
from dashboard.store import store

EDIT = """
import sys
from pathlib import Path
from dashboard.pipeline import pipeline
from dashboard.steps import entities
out, what, eid = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
change = {
    "rename": lambda a: entities.rename(a, eid, "Renamed"),
    "hide": lambda a: entities.hide(a, eid),
}[what]
pipeline.edit_aliases(out, change)
"""


def test_two_sessions_editing_aliases_at_once_keep_both_edits(
    seed_analysis: Path, tmp_path: Path
) -> None:
    out = tmp_path / "analysis"
    shutil.copytree(seed_analysis, out)
    ids = store.Analysis.open(out).frame("entities")["entity_id"].to_list()
    first, second = ids[0], ids[1]
    procs = [
        subprocess.Popen([sys.executable, "-c", EDIT, str(out), "rename", first]),
        subprocess.Popen([sys.executable, "-c", EDIT, str(out), "hide", second]),
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    aliases = entities.read_aliases(out / entities.ALIAS_FILE)
    assert aliases.rename == {first: "Renamed"} and aliases.hide == {second}
    ents = store.Analysis.open(out).frame("entities")
    assert ents.filter(ents["entity_id"] == second)["hidden"].item() is True
