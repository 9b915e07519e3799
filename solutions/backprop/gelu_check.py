"""An optional check: ``gelu_backward(dout, z)``, not graded by default.

The backprop assignment grades the seven functions of ``POINTS``. An instructor who adds a
GELU exercise to the notebook (a solution cell ``gelu_backward`` and a test cell
``test_gelu_backward``, e.g. with ``solutions/backprop/build.py``) adds ``"gelu_backward"`` to
``POINTS`` in ``checks.py``: :func:`autograder.checks.backprop.checks` then grades it with this
check (registered in ``OPTIONAL_CHECKS``), and its trusted reference is
:func:`coursekit.functional.gelu_backward`, as for every other function.
"""

from __future__ import annotations

from autograder.checks.backprop.function_checks import SaturatingActivationCheck
from coursekit import functional as F

__all__ = ["GeluBackwardCheck"]


class GeluBackwardCheck(SaturatingActivationCheck):
    """``gelu_backward(dout, z) -> dz = dout · (Φ(z) + z φ(z))``, including saturated units
    (|z| up to 800, where Φ is 0 or 1 and φ underflows)."""

    function = "gelu_backward"
    forward = staticmethod(F.gelu_forward)
    backward = staticmethod(F.gelu_backward)
    unstable_hint = "an unstable formula: use Φ(z) = ½ erfc(−z/√2) and φ(z) = e^(−z²/2)/√(2π)"

    saturation_low = 10.0
