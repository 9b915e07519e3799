"""Static scan: which graded functions obtain the course's reference implementation.

The sandbox also makes ``coursekit`` and ``autograder`` unimportable; this scan of the student's
source names the evidence (an import, a string naming the packages or the instructor's files, a
verbatim copy of a reference kernel) so the pipeline can refuse to grade those functions.
"""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

__all__ = ["reference_use"]

_REF_PACKAGES = ("coursekit", "autograder")
_REF_STRINGS = re.compile(r"coursekit|autograder|functional\.py|solutions[/\\]", re.I)


@functools.lru_cache(maxsize=1)
def _reference_defs() -> dict[str, str]:
    """Normalised AST dumps of the reference kernels (coursekit.functional), by name."""
    out = {}
    try:
        import coursekit.functional as F
        tree = ast.parse(Path(F.__file__).read_text())
    except Exception:  # pragma: no cover
        return out
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = ast.dump(node, annotate_fields=False, include_attributes=False)
    return out


def reference_use(student_source: str, functions: list[str],
                  overrides: dict[str, tuple] | None = None) -> dict[str, str]:
    """Graded functions that obtain the course's reference implementation, with the evidence.

    Static scan of the student's code (the sandbox also makes the packages unimportable):

    * names bound by importing ``coursekit``/``autograder`` (directly, via ``__import__`` or
      ``importlib``) or from strings that name them, ``functional.py`` or ``solutions/`` (the
      instructor's source notebooks), are *tainted*; a function whose body uses a tainted name, or calls a tainted
      helper, is tainted (to a fixpoint); a graded name bound to a tainted value is tainted;
      names in ``overrides[f]`` (replaced by the trusted reference while ``f`` is checked)
      do not pass their taint on to ``f``;
    * a graded function that is a verbatim copy (same AST, docstring included) of the
      reference kernel in ``coursekit/functional.py`` is tainted (small bodies excepted: a
      one-line formula is what an honest student writes too).
    """
    try:
        tree = ast.parse(student_source)
    except SyntaxError:
        chunks = []
        tree = ast.Module(body=[], type_ignores=[])
        for piece in re.split(r"\n(?=\S)", student_source):
            try:
                chunks.extend(ast.parse(piece).body)
            except SyntaxError:
                continue
        tree.body = chunks

    def mentions_reference(node) -> str:
        inert = {id(s.value) for s in ast.walk(node)
                 if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Import):
                for a in sub.names:
                    if a.name.split(".")[0] in _REF_PACKAGES:
                        return f"imports {a.name}"
            elif isinstance(sub, ast.ImportFrom):
                if (sub.module or "").split(".")[0] in _REF_PACKAGES:
                    return f"imports from {sub.module}"
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and id(sub) not in inert:
                m = _REF_STRINGS.search(sub.value)
                if m:
                    return f"refers to {m.group(0)!r}"
        return ""

    defs: dict[str, ast.AST] = {}
    base: dict[str, str] = {}          # names tainted directly (imports, assignments, defs)
    uses: dict[str, set] = {}          # def name -> names it reads
    assigns: list[tuple[set, set]] = []  # module-level (targets, names read)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
            uses[node.name] = {s.id for s in ast.walk(node) if isinstance(s, ast.Name)}
            why = mentions_reference(node)
            if why:
                base.setdefault(node.name, why)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            why = mentions_reference(node)
            if why:
                for a in node.names:
                    base[(a.asname or a.name).split(".")[0]] = why
        else:
            why = mentions_reference(node)
            stores = {s.id for s in ast.walk(node) if isinstance(s, ast.Name) and isinstance(s.ctx, ast.Store)}
            if why:
                for name in stores:
                    base[name] = why
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                assigns.append((stores, {s.id for s in ast.walk(node.value) if isinstance(s, ast.Name)}))

    def taint(clean: frozenset) -> dict[str, str]:
        tainted = dict(base)
        changed = bool(tainted)
        while changed:
            changed = False
            for name, used in uses.items():
                if name in tainted:
                    continue
                hit = sorted(u for u in used if u in tainted and u != name and u not in clean)
                if hit:
                    tainted[name] = f"uses {hit[0]} ({tainted[hit[0]]})"
                    changed = True
            for stores, used in assigns:
                hit = sorted(u for u in used if u in tainted)
                for t in stores:
                    if hit and t not in tainted:
                        tainted[t] = f"assigned from {hit[0]} ({tainted[hit[0]]})"
                        changed = True
        return tainted

    overrides = overrides or {}
    cache: dict[frozenset, dict[str, str]] = {}
    result: dict[str, str] = {}
    for f in functions:
        clean = frozenset(overrides.get(f, ()))
        if clean not in cache:
            cache[clean] = taint(clean)
        if f in cache[clean]:
            result[f] = cache[clean][f]
    refs = _reference_defs()
    for name, node in defs.items():
        if name in functions and name in refs and name not in result:
            if sum(1 for _ in ast.walk(node)) >= 40 and \
                    ast.dump(node, annotate_fields=False, include_attributes=False) == refs[name]:
                result[name] = "is a verbatim copy of coursekit.functional." + name
    return result
