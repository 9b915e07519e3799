"""Find a student's code in a submitted notebook, whatever shape the notebook is in.

:func:`extract` reads ``submitted/<student>/<A>/`` and returns an :class:`Extraction`: the code
chunks to execute in the sandbox, which graded functions are present, notes for the instructor,
or a one-line reason when nothing can be graded.

What it tolerates (each case leaves a note):

* the expected notebook renamed: the single ``.ipynb`` in the folder is used;
* empty or truncated files: a truncated JSON notebook is salvaged cell by cell (every complete
  ``"source"`` string is recovered); an empty one is a failure with its reason;
* invalid UTF-8: decoded with replacement characters, then parsed;
* nbformat 3 (``worksheets``/``input``) as well as 4;
* stripped nbgrader metadata: solution cells are found by ``def <name>(``; given and test cells
  are recognised by their text;
* duplicated solution cells: executed in order, so the last definition wins (as in Jupyter);
* deleted solution cells: the function is simply absent (0 points, "not found");
* deleted or edited test / self-check cells: irrelevant — the student's copies of locked cells
  are never executed;
* solution cells turned into markdown or raw cells (pressing ``M`` or ``R`` in Jupyter by
  accident keeps the source, and the cell's nbgrader metadata): the code is recovered — the
  fenced blocks if the text has code fences, else the whole text — and **graded**, with a note,
  if it compiles and defines a graded function; prose is never executed (see
  :func:`recover_code`). It runs at the cell's place in the notebook, only for a function no
  code cell defines;
* outputs of any size: ignored (never read).

The given (locked) code cells are taken from the RELEASE notebook, never from the student's
copy (an edited given cell changes nothing), and executed before the student's cells, as in the
notebook — except the demonstration cells (grade id ``demo_*``: they only show the student's
functions at work, in Jupyter and under stock nbgrader), which the grader never runs. The student's own extra code cells (helpers) are executed too, in notebook order; the
student's copies of test and self-check cells never are. Jupyter magics (``%...``, ``!...``)
are neutralised.

Reading the file is :mod:`autograder.notebook`; the scan for the course's reference
implementation (:func:`reference_use`, re-exported here) is :mod:`autograder.reference_scan`.
"""
from __future__ import annotations

import ast
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.notebook import Cell, NotebookError, read_cells
from autograder.reference_scan import reference_use

__all__ = ["Extraction", "extract", "read_cells", "given_chunks", "recover_code", "NotebookError",
           "DEMO_PREFIX", "reference_use"]

_FENCE = re.compile(r"```[ \t]*(?:python|py|ipython|python3)?[ \t]*\n(.*?)(?:```|\Z)", re.S)

#: Grade ids of given cells that only demonstrate the student's functions: never run by the grader.
DEMO_PREFIX = "demo_"


@dataclass
class Extraction:
    """What :func:`extract` found. ``ok`` False means nothing can be graded (``reason`` says why)."""

    ok: bool
    reason: str = ""
    notebook: str = ""                                 # file name used
    chunks: list[str] = field(default_factory=list)    # code to execute, in order
    student_chunks: list[str] = field(default_factory=list)  # the student's part only
    present: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # function -> why it is absent

    @property
    def student_source(self) -> str:
        return "\n\n".join(self.student_chunks)


# ----------------------------------------------------------------------------- code

_MAGIC_CELL_PY = ("%%time", "%%timeit", "%%capture", "%%prun")


def clean_magics(src: str) -> str:
    """Neutralise IPython magics and shell escapes (they are not Python)."""
    lines = src.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].lstrip().split()[0] in _MAGIC_CELL_PY:
            lines = lines[1:]
        else:
            return ""
    out = []
    for line in lines:
        s = line.lstrip()
        if s.startswith("%") or s.startswith("!"):
            out.append(line[: len(line) - len(s)] + "pass  # magic removed")
        else:
            out.append(line)
    return "\n".join(out)


def _defines(src: str, name: str) -> bool:
    return re.search(rf"^[ \t]*def[ \t]+{re.escape(name)}[ \t]*\(", src, re.M) is not None


