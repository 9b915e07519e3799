"""Static scans: which graded functions obtain the course's reference implementation, or copy it.

Two questions, two answers:

* :func:`reference_use` — the student's code OBTAINS the reference (an import of ``coursekit`` or
  ``autograder``, a string naming the packages or the instructor's files): the pipeline refuses to
  grade those functions (the sandbox also makes the packages unimportable).
* :func:`reference_copies` — a function's code is a COPY of a kernel of ``coursekit.functional``
  (which ships to students: the library implements the backprop functions), compared as
  normalised ASTs, so renaming the function, its arguments and locals, reformatting, comments,
  docstrings, annotations and dropping the library's argument checks do not hide it. A copy is
  graded as usual and FLAGGED for the instructor to look at (``Flag.REFERENCE_COPY``): a short
  formula is what an honest student writes too, so only bodies of some size count.
"""
from __future__ import annotations

import ast
import copy
import functools
import re
from pathlib import Path

__all__ = ["reference_use", "reference_copies", "normalised"]

_REF_PACKAGES = ("coursekit", "autograder")
_REF_STRINGS = re.compile(r"coursekit|autograder|functional\.py|solutions[/\\]", re.I)


def _parse(source: str) -> ast.Module:
    """The module's AST; a source that does not compile is parsed piece by piece (top-level blocks)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
        for piece in re.split(r"\n(?=\S)", source):
            try:
                tree.body.extend(ast.parse(piece).body)
            except SyntaxError:
                continue
        return tree


#: A normalised function smaller than this (AST nodes) is never called a copy: a one-line formula
#: (``return dout * (z > 0)``) is what an honest student writes too.
MIN_COPY_NODES = 40


def _is_check(stmt: ast.stmt, check_names: frozenset) -> bool:
    """An argument check of the library: ``raise``, ``if ...: raise ...``, or an assignment or call
    whose value is a call of a validation helper (``x = as_float_array(x, "x")``)."""
    if isinstance(stmt, ast.Raise):
        return True
    if isinstance(stmt, ast.If) and not stmt.orelse and all(isinstance(b, ast.Raise) for b in stmt.body):
        return True
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id in check_names)


def normalised(fn: ast.FunctionDef | ast.AsyncFunctionDef, check_names: frozenset = frozenset()) -> tuple[str, int]:
    """(canonical dump, node count) of a function: what is left when everything a copy could change
    without changing the computation is taken out.

    Docstrings and string statements, annotations, decorators and the function's name are dropped,
    top-level statements that are argument checks (:func:`_is_check`) removed, and every name —
    arguments first, in order, then any other name in order of first occurrence — renamed
    ``v0, v1, …`` (alpha-renaming; attribute names and constants stay). Comments and formatting
    are not in an AST.
    """
    fn = copy.deepcopy(fn)
    fn.name, fn.decorator_list, fn.returns = "f", [], None
    if hasattr(fn, "type_params"):
        fn.type_params = []
    for node in ast.walk(fn):  # string statements anywhere (docstrings, commented-out code)
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                kept = [st for st in stmts if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)
                                                   and isinstance(st.value.value, str))]
                setattr(node, field, kept or [ast.Pass()])
    fn.body = [st for st in fn.body if not _is_check(st, check_names)] or [ast.Pass()]
    names: dict[str, str] = {}

    def canon(name: str) -> str:
        return names.setdefault(name, f"v{len(names)}")

    a = fn.args
    for arg in [*a.posonlyargs, *a.args, *([a.vararg] if a.vararg else []), *a.kwonlyargs,
                *([a.kwarg] if a.kwarg else [])]:
        arg.arg, arg.annotation = canon(arg.arg), None
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            node.id = canon(node.id)
        elif isinstance(node, ast.arg):
            node.arg, node.annotation = canon(node.arg), None
    dump = ast.dump(fn, annotate_fields=False, include_attributes=False)
    return dump, sum(1 for _ in ast.walk(fn))


@functools.lru_cache(maxsize=1)
def _reference_kernels() -> tuple[dict[str, str], frozenset]:
    """Normalised dumps of the kernels of coursekit.functional -> their name, and the names of
    the library's validation helpers (stripped from both sides before comparing)."""
    try:
        import coursekit.functional as F
        tree = ast.parse(Path(F.__file__).read_text())
    except Exception:  # pragma: no cover
        return {}, frozenset()
    checks = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_validate"):
            checks.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.FunctionDef) and node.name.startswith(("_check", "_activation_args")):
            checks.add(node.name)
    checks = frozenset(checks)
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            dump, size = normalised(node, checks)
            if size >= MIN_COPY_NODES:
                out.setdefault(dump, node.name)
    return out, checks


def reference_copies(student_source: str, functions: list[str],
                     overrides: dict[str, tuple] | None = None) -> dict[str, str]:
    """Graded functions whose code is a copy of a kernel of ``coursekit.functional``, with the evidence.

    A function of the student's code (graded or a helper) is a copy when its :func:`normalised`
    form equals a kernel's (renamed, reformatted, commented, argument checks dropped: still a
    copy); a graded function is reported when it is a copy or calls one (to a fixpoint), except
    through ``overrides[f]`` (helpers the grader replaces while ``f`` is checked). The pipeline
    grades these functions as usual and flags them for a look.
    """
    kernels, checks = _reference_kernels()
    if not kernels:
        return {}
    tree = _parse(student_source)
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    copied = {}
    for name, node in defs.items():
        dump, size = normalised(node, checks)
        if size >= MIN_COPY_NODES and dump in kernels:
            copied[name] = f"its code is coursekit.functional.{kernels[dump]}'s, renamed or reformatted"
    if not copied:
        return {}
    uses = {name: {s.id for s in ast.walk(node) if isinstance(s, ast.Name)} for name, node in defs.items()}
    result = {}
    for f in functions:
        if f not in defs:
            continue
        clean = set((overrides or {}).get(f, ()))
        seen, todo = {f}, [f]
        while todo:
            g = todo.pop()
            if g in copied:
                result[f] = copied[g] if g == f else f"it calls {g}, whose code is a copy ({copied[g]})"
                break
            for u in sorted(uses.get(g, ())):
                if u in defs and u not in seen and u not in clean:
                    seen.add(u)
                    todo.append(u)
    return result


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

    A copy of a kernel's code is not refused here: see :func:`reference_copies`.
    """
    tree = _parse(student_source)

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
    return result
