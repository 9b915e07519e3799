"""Checks of the ``backprop`` assignment: seven backward functions (see ARCHITECTURE.md, "The backprop assignment").

How a function is graded
------------------------
For every graded function, :meth:`calls` builds several cases from a seed — random
shapes (non-square, N = 1, N ≥ 8), the function's edge cases (exact zeros in z for
ReLU; |logits| ≥ 1000, a row of all-equal logits and a spread of ~2000 inside a row —
logits like [1000, 0, −1000] with the label on a small entry, where e^z overflows and
softmax underflows to 0, so ``np.log(softmax(z))`` is −inf — for softmax and
cross-entropy, and logits spread the same way, via b2, for the network; saturated |z|
up to 800 for sigmoid/tanh, where a formula with e^(−z) overflows) and random upstream
gradients ``dout``. A graded test runs the cases of
:data:`~autograder.checks.base.VISIBLE_SEED` (the ones the notebook's self-check shows)
and then those of :data:`~autograder.checks.base.HIDDEN_SEED` — the same for every
student — so hard-coding the visible answers does not help.

:meth:`judge` then checks, per case:

1. the call returned (status "ok"): no exception, no time/memory limit hit;
2. the return type: ``(dx, dW, db)`` for ``linear_backward``, an array for the
   activations, ``(loss, dlogits)`` for ``softmax_cross_entropy``, ``(loss, grads)``
   with exactly the keys W1, b1, W2, b2 for ``mlp_loss_and_grads``;
3. the EXACT shape of every output (db is (M,), not (1, M)) and its dtype: float64
   (a float32/float16/integer output fails in every case with a message naming the output
   and the dtype, whatever its values: no tolerance a float32 answer could straddle);
4. finite values (no NaN/inf; in a "large" case the message says "unstable for large
   logits" — also when a finite loss is wrong there, e.g. log(softmax + 1e-12));
5. no input array was modified in place;
6. the loss value (loss functions) against the trusted loss, relative error ≤ 1e-8;
7. every gradient against central finite differences of the TRUSTED forward pass
   (:mod:`coursekit.functional`, never the student's forward), computed with
   :func:`coursekit.gradcheck.numerical_vjp` in float64: an entry passes when
   ``|yours − numerical| ≤ max(1e-6·(|yours| + |numerical|), noise)`` where noise is
   the estimated finite-difference noise. The closed-form reference gradient is
   compared with the same finite differences as a sanity check of the grader itself
   (a disagreement flags ``grader-sanity``). At a kink (ReLU at exactly z = 0), the
   finite difference is meaningless, so the lecture's convention (derivative 0) is
   required there instead.

Points
------
All or nothing per test: a test earns its points when every case passes every check,
otherwise 0. The messages still list every wrong output of the first failing case
(which output, the maximum relative error, the index and values, the case's shapes,
and the likely bug when recognisable) and how many other cases failed. One bug costs
the points of its own function's test only: see overrides below.

Overrides: ``mlp_loss_and_grads``
---------------------------------
Students usually build ``mlp_loss_and_grads`` from their own ``linear_backward``,
``relu_backward`` and ``softmax_cross_entropy``. While it is graded those three names
are replaced by the trusted reference implementations (:func:`reference_source` gives
the self-contained source the sandbox executes after the student's code, derived from
:mod:`coursekit.functional` by :func:`autograder.checks.reference.bundle`; in-kernel,
:func:`autograder.checks.inkernel.assert_passes` swaps them into the notebook's
namespace for the duration of the check). So a bug in, say, ``relu_backward`` costs the
1 point of ``test_relu_backward`` and not also the 3 points of
``test_mlp_loss_and_grads``. The hidden layer's pre-activations z1 of every mlp case
are kept at least 1e-3 away from 0, so a different convention at the ReLU kink
cannot matter there either.

Modules
-------
This folder's ``checks.py`` (imported as ``autograder.checks.backprop``) holds the points, the
tolerances, the references and the registry; ``function_checks.py`` the check of each function
(its cases and expectations), ``judge.py`` the judging they share and ``diagnoses.py`` the
messages and likely-bug diagnoses.

Points: linear_backward 2, sigmoid_backward 1, tanh_backward 1, relu_backward 1,
softmax_backward 2, softmax_cross_entropy 2, mlp_loss_and_grads 3 (total 12).
"""

