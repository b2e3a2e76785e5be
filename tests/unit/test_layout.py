"""House rules that keep the code base in shape: Streamlit only at the edge, pages independent,
every step's columns declared before use, imports only downward along the data's way (app ->
views -> pipeline -> ingest/translate -> steps -> lang -> store -> base) and no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.pipeline import pipeline

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dashboard"
# each layer may import its own and the layers below; bench and evaluation sit beside the product
RANK = {
    "base": 0,
    "store": 1,
    "lang": 2,
    "steps": 3,
    "ingest": 4,
    "translate": 4,
    "pipeline": 5,
    "views": 6,
    "app": 7,
    "evaluation": 8,
    "bench": 9,
}
# cli: the one door to everything; the rest is the base every layer may import
TOP_MODULES = {"__init__", "atomic", "cli", "collector", "errors", "schema", "spans"}


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


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "screens" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_app_edge_imports_streamlit(path):
    uses = any(n == "streamlit" or n.startswith("streamlit.") for n in _imports(path))
    assert not uses or path.relative_to(PACKAGE).parts[0] == "app"


def _layer(module: str) -> str:
    """`dashboard.steps.mentions` -> steps; a top-level module is the base (cli aside)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ("cli" if parts[-1] == "cli" else "base")


def _graph() -> dict[str, set[str]]:
    """Module -> the dashboard modules it imports, anywhere in its body (lazy imports count)."""
    known = {
        ".".join(("dashboard", *p.relative_to(PACKAGE).with_suffix("").parts)) for p in _modules()
    }
    graph: dict[str, set[str]] = {}
    for path in _modules():
        name = ".".join(("dashboard", *path.relative_to(PACKAGE).with_suffix("").parts))
        graph[name] = set()
        for imported in _imports(path):
            if imported in known and imported != name and not imported.endswith("__init__"):
                graph[name].add(imported)
    return graph


def test_the_package_is_drawn_in_layers():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == TOP_MODULES
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == set(RANK) - {"base"}
    for package in packages:  # each says what it holds and what it may import
        assert "May import:" in (PACKAGE / package / "__init__.py").read_text(encoding="utf-8")


def _allowed(importer: str, imported: str) -> bool:
    """Down the layers or within one; the base is everyone's; only the cli reaches everything."""
    a, b = _layer(importer), _layer(imported)
    if b == "cli":
        return False
    return a in ("cli", b) or b == "base" or RANK[b] < RANK[a]


def test_imports_only_go_down_the_layers():
    wrong = [f"{a} -> {b}" for a, bs in _graph().items() for b in bs if not _allowed(a, b)]
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_the_layer_rule_can_fail():
    assert not _allowed("dashboard.steps.mentions", "dashboard.views.views")
    assert not _allowed("dashboard.ingest.ingest", "dashboard.translate.translate")
    assert not _allowed("dashboard.schema", "dashboard.store.store")
    assert _allowed("dashboard.views.views", "dashboard.steps.mentions")


def test_no_import_cycles():
    graph = _graph()
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            cycle = visit(nxt, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "app" / "screens").glob("*.py")), ids=lambda p: p.name
)
def test_pages_never_import_each_other(path):
    assert not any(n.startswith(("pages", "dashboard.app.screens")) for n in _imports(path))


def test_pipeline_order_is_checked_against_declarations():
    bad = (*pipeline.STEPS[:1], pipeline.Step("early", ("alignments.score",), (), False))
    with pytest.raises(RuntimeError, match="early"):
        pipeline.check_order(bad)
    pipeline.check_order()