def _syntax_error(src: str) -> str:
    """'line 3: expected ':'' if ``src`` does not compile, else ''."""
    try:
        compile(src, "<cell>", "exec")
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError) as exc:
        return str(exc)[:80]
    return ""


def _strip_imports(src: str, prefixes=("autograder", "coursekit")) -> str:
    """Given code minus imports of the grader's own packages (not importable in the sandbox);
    the names they bound (``self_check``, ...) become no-op functions, so a student's extra
    call of a self-check is harmless."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return src
    lines = src.split("\n")
    for node in ast.walk(tree):
        mods = []
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = [node.module or ""]
        if mods and all(m.split(".")[0] in prefixes for m in mods):
            names = [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
            stub = " = ".join(names + ["(lambda *_a, **_k: None)"]) if names else "pass"
            for ln in range(node.lineno - 1, node.end_lineno):
                ind = len(lines[ln]) - len(lines[ln].lstrip())
                lines[ln] = lines[ln][:ind] + stub if ln == node.lineno - 1 else ""
    return "\n".join(lines)


def given_chunks(release_cells: list[Cell]) -> list[str]:
    """The release notebook's given code: its locked code cells that are not tests, self-checks
    (``check_*``) or demonstrations (``demo_*``)."""
    out = []
    for c in release_cells:
        if c.cell_type != "code" or not c.meta.get("locked") or c.meta.get("grade"):
            continue
        if c.meta.get("solution") or c.grade_id.startswith(("check_", DEMO_PREFIX)):
            continue
        out.append(_strip_imports(clean_magics(c.source)))
    return out


def _top_level_defs(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def recover_code(text: str, functions) -> tuple[str, list[str], str]:
    """The code in the text of a markdown or raw cell, if it is code that defines a graded function.

    The candidates are the fenced blocks (```` ``` ```` or ```` ```python ````) if the text has
    any, else the whole text (a cell turned into markdown by accident keeps its source as it
    was), dedented. A candidate is kept only if it compiles and defines one of ``functions`` at
    its top level: prose, or an example that merely calls a function, is never executed.

    Returns
    -------
    (code, defined, problem)
        ``code``: the kept candidates joined ("" if none); ``defined``: the graded functions it
        defines; ``problem``: when nothing was kept but the text mentions ``def <f>(`` for a
        graded ``f``, why (e.g. "line 3: invalid syntax"), else "".
    """
    functions = list(functions)
    fenced = _FENCE.findall(text)
    candidates = fenced if fenced else [text]
    kept, defined, problem = [], [], ""
    for piece in candidates:
        code = clean_magics(textwrap.dedent(piece)).strip("\n")
        hit = [f for f in functions if _defines(code, f)]
        if not hit:
            continue
        broken = _syntax_error(code)
        if broken:
            problem = problem or broken
            continue
        names = _top_level_defs(code)
        hit = [f for f in hit if f in names]
        if hit:
            kept.append(code)
            defined += [f for f in hit if f not in defined]
    return "\n\n".join(kept), defined, ("" if kept else problem)


def _norm(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.strip().split("\n"))


def _is_self_check(src: str) -> bool:
    code = [ln for ln in src.split("\n") if ln.strip() and not ln.strip().startswith("#")]
    return bool(code) and all(re.match(r"\s*(_\s*=\s*)?(self_check|assert_passes)\s*\(", ln)
                              or re.match(r"\s*from (autograder|coursekit\.selfcheck)", ln) for ln in code)


def find_notebook(folder: Path, expected: str, notes: list[str]) -> Path:
    p = folder / expected
    if p.is_file():
        return p
    if not folder.is_dir():
        raise NotebookError(f"no submission folder {folder.name}")
    found = sorted(q for q in folder.iterdir() if q.suffix == ".ipynb" and q.is_file())
    if len(found) == 1:
        notes.append(f"notebook renamed: graded {found[0].name} (expected {expected})")
        return found[0]
    if not found:
        raise NotebookError(f"no notebook in the submission (expected {expected})")
    named = [q for q in found if Path(expected).stem in q.stem]
    if len(named) == 1:
        notes.append(f"several notebooks: graded {named[0].name} (expected {expected})")
        return named[0]
    raise NotebookError(f"{len(found)} notebooks and none named {expected}: "
                        + ", ".join(q.name for q in found[:5]))


def extract(submission_dir: str | os.PathLike, notebook_name: str, release_notebook: str | os.PathLike,
            functions: list[str]) -> Extraction:
    """Extract the code to grade from a submission (never raises for a bad submission)."""
    notes: list[str] = []
    try:
        nb_path = find_notebook(Path(submission_dir), notebook_name, notes)
        cells = read_cells(nb_path, notes)
    except (NotebookError, OSError) as exc:
        return Extraction(False, reason=str(exc).split("\n")[0], notes=notes)
    try:
        release = read_cells(release_notebook)
    except (NotebookError, OSError) as exc:
        raise RuntimeError(f"release notebook {release_notebook} unreadable: {exc}") from exc
    given = given_chunks(release)
    locked_text = {_norm(c.source) for c in release if c.cell_type == "code"
                   and c.meta.get("locked") and not c.meta.get("solution")}
    released_ids = {c.grade_id for c in release if c.grade_id}
    placed: list[tuple[int, str]] = []  # (position of the cell, code): the student's code
    counts = {f: 0 for f in functions}
    recovered: list[tuple[int, str, list[str], str]] = []  # (position, code, defines, cell type)
    problems: dict[str, str] = {}
    stripped = 0
    for pos, c in enumerate(cells):
        src = c.source
        if c.cell_type == "code":
            if c.meta.get("locked") or c.meta.get("grade") and not c.meta.get("solution"):
                continue  # given/test/self-check cells: the release copy is used
            if not c.meta:
                stripped += 1
                if _norm(src) in locked_text or _is_self_check(src):
                    continue
            elif c.grade_id.startswith(("test_", "check_")):
                continue
            code = clean_magics(src)
            placed.append((pos, code))
            broken = _syntax_error(code)
            for f in functions:
                if _defines(code, f):
                    if broken:
                        problems[f] = f"its cell has a syntax error ({broken})"
                    else:
                        counts[f] += 1
        else:
            code, defines, problem = recover_code(src, functions)
            if defines:
                recovered.append((pos, code, defines, c.cell_type))
            elif problem:
                for f in functions:
                    if _defines(src, f):
                        problems.setdefault(f, f"it is in a {c.cell_type} cell (not a code cell) whose "
                                               f"text is not valid Python ({problem})")
    for pos, code, defines, kind in recovered:
        missing = [f for f in defines if counts[f] == 0]
        if missing:
            placed.append((pos, code))
            for f in defines:
                counts[f] += 1
            notes.append(f"{', '.join(missing)} found in a {kind} cell, not a code cell "
                         "(markdown/raw cells do not run in Jupyter): graded")
    student = [code for _, code in sorted(placed, key=lambda item: item[0])]
    if stripped and not any(c.meta for c in cells if c.cell_type == "code"):
        notes.append("nbgrader metadata stripped: cells found by their def")
    for f, n in counts.items():
        if n > 1:
            notes.append(f"{f} is defined {n} times: the last definition was graded")
    for f, why in problems.items():
        if counts[f] == 0:
            notes.append(f"{f}: {why}")
    missing = [f for f in functions if counts[f] == 0]
    if missing:
        notes.append("not found in the notebook: " + ", ".join(missing))
    if cells and not any(c.grade_id.startswith("test_") for c in cells) and \
            any(i.startswith("test_") for i in released_ids) and any(c.meta for c in cells):
        notes.append("test cells deleted in the submission (graded from the release version)")
    return Extraction(True, notebook=nb_path.name, chunks=given + student,
                      student_chunks=student, present={f: counts[f] > 0 for f in functions},
                      notes=notes, problems={f: w for f, w in problems.items() if counts[f] == 0})
