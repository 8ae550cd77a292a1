"""Gradient descent: ``gradient_descent_step(x, grad, lr) -> x_new``."""
import numpy as np

from ..optimizers import GradientDescent
from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)


def reference(x, grad, lr):
    update, _ = GradientDescent(lr).update(grad, GradientDescent(lr).init(x))
    return x - update


@mistake("wrong_sign", headline="the step goes uphill", did="it moved uphill: `x + lr * grad`.",
         look="the sign in front of the gradient term.",
         fix="the gradient points uphill, so step against it: subtract `lr * grad`.")
def uphill(x, grad, lr):
    return x + lr * grad


@mistake("missing_lr", headline="the step has the wrong length",
         did="it subtracted the whole gradient: `x - grad`.",
         look="the parameters your function receives: does the step use all of them?",
         fix="multiply the gradient by `lr` before subtracting it.")
def no_learning_rate(x, grad, lr):
    return x - grad


def cases():
    return (
        dict(x=np.array([1.5, -2.0, 0.25]), grad=np.array([0.4, -1.2, 3.0]), lr=0.1),
        dict(x=np.array([[1.0, -0.5, 2.0], [0.0, 3.0, -1.5]]),
             grad=np.array([[2.0, 0.3, -0.7], [1.1, -2.4, 0.05]]), lr=0.25),
        dict(x=np.array([4.0, -3.0]), grad=np.array([8.0, -6.0]), lr=0.01),
    )


def varied_case(rng):
    shape = (int(rng.integers(2, 6)),)
    return dict(x=rng.uniform(-3, 3, shape), grad=rng.uniform(-3, 3, shape), lr=float(rng.uniform(0.01, 0.5)))


EXERCISE = Exercise(
    name="gradient_descent_step", args=("x", "grad", "lr"), arrays=("x", "grad"), outputs=("x_new",),
    rule=("x_new = x - lr * grad",), reference=reference, mistakes=tuple(MISTAKES), cases=cases,
    varied_case=varied_case, about_cases="1-D and 2-D arrays, several learning rates",
    checker="check_gradient_descent_step",
)


def check_gradient_descent_step(fn, show=True, hint=False):
    """Check ``gradient_descent_step(x, grad, lr) -> x_new`` (the rule ``x_new = x - lr * grad``).

    Shows the result (a box in a notebook, text in a script) unless ``show=False``, and returns
    the :class:`CheckResult`. ``hint=True`` also shows the rule and how to fix a mistake.
    """
    return check(EXERCISE, fn, show, hint)
