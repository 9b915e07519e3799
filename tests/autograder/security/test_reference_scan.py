"""The static scans: use of the course's reference implementation (refused, autograder.extract.reference_use)
and copies of coursekit.functional's kernels (flagged, autograder.reference_scan.reference_copies)."""
import ast
import inspect
import textwrap
from pathlib import Path

import pytest

import coursekit.functional as F
from autograder.extract import reference_use
from autograder.reference_scan import normalised, reference_copies

pytestmark = pytest.mark.timeout(60)

REPO = Path(__file__).resolve().parents[3]

FNS = ["linear_backward", "relu_backward", "mlp_loss_and_grads"]
OVR = {"mlp_loss_and_grads": ("linear_backward", "relu_backward")}


def scan(src):
    return reference_use(textwrap.dedent(src), FNS, OVR)


def test_honest_code_is_not_flagged():
    assert scan('''
        import numpy as np
        def linear_backward(dout, x, W):
            """Graded by the autograder; see solutions/ in the lecture."""  # docstrings are inert
            return dout @ W, dout.T @ x, dout.sum(axis=0)
        def relu_backward(dout, z):
            return np.where(z > 0, dout, 0.0)
        def mlp_loss_and_grads(params, x, y):
            return linear_backward(x, x, x), relu_backward(x, x)
    ''') == {}


@pytest.mark.parametrize("src, flagged", [
    ("from coursekit.functional import linear_backward\n", {"linear_backward"}),
    ("import coursekit.functional as F\nlinear_backward = F.linear_backward\n", {"linear_backward"}),
    ("import coursekit as ck\ndef _h(d, x, W):\n    return ck.functional.linear_backward(d, x, W)\n"
     "def linear_backward(d, x, W):\n    return _h(d, x, W)\n", {"linear_backward"}),
    ("def relu_backward(d, z):\n    m = __import__('coursekit.functional')\n    return m.functional.relu_backward(d, z)\n",
     {"relu_backward"}),
    ("def relu_backward(d, z):\n    exec(open('/x/solutions/backprop/backprop.ipynb').read())\n", {"relu_backward"}),
    ("from autograder.checks.backprop import reference_source\n"
     "exec(reference_source('linear_backward'))\ndef linear_backward(d, x, W):\n    return reference_source(d)\n",
     {"linear_backward"}),
])
def test_reference_use_is_found(src, flagged):
    assert set(scan(src)) == flagged


def test_taint_through_overridden_helpers_is_not_charged_twice():
    src = "from coursekit.functional import relu_backward\n" \
          "def mlp_loss_and_grads(params, x, y):\n    return relu_backward(x, x)\n"
    assert set(scan(src)) == {"relu_backward"}  # mlp runs with the trusted relu_backward


def test_a_copy_is_not_refused_it_is_flagged():
    src = inspect.getsource(F.mlp_loss_and_grads)
    assert scan(src) == {}  # not refused: graded as usual ...
    assert set(copies(src, FNS)) == {"mlp_loss_and_grads"}  # ... and flagged for a look


# ------------------------------------------------------------------- copies (normalised ASTs)
CE_FNS = ["softmax_cross_entropy", "mlp_loss_and_grads", "linear_backward"]


def copies(src, functions=CE_FNS, overrides=None):
    return reference_copies(textwrap.dedent(src), functions, overrides or {})


VERBATIM = inspect.getsource(F.softmax_cross_entropy)

RENAMED = """
def softmax_cross_entropy(s, labels):
    count, classes = s.shape
    labels = check_labels(labels, 'labels', n_classes=classes, n=count)
    lp = log_softmax(s)
    value = float(-lp[np.arange(count), labels].sum() / count)
    grad = np.exp(lp)
    grad[np.arange(count), labels] -= 1.0
    return value, grad / count
"""

REFORMATTED_COMMENTED = """
def softmax_cross_entropy(logits,y):   # my own work!!
    n,c=logits.shape


    logp=log_softmax( logits )          # log-probabilities
    # the mean negative log-likelihood
    loss=float( -logp[ np.arange( n ), y ].sum()/n )
    dlogits=np.exp(
        logp
    )
    dlogits[np.arange(n),y]-=1.0
    return (loss,
            dlogits/n)
"""

DOCSTRING_AND_ANNOTATIONS = '''
def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple:
    """Written from scratch, honestly."""
    "a note to myself"
    n, c = logits.shape
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].sum() / n)
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n
'''

HELPER_RENAMED = """
def _xent(a, b):
    n, c = a.shape
    logp = log_softmax(a)
    loss = float(-logp[np.arange(n), b].sum() / n)
    g = np.exp(logp)
    g[np.arange(n), b] -= 1.0
    return loss, g / n

def softmax_cross_entropy(logits, y):
    return _xent(logits, y)
"""


