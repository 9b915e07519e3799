"""Anywhere it is installed, the same verdicts (issue 12, finding 1).

With full isolation the zygote builds the child's root from read-only binds of the Python
installation and site-packages. It used to mount a tmpfs over /tmp first, so a venv under /tmp
vanished before it was bound (the bind of a missing path was skipped silently): numpy.random,
which numpy 2 loads lazily, scipy and scikit-learn could not be imported in the child, and a
textbook submission seeding ``np.random.default_rng`` lost its training test while
``isolation_level()`` still said "full".

Here: the path logic on its own (where the root goes, what a missing path does), the probe, and
a real submission graded by a separate Python environment whose site-packages lies under a
temporary directory (under /tmp, and read-only elsewhere).
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from course_factory import REPO, make_course, make_notebook, release_notebook, tasks_for
from autograder import sandbox, sandbox_launch, sandbox_root
from autograder.pipeline import grade_all
from autograder.sandbox import SandboxError

pytestmark = pytest.mark.timeout(600)


def _within(path, parent):
    return path == parent or path.startswith(parent.rstrip("/") + "/")


# ----------------------------------------------------------------------------- path logic

@pytest.mark.parametrize("extra", [
    ["/tmp/ck/venv/lib/python3.11/site-packages"],                      # the venv under /tmp
    ["/tmp/ck/venv/lib/python3.11/site-packages", "/var/tmp/py/lib"],   # ... and python under /var/tmp
    ["/opt/conda/lib/python3.11/site-packages", "/home/u/.pyenv/versions/3.11.7"],
    [],
])
def test_the_root_is_never_mounted_over_a_path_to_bind(extra):
    paths = sandbox_launch._ro_paths() + extra
    root = sandbox_root.root_mount_point(paths)
    assert root in sandbox_root.ROOT_CANDIDATES and os.path.isdir(root)
    for p in set(paths) | {os.path.realpath(p) for p in paths}:
        assert not _within(p, root), f"the root's tmpfs on {root} would hide {p}"
        assert not _within(root, p), f"the root on {root} would lie inside the bind of {p}"


_DIRS = st.sampled_from(["/tmp", "/var/tmp", "/srv", "/media", "/mnt", "/opt", "/home", "/run", "/root",
                         "/usr", "/var", "/tmp/x", "/opt/py", "/home/u/.venv"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_DIRS, st.sampled_from(["", "/lib/python3.11/site-packages", "/venv", "/a/b"])),
                min_size=1, max_size=6))
def test_the_root_is_never_a_parent_of_or_inside_a_bound_path_property(parts):
    paths = [d + rest for d, rest in parts]
    try:
        root = sandbox_root.root_mount_point(paths)
    except sandbox_root.RootError:  # then every existing candidate really conflicts
        free = [c for c in sandbox_root.ROOT_CANDIDATES if os.path.isdir(c) and os.path.realpath(c) == c
                and not any(_within(p, c) or _within(c, p) for p in paths + [os.path.realpath(p) for p in paths])]
        assert free == []
        return
    for p in paths + [os.path.realpath(p) for p in paths]:
        assert not _within(p, root) and not _within(root, p), (root, p)


def test_the_root_goes_to_the_first_free_candidate_or_fails_naming_the_paths(tmp_path):
    a, b, c = (tmp_path / n for n in "abc")
    for d in (a, b, c):
        d.mkdir()
    cands = (str(tmp_path / "missing"), str(a), str(b), str(c))
    assert sandbox_root.root_mount_point([str(a / "venv" / "site-packages"), str(b)], cands) == str(c)
    assert sandbox_root.root_mount_point([str(tmp_path / "elsewhere")], cands) == str(a)
    with pytest.raises(sandbox_root.RootError, match="no place to build the sandbox's root.*" + str(tmp_path)):
        sandbox_root.root_mount_point([str(tmp_path)], cands)  # every candidate lies inside the path


def test_the_plan_binds_parents_first_and_keeps_scratch_free():
    steps = sandbox_root.mount_plan(["/tmp/ck/venv/lib/site", "/usr", "/tmp/ck/venv"], hide=["/tmp/ck/venv/lib/site/coursekit",
                                                                                  "/srv/elsewhere"])
    assert [s[:2] for s in steps] == [("bind", "/usr"), ("bind", "/tmp/ck/venv"), ("bind", "/tmp/ck/venv/lib/site"),
                                      ("hide", "/tmp/ck/venv/lib/site/coursekit")]
    with pytest.raises(sandbox_root.RootError, match="cannot bind /tmp into the sandbox"):
        sandbox_root.mount_plan(["/usr", "/tmp"])


def test_a_missing_required_path_stops_the_sandbox_naming_it(monkeypatch, isolated):
    """No silently weaker sandbox: not a skipped bind, and in auto mode no fallback to a lower
    level, since the namespaces themselves work."""
    missing = "/nonexistent-coursekit-test/lib/python3.11/site-packages"
    paths = sandbox_launch._ro_paths()
    monkeypatch.setattr(sandbox_launch, "_ro_paths", lambda: paths + [missing])
    monkeypatch.setattr(sandbox, "_ZYGOTE", {})
    monkeypatch.setattr(sandbox, "_LEVEL", {})
    monkeypatch.setenv("COURSEKIT_SANDBOX", "auto")
    with pytest.raises(SandboxError, match=f"cannot bind {missing} into the sandbox: .* does not exist"):
        sandbox.isolation_level()
    assert sandbox._ZYGOTE == {} and sandbox._LEVEL == {}


def test_a_broken_sandbox_stops_grading_before_any_grade_is_recorded(tmp_path, monkeypatch, isolated):
    missing = "/nonexistent-coursekit-test/site-packages"
    course = make_course(tmp_path, {"alice": {}, "bob": {}})
    journal = tmp_path / "journal.jsonl"
    paths = sandbox_launch._ro_paths()
    monkeypatch.setattr(sandbox_launch, "_ro_paths", lambda: paths + [missing])
    monkeypatch.setattr(sandbox, "_ZYGOTE", {})
    monkeypatch.setattr(sandbox, "_LEVEL", {})
    with pytest.raises(SandboxError, match=f"cannot bind {missing} into the sandbox"):
        grade_all(tasks_for(course), workers=2, journal=journal, progress=False)
    assert not journal.exists() or journal.read_bytes() == b""


def test_the_probe_names_a_module_the_child_cannot_import(isolation):
    z = sandbox_launch._Zygote(isolation)
    try:
        sandbox._probe(z, ("numpy.random", "numpy.linalg", "scipy", "sklearn"))  # what the workers check
        with pytest.raises(SandboxError, match="cannot import coursekit_no_such_module: ModuleNotFoundError"):
            sandbox._probe(z, ("numpy.random", "coursekit_no_such_module"))
    finally:
        z.close()


# ----------------------------------------------------------------------------- a venv elsewhere

#: A textbook train_linear_svm: mini-batch subgradient descent (the batch is the whole set, one
#: step per epoch), the examples shuffled every epoch by np.random.default_rng(seed).
TEXTBOOK_TRAIN = textwrap.dedent('''
    import numpy.random  # the generators live in numpy.random

    def train_linear_svm(X, y, C, lr, epochs, seed):
        """Mini-batch subgradient descent on J, step lr/sqrt(t), shuffled by a seeded generator."""
        rng = np.random.default_rng(seed)
        n, d = X.shape
        batch_size = n
        w, b = np.zeros(d), 0.0
        best_loss, best_w, best_b = np.inf, w.copy(), b
        t = 0
        for epoch in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                t += 1
                loss, dw, db = hinge_loss_and_grad(w, b, X[idx], y[idx], C)
                if loss < best_loss:
                    best_loss, best_w, best_b = loss, w.copy(), b
                eta = lr / np.sqrt(t)
                w = w - eta * dw
                b = b - eta * db
        loss, _, _ = hinge_loss_and_grad(w, b, X, y, C)
        if loss < best_loss:
            best_w, best_b = w.copy(), b
        return best_w, float(best_b)
''')

GRADE = textwrap.dedent("""
    import json, os, sys
    import numpy
    from autograder import sandbox
    from autograder.checks.base import Call
    from autograder.pipeline import GradeTask, grade_submission
    task = GradeTask(*json.loads(sys.argv[1]))
    rec = grade_submission(task)
    site = os.path.dirname(os.path.dirname(numpy.__file__))
    # the child's /tmp: writable, fresh for every check, and the venv in it read-only
    code = ("import os\\n"
            "def mark(site):\\n"
            "    open('/tmp/mark', 'w').close()\\n"
            "    try:\\n"
            "        open(os.path.join(site, 'evil.py'), 'w').close()\\n"
            "        return 'site-packages written'\\n"
            "    except OSError:\\n"
            "        return os.path.exists('/tmp/mark') and os.path.isdir(site)\\n"
            "def seen():\\n"
            "    return os.path.exists('/tmp/mark')\\n"
            "def here():\\n"
            "    return sorted(os.listdir('.'))\\n")
    first = sandbox.run_calls(code, [Call("mark", (site,))])[0]
    second = sandbox.run_calls(code, [Call("seen")])[0]
    third = sandbox.run_calls(code, [Call("here")])[0]
    print(json.dumps({"numpy": numpy.__file__, "level": sandbox.isolation_level(),
                      "site_writable": os.access(site, os.W_OK), "record": rec.to_dict(),
                      "scratch": [first.status, first.value, first.error, second.status, second.value],
                      "cwd": [third.status, third.value]}))
