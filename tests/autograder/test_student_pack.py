"""The student pack (`autograder pack`): nothing instructor-only in it, and it works on its own.

The pack is built once into a temporary folder. Its files are searched for every solution body of
the source notebooks (the code between BEGIN/END SOLUTION and BEGIN/END HIDDEN TESTS, whitespace
normalised, every group of 2 consecutive significant lines) and for the grader's markers. A release
notebook from the pack runs its self-checks in a kernel where ``autograder`` cannot be imported.

The fresh-venv test (marked slow) installs the pack with its own ``make install`` into a new venv
that is offline-safe and fast: the venv is created ``--without-pip`` and gets a ``.pth`` line to the
project's locked site-packages (the very versions of requirements.lock) plus a copy of the project
venv's ``share/jupyter`` and ``etc/jupyter`` (the lab and server extensions as pip installed them),
then ``make install PIP_ARGS=--no-deps`` installs the pack's coursekit (editable, from the pack) and
switches nbgrader's instructor extensions off in that venv. ``autograder`` is not importable there
(the project's editable install is not activated through a plain path line). It then runs the
student's two commands: ``make check`` on the untouched notebooks (every function "not
implemented", exit 0) and on notebooks with the solutions pasted in (every function "passed"), and
``make lab`` until the server answers ``/api/status``, and lists the server and lab extensions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.pack import PACK_NAME, STUDENT_CONFIG, build_pack, instructor_only

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("backprop", "optimizers", "svm")
FUNCTIONS = {
    "backprop": ["linear_backward", "sigmoid_backward", "tanh_backward", "relu_backward", "softmax_backward",
                 "softmax_cross_entropy", "mlp_loss_and_grads"],
    "optimizers": ["momentum_step", "nesterov_step", "adam_step", "rprop_step"],
    "svm": ["hinge_loss_and_grad", "train_linear_svm"],
}
#: The one module of the pack allowed to hold solution code: the library implements the backprop
#: kernels (the lectures and layers use them; the student README says so plainly).
LIBRARY_KERNELS = "coursekit/functional.py"

pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return build_pack(tmp_path_factory.mktemp("pack") / PACK_NAME, quiet=True)


# ------------------------------------------------------------------------------- contents
def test_pack_holds_the_students_files_and_nothing_else(pack):
    top = sorted(p.name for p in pack.iterdir())
    expected = ["Makefile", "README.md", "assignments", "coursekit", "lectures", "pyproject.toml", "requirements.lock"]
    if STUDENT_CONFIG.is_file():
        expected.append("nbgrader_config.py")
    assert top == sorted(expected)
    assert sorted(p.name for p in (pack / "assignments").iterdir()) == sorted(ASSIGNMENTS)
    for a in ASSIGNMENTS:
        assert [p.name for p in (pack / "assignments" / a).iterdir()] == [f"{a}.ipynb"]
    assert sorted(p.name for p in (pack / "lectures").iterdir()) == sorted(p.name for p in (REPO / "lectures").glob("*.ipynb"))
    assert instructor_only(pack) == []
    assert pack.with_suffix(".zip").is_file()
    assert not list(pack.rglob("__pycache__"))


def test_lectures_keep_their_outputs(pack):
    for nb_path in (pack / "lectures").glob("*.ipynb"):
        nb = nbformat.read(str(nb_path), as_version=4)
        assert sum(bool(c.get("outputs")) for c in nb.cells if c.cell_type == "code") >= 3, nb_path.name


def test_readme_gives_exactly_two_commands_and_says_what_the_library_implements(pack):
    text = (pack / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    commands = [ln.split("#")[0].strip() for b in blocks for ln in b.splitlines() if ln.split("#")[0].strip()]
    assert commands == ["make lab", "make check"]
    assert "coursekit.functional" in text and "copy" in text and "flagged" in text
    makefile = (pack / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^check:", makefile, re.M)
    pyproject = (pack / "pyproject.toml").read_text()
    assert 'include = ["coursekit*"]' in pyproject and "autograder" not in pyproject and "@VERSION@" not in pyproject


# -------------------------------------------------------------------------- no answers
def _norm(line: str) -> str:
    if line.strip().startswith("#"):
        return ""
    return " ".join(line.split("#", 1)[0].split())


def solution_bodies():
    """(assignment, cell id, [significant normalised lines]) of every solution and hidden-test body."""
    out = []
    for a in ASSIGNMENTS:
        nb = nbformat.read(str(REPO / "solutions" / a / f"{a}.ipynb"), as_version=4)
        for c in nb.cells:
            for begin, end in (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")):
                for m in re.finditer(re.escape(begin) + r"(.*?)" + re.escape(end), c.source, re.S):
                    lines = [ln for ln in map(_norm, m.group(1).split("\n")) if ln]
                    out.append((a, c.metadata.get("nbgrader", {}).get("grade_id"), lines))
    return out


def _pack_texts(pack):
    texts = {}
    for f in pack.rglob("*"):
        if f.is_file():
            raw = f.read_text(encoding="utf-8", errors="ignore")
            if f.suffix == ".ipynb":  # the cells' text, not the JSON escaping
                nb = nbformat.reads(raw, as_version=4)
                raw = "\n".join(c.source for c in nb.cells)
            texts[str(f.relative_to(pack))] = "\n".join(ln for ln in map(_norm, raw.split("\n")) if ln)
    return texts


def grep_solution_bodies(pack):
    """[(assignment, cell, two-line group, file)] of every group of 2 significant solution lines found."""
    texts = _pack_texts(pack)
    hits = []
    for a, cell, lines in solution_bodies():
        for i in range(len(lines) - 1):
            group = lines[i] + "\n" + lines[i + 1]
            hits += [(a, cell, group, f) for f, text in texts.items() if group in text]
    return hits


def test_grep_finds_no_solution_body_outside_the_librarys_own_kernels(pack):
    bodies = solution_bodies()
    assert len(bodies) >= 2 * sum(map(len, FUNCTIONS.values()))  # a solution and a hidden part per function
    hits = grep_solution_bodies(pack)
    assert [h for h in hits if h[3] != LIBRARY_KERNELS] == []
    # only backprop's kernels are the library's (coursekit.functional); nothing of the others
    assert {h[0] for h in hits} <= {"backprop"}


def test_no_grader_marker_anywhere_in_the_pack(pack):
    for f, text in _pack_texts(pack).items():
        for marker in ("autograder", "BEGIN HIDDEN", "BEGIN SOLUTION", "solutions/", "inkernel"):
            assert marker not in text, (f, marker)


# ------------------------------------------------------------------ a notebook on its own
def _solved(nb_path: Path, dest: Path) -> Path:
    """A copy of the release notebook ``nb_path`` with the source notebook's solutions pasted in."""
    a = nb_path.stem
    source = nbformat.read(str(REPO / "solutions" / a / f"{a}.ipynb"), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(nb_path), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.metadata.get("nbgrader", {}).get("solution"):
            c.source = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", answers[gid], flags=re.M)
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / nb_path.name
    nbformat.write(nb, str(out))
    return out


def _no_autograder(tmp_path) -> dict:
    """An environment whose Python cannot import ``autograder`` (a shadow package that refuses)."""
    shadow = tmp_path / "shadow" / "autograder"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('autograder is not available to students')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(shadow.parent)
    return env


PROBE = "try:\n    import autograder\n    print('AUTOGRADER-IMPORTABLE')\nexcept ImportError:\n    print('AUTOGRADER-ABSENT')\n"


def _run_alone(nb_path: Path, env: dict):
    """Run the notebook in a fresh kernel started in its folder with ``env``; a last cell probes
    whether ``autograder`` is importable there (it must not be)."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(nb_path.parent), env=env)
    try:
        NotebookClient(nb, km=km, timeout=600, allow_errors=True).execute()
    finally:
        km.shutdown_kernel(now=True)
    probe = nb.cells.pop()
    assert _outputs(probe).strip() == "AUTOGRADER-ABSENT", _outputs(probe)
    return nb


def _outputs(cell) -> str:
    return "".join(o.get("text", "") + (f"{o.get('ename')}: {o.get('evalue')}" if o.get("output_type") == "error" else "")
                   for o in cell.get("outputs", []))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_release_notebook_alone_runs_its_self_checks_without_the_grader(pack, tmp_path, assignment):
    env = _no_autograder(tmp_path)
    probe = subprocess.run([sys.executable, "-c", "import autograder"], env=env, capture_output=True, text=True,
                           cwd=tmp_path)
    assert "not available to students" in probe.stderr
    alone = tmp_path / "alone"
    # the untouched notebook: every self-check says "not implemented", nothing else fails
    blank = alone / "blank"
    blank.mkdir(parents=True)
    shutil.copyfile(pack / "assignments" / assignment / f"{assignment}.ipynb", blank / f"{assignment}.ipynb")
    nb = _run_alone(blank / f"{assignment}.ipynb", env)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        text = _outputs(c)
        if gid.startswith("check_"):
            assert "NotImplementedError" in text and "NOT YET" in text, (gid, text[-500:])
        elif gid.startswith("test_"):
            assert "AssertionError" in text and "NotImplementedError" in text, (gid, text[-500:])
        else:
            assert "error" not in [o.get("output_type") for o in c.get("outputs", [])], (gid, text[-500:])
    # with the solutions pasted in: every self-check and every visible test passes
    nb = _run_alone(_solved(pack / "assignments" / assignment / f"{assignment}.ipynb", alone / "solved"), env)
    checked = 0
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        text = _outputs(c)
        assert "error" not in [o.get("output_type") for o in c.get("outputs", [])], (gid, text[-800:])
        if gid.startswith("check_"):
            assert text.rstrip().endswith("PASSED"), (gid, text[-800:])
            checked += 1
    assert checked == len(FUNCTIONS[assignment])


# ------------------------------------------------------------------------ a fresh venv
def _fresh_venv(pack: Path) -> Path:
    project = Path(sys.prefix)
    venv = pack / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import site; print(site.getsitepackages()[0])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    project_site = next(p for p in sys.path if p.startswith(str(project)) and p.endswith("site-packages"))
    (site / "project_locked_deps.pth").write_text(project_site + "\n")
    for part in ("share/jupyter", "etc/jupyter"):
        if (project / part).is_dir():
            shutil.copytree(project / part, venv / part, symlinks=True)
    return venv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make(pack, *args, timeout=1500):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    return subprocess.run(["make", "-C", str(pack), *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.slow
def test_fresh_venv_runs_the_students_two_commands(pack, tmp_path):
    t0 = time.monotonic()
    venv = _fresh_venv(pack)
    py = str(venv / "bin" / "python")
    proc = _make(pack, "install", "PIP_ARGS=--no-deps")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    where = subprocess.run([py, "-c", "import coursekit, sys; print(coursekit.__file__)"], capture_output=True,
                           text=True, cwd=tmp_path)  # not from the current directory: from the install
    assert where.stdout.strip() == str(pack / "coursekit" / "__init__.py")
    assert subprocess.run([py, "-c", "import autograder"], capture_output=True, cwd=tmp_path).returncode != 0

    # instructor extensions off in the pack's environment; Assignments list and Validate on
    server = subprocess.run([py, "-m", "jupyter_server", "extension", "list"], capture_output=True, text=True, cwd=pack)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", server.stdout + server.stderr)
    for ext, state in (("formgrader", "disabled"), ("course_list", "disabled"),
                       ("assignment_list", "enabled"), ("validate_assignment", "enabled")):
        assert re.search(rf"nbgrader\.server_extensions\.{ext} {state}", listing), (ext, listing)
    lab = subprocess.run([py, "-m", "jupyterlab.labextensions", "list"], capture_output=True, text=True, cwd=pack)
    disabled = re.sub(r"\x1b\[[0-9;]*m", "", lab.stdout + lab.stderr).split("Disabled extensions:")[-1]
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    for plugin in ("assignment-list", "validate-assignment"):
        assert f"@jupyter/nbgrader:{plugin}" not in disabled

    # make check on the untouched notebooks: every function "not implemented", cleanly
    proc = _make(pack, "check")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for a, functions in FUNCTIONS.items():
        for f in functions:
            assert re.search(rf"^\s+{f}\s+not implemented$", proc.stdout, re.M), (f, proc.stdout)
    assert "Traceback" not in proc.stdout
    # ... and with the solutions pasted in: every function passes
    solved = tmp_path / "solved"
    for a in ASSIGNMENTS:
        _solved(pack / "assignments" / a / f"{a}.ipynb", solved / a)
    proc = _make(pack, "check", f"NOTEBOOKS={solved}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for a, functions in FUNCTIONS.items():
        for f in functions:
            assert re.search(rf"^\s+{f}\s+passed$", proc.stdout, re.M), (f, proc.stdout)
    assert "every function passed its self-check." in proc.stdout

    # make lab: the server answers /api/status
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    server_proc = subprocess.Popen(
        ["make", "-C", str(pack), "lab", f"LAB_ARGS=--no-browser --port={port} --ServerApp.token= "
                                         f"--ServerApp.password= --ServerApp.ip=127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    try:
        status = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server_proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as r:
                    status = json.loads(r.read())
                    break
            except OSError:
                time.sleep(2)
        assert status is not None and "started" in status, server_proc.poll()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=60) as r:
            page = r.read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        off = config.get("disabledExtensions", [])
        off = list(off) if not isinstance(off, dict) else [k for k, v in off.items() if v]
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list"} <= set(off), off
        assert "@jupyter/nbgrader:assignment-list" not in off and "@jupyter/nbgrader:validate-assignment" not in off
    finally:
        os.killpg(server_proc.pid, signal.SIGTERM)  # the process group this test started
        try:
            server_proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server_proc.pid, signal.SIGKILL)
    print(f"fresh venv: install, two checks and the lab in {time.monotonic() - t0:.0f} s")
