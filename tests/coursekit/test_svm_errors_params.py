"""Bad input gives clear errors (the argument, what was expected, what was received);
scikit-learn estimator conventions (params, clone, NotFittedError)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression, kernel_matrix

ESTIMATORS = [KernelSVM, LinearSVM, LogisticRegression]
X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 2.0]])
Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_one_class_only(cls):
    with pytest.raises(ValueError, match=r"y: expected at least two classes, got 1 class \(\[0\.0\]\)"):
        cls().fit(X, np.zeros(4))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_a_regression_target_is_refused(cls):
    """Two values are two classes whatever they are; many real values are a regression target."""
    with pytest.raises(ValueError, match=r"Unknown label type: continuous"):
        cls().fit(X, [0.1, 0.7, 1.3, 2.9])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_nan_in_X_and_y(cls):
    Xn = X.copy()
    Xn[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"Input X contains NaN"):
        cls().fit(Xn, Y)
    with pytest.raises(ValueError, match=r"Input y contains NaN"):
        cls().fit(X, [0.0, np.nan, 1.0, 1.0])
    model = cls().fit(X, Y)
    with pytest.raises(ValueError, match=r"Input X contains infinity"):
        model.predict(np.where(Xn == Xn, Xn, np.inf))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_mismatched_lengths(cls):
    with pytest.raises(ValueError, match=r"y: expected 4 labels \(one per row of X\), got 3"):
        cls().fit(X, Y[:3])
    with pytest.raises(ValueError, match=r"y: expected 4 labels \(one per row of X\), got 3"):
        cls().fit(X.tolist(), Y[:3].tolist())
    with pytest.raises(ValueError, match=r"Expected 2D array, got 1D array instead"):
        cls().fit(X[:, 0], Y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_empty_sparse_complex_and_object_input(cls):
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\) \(shape=\(0, 2\)\) while a minimum of 1 "
                                         r"is required"):
        cls().fit(np.empty((0, 2)), [])
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(4, 0\)\) while a minimum of 1 is required"):
        cls().fit(np.empty((4, 0)), Y)
    with pytest.raises(TypeError, match=r"Sparse data was passed for X, but dense data is required"):
        cls().fit(sp.csr_matrix(X), Y)
    with pytest.raises(ValueError, match=r"Complex data not supported"):
        cls().fit(X + 1j, Y)
    Xo = X.astype(object)
    Xo[0, 0] = {"a": 1}
    with pytest.raises(TypeError, match=r"float\(\) argument must be a string or a (real )?number, not 'dict'"):
        cls().fit(Xo, Y)
    # numbers held in an object array are numbers
    np.testing.assert_array_equal(cls().fit(X.astype(object), Y).predict(X), cls().fit(X, Y).predict(X))


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
    model = cls().fit(X, Y)
    for method in ("predict", "decision_function"):
        with pytest.raises(ValueError, match=rf"X has 3 features, but {cls.__name__} is expecting 2 features as input"):
            getattr(model, method)(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"y: expected 4 labels \(one per row of X\), got shape \(3,\)"):
        model.score(X, Y[:3])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_unfitted_raises_not_fitted_error(cls):
    model = cls()
    methods = ["predict", "decision_function", "predict_proba"] if cls is LogisticRegression else ["predict", "decision_function"]
    for method in methods:
        with pytest.raises(NotFittedError, match=rf"This {cls.__name__} instance is not fitted yet"):
            getattr(model, method)(X)
    with pytest.raises(NotFittedError):
        model.score(X, Y)
    with pytest.raises(NotFittedError):
        model.slack(X, Y)


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
    with pytest.raises(ValueError, match=rf"Invalid parameter 'nope' for estimator {cls.__name__}"):
        model.set_params(nope=1)
    # scikit-learn's repr: the parameters that differ from the defaults
    assert repr(cls(C=0.3)) == f"{cls.__name__}(C=0.3)"
    # a fitted clone is unfitted
    fitted = cls(C=1.0).fit(X, Y)
    assert not hasattr(clone(fitted), "coef_") and not hasattr(clone(fitted), "classes_")


def test_failed_fit_leaves_estimator_unfitted():
    model = KernelSVM(kernel="linear", hard_margin=True)
    with pytest.raises(ValueError, match="not linearly separable"):
        model.fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict([[0.5]])


def test_inputs_not_modified():
    Xc, Yc = X.copy(), Y.copy()
    for cls in ESTIMATORS:
        cls().fit(Xc, Yc).predict(Xc)
    np.testing.assert_array_equal(Xc, X)
    np.testing.assert_array_equal(Yc, Y)


def test_bad_decision_function_shape():
    with pytest.raises(ValueError, match=r"decision_function_shape: expected 'ovr' or 'ovo', got 'ova'"):
        KernelSVM(decision_function_shape="ova").fit(X, Y)


def test_slack_needs_two_classes():
    model = KernelSVM(kernel="linear").fit(np.vstack([X, X + 5]), [0, 0, 1, 1, 2, 2, 3, 3])
    with pytest.raises(ValueError, match=r"slack: expected a model of two classes, got 4 classes"):
        model.slack(X, Y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_parameters_are_stored_unchanged_and_checked_in_fit(cls):
    """scikit-learn's rule: __init__ stores its arguments as given (no checks, no conversion)."""
    model = cls(C="big")
    assert model.C == "big" and model.get_params()["C"] == "big"
    with pytest.raises(TypeError, match="C: expected a real number, got str"):
        model.fit(X, Y)


def test_refit_keeps_nothing_of_the_earlier_fit():
    X3 = np.vstack([X, X + 5])
    model = KernelSVM(kernel="linear").fit(X, Y)
    assert hasattr(model, "alpha_") and model.coef_.shape == (1, 2)
    model.set_params(kernel="rbf").fit(X3, [0, 0, 1, 1, 2, 2, 2, 2])
    assert not hasattr(model, "alpha_") and not hasattr(model, "coef_")  # binary-only / linear-only
    # a refit that fails leaves the estimator unfitted, not half old and half new
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.fit(np.full((4, 2), np.nan), Y)
    with pytest.raises(NotFittedError):
        model.predict(X)
