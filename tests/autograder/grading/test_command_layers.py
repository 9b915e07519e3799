"""The command line only parses and calls: orchestration lives in autograder.commands, which
neither the demo nor the commands import the command line back from (no import cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_no_module_imports_the_command_line():
    for module in ("demo", "commands", "course", "report", "submissions", "assignments"):
        assert "autograder.cli" not in _imports(module), module


def test_cli_and_demo_share_the_orchestration():
    assert "autograder.commands" in _imports("cli") and "autograder.commands" in _imports("demo")
