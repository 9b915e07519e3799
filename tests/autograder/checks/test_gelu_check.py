"""The optional gelu_backward check: off by default, usable once an instructor adds it."""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from autograder.checks import checks_for, reference_source
from autograder.checks.backprop import POINTS, optional_check
from coursekit import functional as F

from check_helpers import grade


def student_gelu_backward(dout, z):
    """A student's GELU derivative, written from the definition g(z) = z Φ(z) (erf form)."""
    phi = np.exp(-z * z / 2.0) / np.sqrt(2.0 * np.pi)
    return dout * (0.5 * (1.0 + erf(z / np.sqrt(2.0))) + z * phi)


def forgot_product_rule(dout, z):
    return dout * 0.5 * (1.0 + erf(z / np.sqrt(2.0)))


def test_not_graded_by_default():
    assert "gelu_backward" not in POINTS
    assert [c.function for c in checks_for("backprop")] == list(POINTS)


def test_correct_gelu_backward_earns_the_points():
    check = optional_check("gelu_backward")
    out = grade(check, student_gelu_backward)
    assert out.passed and out.points == check.points > 0, out.messages
    assert check.test_id == "test_gelu_backward"


def test_wrong_gelu_backward_fails_with_the_likely_bug():
    out = grade(optional_check("gelu_backward"), forgot_product_rule)
    assert out.points == 0.0
    assert any("product rule" in m for m in out.messages), out.messages


def test_reference_is_coursekit_gelu_backward():
    ns: dict = {}
    exec(reference_source("backprop", "gelu_backward"), ns)
    rng = np.random.default_rng(3)
    dout, z = rng.normal(size=(5, 4)), rng.normal(scale=3.0, size=(5, 4))
    np.testing.assert_array_equal(ns["gelu_backward"](dout, z), F.gelu_backward(dout, z))
