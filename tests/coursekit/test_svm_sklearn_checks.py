"""scikit-learn's own estimator test suite (``check_estimator``), every check, for the three
estimators — multiclass, NotFittedError, sparse / object / complex / empty input included.

No check is expected to fail and none is marked. scikit-learn runs its array-API check only
when ``SCIPY_ARRAY_API=1`` was set before scipy was first imported, which the rest of the test
suite must not have: that one check runs in a fresh interpreter with it set.
"""

from __future__ import annotations

import functools
import os
import pickle
import subprocess
import sys

from sklearn.utils.estimator_checks import parametrize_with_checks

from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression

ESTIMATORS = [
    LinearSVM(),
    KernelSVM(),
    LogisticRegression(),
    # the linear kernel's coef_ and predict's tie-breaking by decision values
    KernelSVM(kernel="linear", break_ties=True),
]


CHECKS = parametrize_with_checks(ESTIMATORS)  # pytest.mark.parametrize over (estimator, check)


def _is_array_api_check(check):
    while isinstance(check, functools.partial):
        check = check.func
    return check.__name__.startswith("check_array_api")


ARRAY_API_CHECKS = [pair for pair in CHECKS.args[1] if _is_array_api_check(pair[1])]

_RUN_ALL = """
import pickle, sys, traceback
errors = []
for estimator, check in pickle.loads(sys.stdin.buffer.read()):
    try:
        check(estimator)
        errors.append(None)
    except BaseException:
        errors.append(traceback.format_exc())
sys.stdout.buffer.write(pickle.dumps(errors))
"""


@functools.cache
def _array_api_errors():
    """Every array-API check, run once in one fresh interpreter with SCIPY_ARRAY_API=1:
    its traceback or None, in the order of ARRAY_API_CHECKS."""
    proc = subprocess.run([sys.executable, "-c", _RUN_ALL], input=pickle.dumps(ARRAY_API_CHECKS),
                          env={**os.environ, "SCIPY_ARRAY_API": "1"}, capture_output=True, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    return pickle.loads(proc.stdout)


@CHECKS
def test_scikit_learn_estimator_check(estimator, check):
    if _is_array_api_check(check) and os.environ.get("SCIPY_ARRAY_API") != "1":
        k = next(k for k, (e, c) in enumerate(ARRAY_API_CHECKS) if e is estimator and c is check)
        error = _array_api_errors()[k]
        assert error is None, error
    else:
        check(estimator)
