"""Bad input gives clear errors; scikit-learn estimator conventions (params, clone)."""

import numpy as np
import pytest
from sklearn.base import clone

from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression, kernel_matrix

ESTIMATORS = [KernelSVM, LinearSVM, LogisticRegression]
X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 2.0]])
Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_one_class_only(cls):
    with pytest.raises(ValueError, match=r"y: expected exactly two classes, got 1"):
        cls().fit(X, np.zeros(4))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_three_classes(cls):
    with pytest.raises(ValueError, match=r"y: expected exactly two classes, got 3"):
        cls().fit(X, [0, 1, 2, 2])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_nan_in_X_and_y(cls):
    Xn = X.copy()
    Xn[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"X: expected finite values"):
        cls().fit(Xn, Y)
    with pytest.raises(ValueError, match=r"y: expected finite labels"):
        cls().fit(X, [0.0, np.nan, 1.0, 1.0])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_mismatched_lengths(cls):
    with pytest.raises(ValueError, match=r"y: expected 4 labels \(one per row of X\), got 3"):
        cls().fit(X, Y[:3])
    with pytest.raises(ValueError, match=r"X: expected a 2-D array"):
        cls().fit(X[:, 0], Y)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("C", [np.inf, -np.inf, np.nan, 0.0, -1.0])
def test_bad_C(cls, C):
    with pytest.raises(ValueError, match=r"^C: expected"):
        cls(C=C).fit(X, Y)


def test_inf_C_message_points_to_hard_margin():
    with pytest.raises(ValueError, match="hard_margin=True"):
        KernelSVM(C=np.inf).fit(X, Y)
    with pytest.raises(ValueError, match=r"KernelSVM\(kernel='linear', hard_margin=True\)"):
        LinearSVM(C=np.inf).fit(X, Y)
    with pytest.raises(TypeError, match="C: expected a real number, got str"):
        KernelSVM(C="big").fit(X, Y)


def test_unknown_kernel_and_bad_kernel_params():
    with pytest.raises(ValueError, match=r"kernel: expected one of \['linear', 'rbf', 'poly'\], got 'sigmoid'"):
        KernelSVM(kernel="sigmoid").fit(X, Y)
    with pytest.raises(ValueError, match=r"gamma: expected 'scale', 'auto' or a number > 0, got 'huge'"):
        KernelSVM(gamma="huge").fit(X, Y)
    with pytest.raises(ValueError, match=r"gamma: expected a number > 0"):
        KernelSVM(gamma=-1.0).fit(X, Y)
    with pytest.raises(ValueError, match=r"degree: expected an integer ≥ 1, got 2.5"):
        KernelSVM(kernel="poly", degree=2.5).fit(X, Y)
    with pytest.raises(ValueError, match=r"kernel: expected one of"):
        kernel_matrix(X, X, kernel="cosine")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_checks(cls):
    with pytest.raises(RuntimeError, match="not fitted yet"):
        cls().predict(X)
    model = cls().fit(X, Y)
    with pytest.raises(ValueError, match=r"X: expected 2 features \(as in fit\), got shape \(4, 3\)"):
        model.predict(np.ones((4, 3)))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_get_set_params_and_clone(cls):
    model = cls(C=0.3)
    params = model.get_params()
    assert params["C"] == 0.3
    model.set_params(C=2.0)
    assert model.get_params()["C"] == 2.0
    again = cls(**model.get_params())
    assert again.get_params() == model.get_params()
    cloned = clone(model)
    assert cloned is not model and cloned.get_params() == model.get_params()
    with pytest.raises(ValueError, match="unknown parameter 'nope'"):
        model.set_params(nope=1)
    # a fitted clone is unfitted
    fitted = cls(C=1.0).fit(X, Y)
    assert not hasattr(clone(fitted), "coef_") and not hasattr(clone(fitted), "classes_")


def test_failed_fit_leaves_estimator_unfitted():
    model = KernelSVM(kernel="linear", hard_margin=True)
    with pytest.raises(ValueError, match="not linearly separable"):
        model.fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
    with pytest.raises(RuntimeError, match="not fitted yet"):
        model.predict([[0.5]])


def test_inputs_not_modified():
    Xc, Yc = X.copy(), Y.copy()
    for cls in ESTIMATORS:
        cls().fit(Xc, Yc).predict(Xc)
    np.testing.assert_array_equal(Xc, X)
    np.testing.assert_array_equal(Yc, Y)
