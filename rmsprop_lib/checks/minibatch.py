"""Mini-batch gradient: ``minibatch_gradient(X, y, theta) -> grad``, the gradient of half the mean
squared error ``0.5 * mean((X @ theta - y)**2)`` over the batch (notebook 04)."""
import numpy as np

from ..regression import mse_gradient
from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)


def reference(X, y, theta):
    return mse_gradient(theta, X, y)


@mistake("sum_not_mean", headline="the gradient grows with the batch size",
         did="it returned `X.T @ (X @ theta - y)`: twice as many rows give a gradient twice as large.",
         look="what the loss averages over, and whether your gradient does too.",
         fix="the loss is a MEAN over the batch, so its gradient is too: divide by `len(y)`, the batch size.")
def summed(X, y, theta):
    return X.T @ (X @ theta - y)


@mistake("sum_not_mean", headline="the gradient is divided by a fixed number, not by the batch size",
         did="it returned `X.T @ (X @ theta - y) / 100`, the article's choice: on a batch of b points that is "
             "b/100 times the batch's mean gradient, so its size depends on the batch size.",
         look="what you divide by: the number of points in this batch, or a number fixed in advance?",
         fix="divide by the batch's own size, `len(y)`: `grad = X.T @ (X @ theta - y) / len(y)`.")
def divided_by_data_size(X, y, theta):
    return X.T @ (X @ theta - y) / 100


@mistake("extra_factor_two", headline="the gradient is twice too large",
         did="its gradient is exactly twice the right one, on every batch.",
         look="the factors in front of `X.T @ residual`, and the factor in front of the loss.",
         fix="the loss has a factor 1/2 in front, which cancels the 2 of the derivative of the square: "
             "`grad = X.T @ (X @ theta - y) / len(y)`.")
def factor_two(X, y, theta):
    residual = X @ theta - y
    return 2 * X.T @ residual / len(y)


@mistake("extra_factor_two", headline="the gradient is too large, and grows with the batch size",
         did="it returned `2 * X.T @ (X @ theta - y)`: twice the right size for one row, and it grows with the "
             "number of rows.",
         look="the factors in front of `X.T @ residual`, and what the loss averages over.",
         fix="the half in the loss cancels the 2, and the mean divides by the batch size: "
             "`grad = X.T @ (X @ theta - y) / len(y)`.")
def factor_two_summed(X, y, theta):
    return 2 * X.T @ (X @ theta - y)


@mistake("wrong_sign", headline="the gradient has the wrong sign",
         did="it returned `X.T @ (y - X @ theta) / len(y)`, which points downhill.",
         look="the order of the two terms of the residual.",
         fix="differentiate `0.5 * (X @ theta - y)**2` with respect to theta: the residual is "
             "`X @ theta - y`, prediction minus target.")
def residual_reversed(X, y, theta):
    return X.T @ (y - X @ theta) / len(y)


def cases():
    return (
        dict(X=np.array([[1.0, 0.5, -1.2], [1.0, -0.3, 0.8], [1.0, 1.7, 0.1], [1.0, -1.1, -0.4],
                         [1.0, 0.2, 2.0]]),
             y=np.array([2.0, -0.5, 3.1, 0.0, 1.4]), theta=np.array([0.3, -1.0, 0.5])),
        dict(X=np.array([[0.4, 1.0], [1.5, 1.0], [-2.0, 1.0], [0.9, 1.0]]), y=np.array([1.2, 4.9, -3.3, 2.5]),
             theta=np.array([2.0, 0.5])),
        dict(X=np.array([[0.1], [0.2], [0.35], [0.5], [0.8], [1.0], [1.5]]),
             y=np.array([0.3, 0.5, 1.1, 1.4, 2.2, 3.0, 4.4]), theta=np.array([0.0])),
    )


def varied_case(rng):
    b, n = int(rng.integers(3, 9)), int(rng.integers(1, 5))
    return dict(X=rng.uniform(-2, 2, (b, n)), y=rng.uniform(-3, 3, b), theta=rng.uniform(-1, 1, n))


EXERCISE = Exercise(
    name="minibatch_gradient", args=("X", "y", "theta"), arrays=("X", "y", "theta"), outputs=("grad",),
    rule=("residual = X @ theta - y", "grad = X.T @ residual / len(y)"), reference=reference,
    mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="batches of 4 to 7 rows, 1 to 3 features, theta at zero and elsewhere",
    checker="check_minibatch_gradient", shapes=lambda case: (np.shape(case["theta"]),),
)


def check_minibatch_gradient(fn, show=True, hint=False):
    """Check ``minibatch_gradient(X, y, theta) -> grad``: the gradient of ``0.5 * mean((X @ theta - y)**2)``.

    X has shape (b, n), y (b,), theta (n,); grad has the shape of theta. ``show=False`` returns the
    :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)
