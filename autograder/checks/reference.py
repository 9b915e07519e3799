"""Trusted references for the sandbox, derived from coursekit's one implementation.

A check that replaces a student's helper by the trusted one (``FunctionCheck.overrides``) ships
the helper's source into the sandbox, where ``coursekit`` cannot be imported. :func:`bundle`
builds that source from the function itself (``inspect``/``ast`` over its module): the
function, every module-level helper and constant it uses (followed through ``from … import``
into other coursekit modules, e.g. ``coursekit._validate``), docstrings dropped, all wrapped in
a builder function so that executing the text defines exactly one name — the function — and
touches none of the student's other names. Third-party imports (numpy, scipy) stay imports.
See ARCHITECTURE.md, Grading.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import lru_cache

__all__ = ["bundle"]

#: Packages whose code is copied into a bundle (everything else is imported in the sandbox).
_COPIED = ("coursekit",)


@lru_cache(maxsize=None)
def _module_defs(module_name: str) -> dict[str, ast.stmt]:
    """Top-level name -> the statement defining it, for one module."""
    module = importlib.import_module(module_name)
    tree = ast.parse(inspect.getsource(module))
    defs: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    defs[t.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                defs[(alias.asname or alias.name).split(".")[0]] = node
    return defs


def _strip_docstrings(node: ast.AST) -> ast.AST:
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.body \
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant) \
                and isinstance(n.body[0].value.value, str):
            n.body = n.body[1:] or [ast.Pass()]
    return node


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _import_line(node, name: str, module_name: str) -> str | None:
    """The import statement for ``name`` (a third-party import), or None if ``name`` comes from
    a copied package (then the caller follows it)."""
    if isinstance(node, ast.Import):
        alias = next(a for a in node.names if (a.asname or a.name).split(".")[0] == name)
        return None if alias.name.split(".")[0] in _COPIED else ast.unparse(ast.Import(names=[alias]))
    alias = next(a for a in node.names if (a.asname or a.name) == name)
    if node.level:  # relative import inside a copied package
        return None
    if node.module and node.module.split(".")[0] in _COPIED:
        return None
    return ast.unparse(ast.ImportFrom(module=node.module, names=[alias], level=0))


def _origin(node: ast.ImportFrom, name: str, module_name: str) -> tuple[str, str]:
    """(module, attribute) that ``from … import`` of ``name`` refers to."""
    alias = next(a for a in node.names if (a.asname or a.name) == name)
    if node.level:
        package = module_name.rsplit(".", node.level)[0]
        return (f"{package}.{node.module}" if node.module else package), alias.name
    return node.module, alias.name


def bundle(func, name: str | None = None) -> str:
    """Self-contained source text that defines ``name`` (default: ``func.__name__``) as
    ``func``, copied with everything of coursekit it needs.

    Executing the text in any namespace binds exactly ``name`` there; the helpers live in a
    closure, third-party modules are imported inside it, coursekit code is copied (docstrings
    dropped).
    """
    name = name or func.__name__
    imports: list[str] = []
    blocks: list[tuple[str, ast.stmt]] = []  # (binding, statement), dependencies first
    seen: set[tuple[str, str]] = set()
    aliases: list[str] = []

    def visit(module_name: str, symbol: str, as_name: str) -> None:
        if (module_name, symbol) in seen:
            return
        seen.add((module_name, symbol))
        defs = _module_defs(module_name)
        node = defs.get(symbol)
        if node is None:
            raise LookupError(f"bundle: cannot find {symbol!r} in {module_name}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            line = _import_line(node, symbol, module_name)
            if line is not None:
                if line not in imports:
                    imports.append(line)
                return
            if isinstance(node, ast.Import):
                raise LookupError(f"bundle: {module_name} imports a coursekit module as {symbol!r}; "
                                  "import its functions by name instead")
            origin, attr = _origin(node, symbol, module_name)
            visit(origin, attr, attr)
            if attr != as_name:
                aliases.append(f"{as_name} = {attr}")
            return
        node = _strip_docstrings(ast.parse(ast.unparse(node)).body[0])
        own = {symbol}
        for used in sorted(_names_used(node) - own):
            if used in defs:
                visit(module_name, used, used)
        blocks.append((symbol, node))

    visit(func.__module__, func.__name__, func.__name__)
    builder = f"_build_reference_{name}"
    body = imports + [ast.unparse(stmt) for _, stmt in blocks] + aliases + [f"return {func.__name__}"]
    lines = [f"def {builder}():"]
    lines += [textwrap.indent(b, "    ") for b in body]
    lines += ["", "", f"{name} = {builder}()", f"del {builder}", ""]
    return "\n".join(lines)
