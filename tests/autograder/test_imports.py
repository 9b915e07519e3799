"""The import graph of the project's packages has no cycles, and the layers point one way
(see ARCHITECTURE.md, Layers): coursekit imports nothing of autograder; autograder never imports
the widgets. Imports inside functions count too (a lazy import is still a dependency)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _modules(package: str, root: Path = REPO) -> dict[str, Path]:
    mods = {}
    for p in sorted((root / package).rglob("*.py")):
        name = ".".join(p.relative_to(root).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = p
    return mods


def _imports(m: str, p: Path) -> set[str]:
    """Every module name ``m`` (file ``p``) imports, absolute, with ``from x import y`` as x and x.y."""
    pkg = m if p.name == "__init__.py" else m.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(p.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return out


def _graph(package: str, root: Path = REPO) -> dict[str, set[str]]:
    mods = _modules(package, root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        for t in _imports(m, p):
            # a module depends on the module it names, not on its own package's __init__
            if t in mods and t != m and not m.startswith(t + "."):
                graph[m].add(t)
    return graph


@pytest.mark.parametrize("package", ["coursekit", "autograder"])
def test_no_import_cycles(package):
    graph = _graph(package)
    assert len(graph) > 10
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


def test_the_layers_point_one_way():
    for m, p in _modules("coursekit").items():
        assert not any(t.split(".")[0] == "autograder" for t in _imports(m, p)), f"{m} imports autograder"
    for m, p in _modules("autograder").items():
        assert not any(t.startswith("coursekit.widgets") for t in _imports(m, p)), f"{m} imports the widgets"


def test_the_graph_sees_a_cycle(tmp_path):
    """The cycle check itself can fail: two modules importing each other (one lazily) are caught."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyc.a import x\n")
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(_graph("cyc", tmp_path)).prepare()
