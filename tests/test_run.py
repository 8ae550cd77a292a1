"""Unit tests for rmsprop_lib.run.minimize and Trace."""
import warnings

import numpy as np
import pytest

from rmsprop_lib.objectives import bowl, elongated_bowl, quadratic, rosenbrock, with_noise
from rmsprop_lib.optimizers import AdaGrad, Adam, GradientDescent, Momentum, RMSProp
from rmsprop_lib.run import DIVERGENCE_LIMIT, Trace, minimize


@pytest.fixture
def no_warnings():
    """Turn every warning into an error for the duration of the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_trace_shapes_and_bookkeeping():
    trace = minimize(elongated_bowl(10.0), RMSProp(lr=0.1), x0=[-4.0, 1.0], steps=25)
    assert isinstance(trace, Trace)
    assert trace.status == "max_steps" and trace.steps == 25
    assert trace.xs.shape == (26, 2)  # includes x0
    assert trace.fs.shape == (26,)
    assert trace.grads.shape == trace.updates.shape == trace.effective_lrs.shape == (25, 2)
    np.testing.assert_array_equal(trace.xs[0], [-4.0, 1.0])
    objective = elongated_bowl(10.0)
    for k in range(25):
        np.testing.assert_array_equal(trace.xs[k + 1], trace.xs[k] - trace.updates[k])
        np.testing.assert_array_equal(trace.grads[k], objective.grad(trace.xs[k]))
    np.testing.assert_array_equal(trace.fs, objective.value(trace.xs.T))
    np.testing.assert_array_equal(trace.x, trace.xs[-1])
    assert trace.f == trace.fs[-1]
    assert trace.optimizer == "RMSProp" and trace.objective == "elongated_bowl"
    assert "RMSProp" in repr(trace) and "max_steps" in repr(trace)


def test_effective_lrs_follow_the_optimizer_state():
    opt = AdaGrad(lr=0.5, eps=0.0)
    trace = minimize(bowl, opt, x0=[4.0, 3.0], steps=3)
    # AdaGrad: after step k, s = sum of squared gradients so far; effective lr = 0.5 / sqrt(s)
    s = np.cumsum(trace.grads**2, axis=0)
    np.testing.assert_allclose(trace.effective_lrs, 0.5 / np.sqrt(s), rtol=1e-15)
    gd = minimize(bowl, GradientDescent(0.1), x0=[1.0, 1.0], steps=4)
    np.testing.assert_array_equal(gd.effective_lrs, np.full((4, 2), 0.1))  # scalar broadcast per coordinate


def test_gradient_descent_on_the_bowl_by_hand():
    # x <- x - lr * 2x = (1 - 2 lr) x; with lr = 0.1 every step multiplies x by 0.8
    trace = minimize(bowl, GradientDescent(0.1), x0=[4.0, 3.0], steps=10)
    expected = np.array([[4.0, 3.0]]) * 0.8 ** np.arange(11)[:, None]
    np.testing.assert_allclose(trace.xs, expected, rtol=1e-14)
    np.testing.assert_allclose(trace.fs, 25.0 * 0.64 ** np.arange(11), rtol=1e-14)


def test_converged_with_tol(no_warnings):
    # lr = 0.25 halves x exactly each step; |grad| = 2 |x| = 10 * 0.5^k from (4, 3).
    # 10 * 0.5^k <= 1e-3 first holds at k = 14 (0.5^13 = 1.22e-4 > 1e-4 >= 0.5^14 = 6.1e-5)
    trace = minimize(bowl, GradientDescent(0.25), x0=[4.0, 3.0], steps=100, tol=1e-3)
    assert trace.status == "converged"
    assert trace.steps == 14 and trace.xs.shape == (15, 2)
    np.testing.assert_array_equal(trace.x, [4.0 * 0.5**14, 3.0 * 0.5**14])
    assert np.linalg.norm(bowl.grad(trace.x)) <= 1e-3 < np.linalg.norm(bowl.grad(trace.xs[-2]))


def test_converged_at_the_start_and_tol_zero():
    at_min = minimize(bowl, Adam(0.1), x0=[0.0, 0.0], steps=10, tol=0.0)
    assert at_min.status == "converged" and at_min.steps == 0 and at_min.xs.shape == (1, 2)
    not_there = minimize(bowl, Adam(0.1), x0=[1.0, 0.0], steps=10, tol=0.0)
    assert not_there.status == "max_steps"


def test_bad_tol():
    with pytest.raises(ValueError, match="tol"):
        minimize(bowl, GradientDescent(0.1), x0=[1.0, 1.0], steps=3, tol=-1e-3)


def test_diverged_gradient_descent_above_two_over_l(no_warnings):
    # lr = 1.5 > 2/L = 1: x <- (1 - 3) x = -2x; |x| = 4 * 2^k passes 1e10 at k = 32
    trace = minimize(bowl, GradientDescent(1.5), x0=[4.0, 3.0], steps=100)
    assert trace.status == "diverged"
    assert trace.steps == 31 and trace.xs.shape == (32, 2)
    np.testing.assert_array_equal(trace.x, [4.0 * (-2.0) ** 31, 3.0 * (-2.0) ** 31])
    assert np.all(np.isfinite(trace.xs)) and np.all(np.abs(trace.xs) <= DIVERGENCE_LIMIT)


def test_diverged_with_overflow_emits_no_warning(no_warnings):
    # the first update already overflows f to inf: the run stops quietly, only x0 recorded
    trace = minimize(bowl, GradientDescent(1e300), x0=[4.0, 3.0], steps=50)
    assert trace.status == "diverged" and trace.steps == 0
    assert trace.xs.shape == (1, 2) and trace.grads.shape == (0, 2)
    trace = minimize(rosenbrock, Momentum(lr=0.05, momentum=0.9), steps=500)
    assert trace.status == "diverged"
    assert np.all(np.isfinite(trace.xs)) and np.all(np.isfinite(trace.fs))


def test_diverged_inside_pytest_warning_filters():
    # pytest.warns would fail if any RuntimeWarning were emitted; check explicitly instead
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minimize(elongated_bowl(100.0), GradientDescent(0.5), steps=2000)
        minimize(bowl, RMSProp(lr=1e308, eps=0.0), steps=5)
    assert caught == []


@pytest.mark.parametrize("x0, error, match", [
    ([np.nan, 1.0], ValueError, "x0 must contain only finite"),
    ([np.inf, 1.0], ValueError, "x0 must contain only finite"),
    ([], ValueError, "x0 must not be empty"),
    ([1.0, 2.0, 3.0], ValueError, r"x0 must have shape \(2,\)"),
    ([[1.0, 2.0]], ValueError, r"x0 must have shape \(2,\)"),
    (1.0, ValueError, r"x0 must have shape \(2,\)"),
    ("ab", TypeError, "x0 must be an array of numbers"),
])
def test_bad_x0(x0, error, match):
    with pytest.raises(error, match=match):
        minimize(bowl, GradientDescent(0.1), x0=x0, steps=3)


@pytest.mark.parametrize("steps, error", [(-1, ValueError), (2.5, TypeError), ("10", TypeError), (True, TypeError)])
def test_bad_steps(steps, error):
    with pytest.raises(error, match="steps"):
        minimize(bowl, GradientDescent(0.1), x0=[1.0, 1.0], steps=steps)


def test_bad_objective_or_optimizer():
    with pytest.raises(TypeError, match="objective"):
        minimize(lambda x: x, GradientDescent(0.1), x0=[1.0, 1.0])
    with pytest.raises(TypeError, match="optimizer"):
        minimize(bowl, "adam", x0=[1.0, 1.0])


def test_zero_steps():
    trace = minimize(bowl, Adam(0.1), x0=[1.0, 2.0], steps=0)
    assert trace.status == "max_steps" and trace.steps == 0
    assert trace.xs.shape == (1, 2) and trace.fs.tolist() == [5.0]
    assert trace.grads.shape == trace.updates.shape == trace.effective_lrs.shape == (0, 2)


def test_x0_defaults_to_the_objective_start_and_is_not_modified():
    trace = minimize(rosenbrock, Adam(0.01), steps=3)
    np.testing.assert_array_equal(trace.xs[0], rosenbrock.start)
    x0 = np.array([4.0, 3.0])
    minimize(bowl, Momentum(0.1), x0=x0, steps=5)
    assert x0.tolist() == [4.0, 3.0]


def test_any_dimension():
    trace = minimize(quadratic([1.0, 10.0, 100.0]), Adam(0.05), steps=7)
    assert trace.xs.shape == (8, 3) and trace.effective_lrs.shape == (7, 3)
    np.testing.assert_array_equal(trace.xs[0], [4.0, 3.0, 3.0])


def test_labels():
    assert minimize(bowl, RMSProp(0.1), steps=2).label == "RMSProp"
    assert minimize(bowl, Momentum(0.1, nesterov=True), steps=2).label == "Momentum"
    assert minimize(bowl, RMSProp(0.1), steps=2, label="RMSProp, rho = 0.9").label == "RMSProp, rho = 0.9"
    assert minimize(bowl, Adam(0.1), steps=2, label=3).label == "3"


def test_noisy_objective_is_reset_before_each_run():
    noisy = with_noise(rosenbrock, sigma=2.0, seed=7)
    first = minimize(noisy, RMSProp(0.01), steps=40)
    noisy.grad(np.array([0.0, 0.0]))  # advance the noise stream between runs
    second = minimize(noisy, RMSProp(0.01), steps=40)
    np.testing.assert_array_equal(first.xs, second.xs)
    np.testing.assert_array_equal(first.grads, second.grads)
    # and the noise is really there
    clean = minimize(rosenbrock, RMSProp(0.01), steps=40)
    assert not np.allclose(first.grads, clean.grads)
    assert first.objective == "noisy_rosenbrock"


def test_trace_xs_are_independent_copies():
    x0 = np.array([4.0, 3.0])
    trace = minimize(bowl, GradientDescent(0.1), x0=x0, steps=3)
    trace.xs[0, 0] = 99.0
    assert x0[0] == 4.0
