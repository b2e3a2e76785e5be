"""House rules that keep the code base in shape: Streamlit only at the edge, pages independent,
every step's columns declared before use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard import pipeline

ROOT = Path(__file__).resolve().parents[2]
STREAMLIT_MODULES = {"app.py", "ui.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard").glob("*.py")), ids=lambda p: p.name)
def test_only_the_app_edge_imports_streamlit(path):
    uses = any(n == "streamlit" or n.startswith("streamlit.") for n in _imports(path))
    assert uses == (path.name in STREAMLIT_MODULES)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "dashboard" / "screens").glob("*.py")), ids=lambda p: p.name
)
def test_pages_never_import_each_other(path):
    assert not any(n.startswith("pages") for n in _imports(path))


def test_pipeline_order_is_checked_against_declarations():
    bad = (*pipeline.STEPS[:1], pipeline.Step("early", ("alignments.score",), (), False))
    with pytest.raises(RuntimeError, match="early"):
        pipeline.check_order(bad)
    pipeline.check_order()
