"""Notebook 04's mini-batch gradient exercise asks for the gradient the article's batches should have carried:
dividing by the article's fixed data size (100) instead of the batch size is named as that mistake."""
import numpy as np

from checks_support import assert_diagnosis
from rmsprop_lib.checks import check_minibatch_gradient


def divided_by_data_size(X, y, theta):
    return X.T @ (X @ theta - y) / 100  # the article's gradient_scale="data" with m = 100


def divided_by_data_size_in_a_loop(X, y, theta):
    grad = np.zeros_like(theta)
    for row, target in zip(X, y):
        grad = grad + (row @ theta - target) * row
    return grad / 100


def mean_over_the_batch(X, y, theta):
    return np.mean((X @ theta - y)[:, None] * X, axis=0)


def test_dividing_by_the_data_size_is_named():
    assert_diagnosis(check_minibatch_gradient, divided_by_data_size, "sum_not_mean")
    assert_diagnosis(check_minibatch_gradient, divided_by_data_size_in_a_loop, "sum_not_mean")
    message = check_minibatch_gradient(divided_by_data_size, show=False).message
    assert "fixed number" in message and "100" in message


def test_the_batch_mean_written_another_way_passes():
    assert_diagnosis(check_minibatch_gradient, mean_over_the_batch, None)


def test_the_notebooks_self_test_holds_for_the_right_gradient_and_fails_for_the_article_scaling():
    """On the data of notebook 04, the halves' mean equals the full gradient only when dividing by the batch size."""
    from rmsprop_lib.data import make_linear_data
    from rmsprop_lib.regression import mse_gradient
    X, y = make_linear_data(n=100, intercept=4, slope=3, x_range=(0, 2), noise=1.0, seed=0)
    theta = np.array([1.0, -2.0])
    full = mse_gradient(theta, X, y)
    halves = [(X[:50], y[:50]), (X[50:], y[50:])]
    right = np.mean([mean_over_the_batch(Xb, yb, theta) for Xb, yb in halves], axis=0)
    article = np.mean([divided_by_data_size(Xb, yb, theta) for Xb, yb in halves], axis=0)
    assert np.allclose(right, full, rtol=1e-12, atol=0)
    assert np.allclose(article, full / 2, rtol=1e-12, atol=0) and not np.allclose(article, full)