from __future__ import annotations

from autograder.checks.base import FunctionCheck
from autograder.checks.reference import bundle
from coursekit import functional as F
from coursekit import gradcheck as gc

__all__ = [
    "POINTS",
    "FUNCTIONS",
    "TOL",
    "checks",
    "reference_source",
    "optional_check",
    "OPTIONAL_CHECKS",
    "LinearBackwardCheck",
    "SigmoidBackwardCheck",
    "TanhBackwardCheck",
    "ReluBackwardCheck",
    "SoftmaxBackwardCheck",
    "SoftmaxCrossEntropyCheck",
    "MlpLossAndGradsCheck",
]

POINTS = {
    "linear_backward": 2.0,
    "sigmoid_backward": 1.0,
    "tanh_backward": 1.0,
    "relu_backward": 1.0,
    "softmax_backward": 2.0,
    "softmax_cross_entropy": 2.0,
    "mlp_loss_and_grads": 3.0,
}
FUNCTIONS = tuple(POINTS)
#: Checks an instructor may switch on by adding the function to POINTS (see gelu_check.py),
#: with the points they get when asked for directly (:func:`optional_check`).
OPTIONAL_POINTS = {"gelu_backward": 1.0}

#: Relative tolerance on each gradient entry (see module docstring).
TOL = 1e-6
#: Relative tolerance on a loss value.
LOSS_TOL = 1e-8
#: Absolute step for shift-invariant functions (softmax, cross-entropy): the
#: curvature does not shrink with |logits|, so the step must not grow with it.
SHIFT_INVARIANT_STEP = gc.EPS ** (1.0 / 3.0)
#: Minimum distance of the mlp's hidden pre-activations from the ReLU kink.
KINK_MARGIN = 1e-3


def reference_source(function: str) -> str:
    """Self-contained source text defining the trusted ``function``: the function of
    :mod:`coursekit.functional` with the helpers it needs (numpy only, no ``import coursekit``:
    it runs inside the sandbox). Executing it defines exactly one name, ``function``."""
    if function not in FUNCTIONS and function not in OPTIONAL_POINTS:
        raise ValueError(f"function: expected one of {FUNCTIONS + tuple(OPTIONAL_POINTS)}, got {function!r}")
    return bundle(getattr(F, function))


# the checks use the constants above: imported after them
from autograder.checks.backprop.function_checks import (  # noqa: E402
    LinearBackwardCheck,
    MlpLossAndGradsCheck,
    ReluBackwardCheck,
    SigmoidBackwardCheck,
    SoftmaxBackwardCheck,
    SoftmaxCrossEntropyCheck,
    TanhBackwardCheck,
    mlp_loss,
)

from autograder.checks.backprop.gelu_check import GeluBackwardCheck  # noqa: E402

_CLASSES = {cls.function: cls for cls in (
    LinearBackwardCheck,
    SigmoidBackwardCheck,
    TanhBackwardCheck,
    ReluBackwardCheck,
    SoftmaxBackwardCheck,
    SoftmaxCrossEntropyCheck,
    MlpLossAndGradsCheck,
)}
#: The optional checks (not graded unless their function is added to POINTS).
OPTIONAL_CHECKS = {"gelu_backward": GeluBackwardCheck}


def checks() -> list[FunctionCheck]:
    """The checks of the functions in ``POINTS``, in notebook order (fresh instances)."""
    return [{**_CLASSES, **OPTIONAL_CHECKS}[f]() for f in POINTS]


def optional_check(function: str) -> FunctionCheck:
    """A fresh instance of the optional check of ``function`` (e.g. ``"gelu_backward"``)."""
    if function not in OPTIONAL_CHECKS:
        raise ValueError(f"function: expected one of {tuple(OPTIONAL_CHECKS)}, got {function!r}")
    return OPTIONAL_CHECKS[function]()