""")


def _site_entries() -> list[str]:
    """The top-level entries of this venv's site-packages that the sandbox child and the checks
    import (numpy, scipy, scikit-learn and what they import), plus the bundled ``*.libs``."""
    probe = ("import json, sys, numpy.random, numpy.linalg, scipy, scipy.optimize, sklearn, sklearn.svm; "
             "print(json.dumps([getattr(m, '__file__', None) or '' for m in list(sys.modules.values())]))")
    files = json.loads(subprocess.check_output([sys.executable, "-I", "-c", probe], text=True))
    site = os.path.dirname(os.path.dirname(np.__file__))
    names = {f[len(site) + 1:].split("/")[0] for f in files if f.startswith(site + "/")}
    names |= {n for n in os.listdir(site) if n.endswith(".libs")}
    return sorted(n for n in names if not n.startswith(("__editable__", "_distutils_hack", "coursekit")))


@pytest.fixture(scope="module")
def site_entries():
    return _site_entries()


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:  # another filesystem
        shutil.copy2(src, dst)


def make_venv(base: Path, entries: list[str]) -> Path:
    """A second Python environment in ``base/venv`` (``python -m venv --without-pip``) whose
    site-packages really lies there: the scientific packages are hard-linked (copied across
    filesystems) into it, not symlinked. The project's own venv is appended after it by a .pth
    file, for the grader's other dependencies (nbformat, ...); the project itself comes from
    PYTHONPATH. Returns the interpreter."""
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.check_output([str(py), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    ours = Path(np.__file__).resolve().parent.parent
    for name in entries:
        src = ours / name
        if src.is_dir():
            shutil.copytree(src, site / name, copy_function=_link_or_copy, symlinks=True)
        else:
            _link_or_copy(src, site / name)
    (site / "zz_project_venv.pth").write_text(f"{ours}\n")
    return py


def _elsewhere() -> str | None:
    """A writable place for a temporary venv that is not under /tmp (cleaned up afterwards)."""
    for d in ("/var/tmp", "/opt", "/home", "/srv"):
        if os.path.isdir(d) and os.access(d, os.W_OK) and not _within(os.path.realpath(d), "/tmp"):
            return d
    return None


def _grade_with(py: Path, task_args: list, level: str, read_only: Path | None = None) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "COURSEKIT_SANDBOX": level,
           "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    cmd = [str(py), "-c", GRADE, json.dumps(task_args)]
    if read_only is not None:  # in a private mount namespace only: the machine is not touched
        q = shlex.quote(str(read_only))
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               f'mount --bind {q} {q} && mount -o remount,bind,ro {q} && exec "$@"', "sh"] + cmd
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("where", ["under /tmp", "read-only, elsewhere"])
def test_a_venv_in_a_temporary_directory_grades_like_any_other(where, tmp_path, isolated, site_entries):
    t0 = time.perf_counter()
    if where == "under /tmp":
        base, read_only, cleanup = tmp_path, None, None
    else:
        parent = _elsewhere()
        if parent is None or os.geteuid() != 0:
            pytest.skip("needs root and a writable folder outside /tmp")
        base = Path(tempfile.mkdtemp(prefix="coursekit-test-venv-", dir=parent))
        read_only, cleanup = base, base
    try:
        py = make_venv(base, site_entries)
        course = tmp_path / "course"
        release = course / "release" / "svm" / "svm.ipynb"
        release.parent.mkdir(parents=True)
        shutil.copy(release_notebook("svm"), release)
        folder = course / "submitted" / "alice" / "svm"
        folder.mkdir(parents=True)
        import nbformat
        nbformat.write(make_notebook({"train_linear_svm": TEXTBOOK_TRAIN}, assignment="svm"), str(folder / "svm.ipynb"))
        t1 = time.perf_counter()
        out = _grade_with(py, ["svm", "alice", str(folder), "svm.ipynb", str(release)], isolated, read_only)
        t2 = time.perf_counter()
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    print(f"{where}: venv made in {t1 - t0:.2f} s, graded in {t2 - t1:.2f} s")
    numpy_file = os.path.realpath(out["numpy"])
    assert _within(numpy_file, str(base)), f"numpy came from {numpy_file}, not from the venv in {base}"
    assert out["level"] == isolated
    assert out["scratch"] == ["ok", True, "", "ok", False]
    assert out["cwd"] == ["ok", []], "the student's working directory shows where the course is installed"
    if read_only is not None:
        assert not out["site_writable"]
    rec = out["record"]
    assert rec["status"] == "graded", rec["reason"]
    got = {o["function"]: (o["points"], o["points_possible"], o["messages"]) for o in rec["outcomes"]}
    assert got["train_linear_svm"][0] == got["train_linear_svm"][1] == 3.0, got["train_linear_svm"][2]
    assert got["hinge_loss_and_grad"][0] == 3.0, got["hinge_loss_and_grad"][2]
    if cleanup is not None:
        assert not base.exists()