@pytest.mark.parametrize("src", [VERBATIM, RENAMED, REFORMATTED_COMMENTED, DOCSTRING_AND_ANNOTATIONS, HELPER_RENAMED],
                         ids=["verbatim", "renamed-args-and-locals", "reformatted-commented", "docstring-annotations",
                              "renamed-helper"])
def test_copies_of_a_kernel_are_found(src):
    found = copies(src)
    assert set(found) == {"softmax_cross_entropy"}
    assert "coursekit.functional.softmax_cross_entropy" in found["softmax_cross_entropy"]


def test_a_copy_under_another_graded_name_is_found():
    src = VERBATIM.replace("def softmax_cross_entropy(", "def linear_backward(")
    assert set(copies(src)) == {"linear_backward"}


def test_a_copied_helper_is_not_charged_to_a_function_graded_with_the_reference_helper():
    src = VERBATIM + "\n\ndef mlp_loss_and_grads(params, x, y):\n    return softmax_cross_entropy(x, y)\n"
    assert set(copies(src)) == {"softmax_cross_entropy", "mlp_loss_and_grads"}
    assert set(copies(src, overrides={"mlp_loss_and_grads": ("softmax_cross_entropy",)})) == {"softmax_cross_entropy"}


@pytest.mark.parametrize("src", [
    # the same quantity computed another way: not a copy
    """
def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    p[np.arange(n), y] -= 1
    return float(loss), p / n
""",
    # a one-line formula is what everyone writes: never a copy
    "def relu_backward(dout, z):\n    return dout * (z > 0)\n",
])
def test_own_code_is_not_a_copy(src):
    assert copies(src, ["softmax_cross_entropy", "relu_backward"]) == {}


def test_normalised_form_ignores_names_layout_and_docstrings_but_not_the_computation():
    def norm(src):
        return normalised(ast.parse(src).body[0])[0]

    a = norm("def f(x, y):\n    '''doc'''\n    t = x @ y  # c\n    return t.sum(axis=0)\n")
    b = norm("def g(p,q):\n  u=p@q\n  return u.sum( axis = 0 )\n")
    c = norm("def g(p, q):\n    u = q @ p\n    return u.sum(axis=0)\n")
    assert a == b
    assert a != c  # q @ p is another computation


def _class_sources():
    """(key, student source) of every submission of the class: its cells and extra cells, and the
    source notebook's honest code for the functions it does not write."""
    import nbformat

    from autograder.submissions import load

    out = []
    for sub in load():
        nb = nbformat.read(str(REPO / "solutions" / sub.assignment / f"{sub.assignment}.ipynb"), as_version=4)
        parts = []
        for c in nb.cells:
            m = c.metadata.get("nbgrader", {})
            if m.get("solution"):
                f = m["grade_id"]
                parts += [s for w, g, s in sub.extra_cells if w == "before" and g == f]
                parts.append(sub.cells.get(f, c.source))
                parts += [s for w, g, s in sub.extra_cells if w == "after" and g == f]
        out.append((sub.key, "\n\n".join(parts)))
    return out


def test_no_submission_of_the_class_is_flagged_as_a_copy():
    from autograder.checks import checks_for

    sources = _class_sources()
    assert len(sources) >= 50
    flagged = {}
    for key, src in sources:
        checks = checks_for(key.split("/")[0])
        found = reference_copies(src, [c.function for c in checks], {c.function: tuple(c.overrides) for c in checks})
        if found:
            flagged[key] = found
    assert flagged == {}


def test_the_grader_grades_a_copy_and_flags_it(tmp_path, limits):
    """End to end: a working, reformatted copy of the library's softmax_cross_entropy gets its
    points (a copy is not refused) and the record carries the flag and the evidence; honest code
    next to it is not flagged."""
    from autograder.grade_one import grade_submission
    from course_factory import FULL, make_course, scores, tasks_for

    course = make_course(tmp_path, {"copier": {"softmax_cross_entropy": textwrap.dedent(REFORMATTED_COMMENTED)},
                                    "honest": {}})
    records = {t.student: grade_submission(t, limits) for t in tasks_for(course)}
    copier, honest = records["copier"], records["honest"]
    assert scores(copier) == FULL and scores(honest) == FULL
    out = {o.function: o for o in copier.outcomes}
    assert "reference-copy" in out["softmax_cross_entropy"].flags
    assert "reference-copy" in copier.flags and "reference-implementation" not in copier.flags
    assert any("softmax_cross_entropy flagged for a look" in n for n in copier.notes)
    assert not honest.flags
