"""Tests of rmsprop_lib.data (data sets, mini-batches) and rmsprop_lib.regression (loss, gradient, fit)."""
import warnings

import numpy as np
import pytest

from rmsprop_lib import Adam, GradientDescent, Momentum, RMSProp
from rmsprop_lib.data import MiniBatches, make_linear_data, make_moons, make_spirals, minibatches, train_test_split
from rmsprop_lib.regression import (FitResult, LossChange, Patience, SmoothedLossChange, check_data, fit,
                                    least_squares, mse_gradient, mse_loss)
from rmsprop_lib.run import DIVERGENCE_LIMIT, History


# --------------------------------------------------------------------------- data

def test_make_linear_data_shapes_and_bias_column():
    X, y = make_linear_data(n=100, seed=0)
    assert X.shape == (100, 2) and y.shape == (100,)
    assert np.all(X[:, 0] == 1.0)
    assert np.all((X[:, 1] >= 0.0) & (X[:, 1] < 2.0))


def test_make_linear_data_without_noise_is_the_line():
    X, y = make_linear_data(n=50, intercept=-1.5, slope=0.25, x_range=(-3, 5), noise=0.0, seed=4)
    np.testing.assert_allclose(y, -1.5 + 0.25 * X[:, 1], rtol=0, atol=1e-14)
    assert X[:, 1].min() >= -3 and X[:, 1].max() < 5


def test_make_linear_data_uses_default_rng_with_the_seed():
    X, y = make_linear_data(n=7, seed=11)
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 2, size=7)
    noise = rng.standard_normal(7)
    np.testing.assert_array_equal(X[:, 1], x)
    np.testing.assert_allclose(y, 4 + 3 * x + noise, rtol=0, atol=1e-14)


def test_make_linear_data_is_deterministic_per_seed():
    a = make_linear_data(seed=3)
    b = make_linear_data(seed=3)
    c = make_linear_data(seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_noise_has_the_requested_size():
    X, y = make_linear_data(n=20000, noise=0.5, seed=1)
    residual = y - (4 + 3 * X[:, 1])
    assert abs(np.std(residual) - 0.5) < 0.01


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n": 0}, ValueError, "n must be >= 1"),
    ({"n": 2.5}, TypeError, "n must be a whole number"),
    ({"noise": -1.0}, ValueError, "noise must be >= 0"),
    ({"x_range": (2, 0)}, ValueError, "low < high"),
    ({"x_range": 2}, TypeError, "x_range must be a pair"),
    ({"slope": float("nan")}, ValueError, "slope must be finite"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
])
def test_make_linear_data_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_linear_data(**kwargs)


@pytest.fixture(scope="module")
def moons():
    return make_moons(120, noise=0.2, seed=3)

def test_moons_without_noise_lie_on_the_two_arcs():
    X, y = make_moons(101, noise=0.0, seed=1)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert np.sum(y == 0) == 50 and np.sum(y == 1) == 51
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(lower[:, 1] <= 0.5)


def test_spirals_without_noise_follow_their_arms():
    X, y = make_spirals(90, n_classes=3, turns=1.5, noise=0.0, seed=2)
    assert sorted(np.bincount(y)) == [30, 30, 30]
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= 0.05) & (r <= 1.0))
    # the angle of a point at radius r on arm k is 2 pi (1.5 r + k / 3), up to whole turns
    expected = 2 * np.pi * (1.5 * r + y / 3)
    np.testing.assert_allclose(np.cos(expected) * r, X[:, 0], atol=1e-12)
    np.testing.assert_allclose(np.sin(expected) * r, X[:, 1], atol=1e-12)


def test_data_is_reproducible_and_depends_on_the_seed():
    a, b, c = make_moons(50, seed=7), make_moons(50, seed=7), make_moons(50, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    s1, s2 = make_spirals(60, seed=4), make_spirals(60, seed=4)
    np.testing.assert_array_equal(s1[0], s2[0])


def test_train_test_split_partitions_the_rows(moons):
    X, y = moons
    Xtr, ytr, Xte, yte = train_test_split(X, y, test_fraction=0.25, seed=0)
    assert len(yte) == 30 and len(ytr) == 90
    rows = {tuple(r) for r in np.vstack([Xtr, Xte])}
    assert rows == {tuple(r) for r in X}


# --------------------------------------------------------------------------- loss, gradient, least squares

def small_problem():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 4.0]])
    y = np.array([1.0, 2.0, 2.0, 5.0])
    return X, y


def test_mse_loss_by_hand():
    X, y = small_problem()
    theta = np.array([0.5, 1.0])
    # predictions 0.5, 1.5, 2.5, 4.5 -> residuals -0.5, -0.5, 0.5, -0.5 -> mean square 0.25 -> half 0.125
    assert mse_loss(theta, X, y) == pytest.approx(0.125, abs=1e-15)


def test_gradient_matches_finite_differences():
    X, y = make_linear_data(n=30, seed=2)
    theta = np.array([0.7, -1.3])
    h = 1e-6
    numeric = np.array([(mse_loss(theta + h * e, X, y) - mse_loss(theta - h * e, X, y)) / (2 * h)
                        for e in np.eye(2)])
    np.testing.assert_allclose(mse_gradient(theta, X, y), numeric, rtol=1e-7, atol=1e-8)


def test_gradient_scaled_by_the_data_size():
    X, y = make_linear_data(n=100, seed=5)
    theta = np.array([1.0, 1.0])
    batch = slice(0, 32)
    per_batch = mse_gradient(theta, X[batch], y[batch])
    per_data = mse_gradient(theta, X[batch], y[batch], divide_by=100)
    np.testing.assert_allclose(per_data, per_batch * 32 / 100, rtol=1e-13)
    with pytest.raises(ValueError, match="divide_by must be > 0"):
        mse_gradient(theta, X, y, divide_by=0)


def test_gradient_is_zero_at_least_squares():
    X, y = make_linear_data(seed=0)
    theta = least_squares(X, y)
    np.testing.assert_allclose(mse_gradient(theta, X, y), 0.0, atol=1e-12)


def test_least_squares_agrees_with_the_closed_form_line_fit():
    X, y = make_linear_data(n=100, seed=8)
    x = X[:, 1]
    slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    intercept = y.mean() - slope * x.mean()
    np.testing.assert_allclose(least_squares(X, y), [intercept, slope], rtol=1e-12)


def test_column_y_is_accepted():
    X, y = small_problem()
    theta = np.array([0.2, 0.9])
    assert mse_loss(theta, X, y[:, None]) == mse_loss(theta, X, y)
    np.testing.assert_array_equal(mse_gradient(theta, X, y[:, None]), mse_gradient(theta, X, y))


@pytest.mark.parametrize("X, y, error, words", [
    (np.zeros((0, 2)), np.zeros(0), ValueError, "X must not be empty"),
    (np.ones((4, 2)), np.ones(3), ValueError, "same number of rows: X has 4, y has 3"),
    (np.ones(4), np.ones(4), ValueError, "X must be a 2-D array"),
    (np.ones((4, 2)), np.ones((4, 2)), ValueError, "y must be a 1-D array"),
    (np.array([[1.0, np.nan], [1.0, 2.0]]), np.ones(2), ValueError, "X must contain only finite numbers, found 1"),
    (np.ones((2, 2)), np.array([1.0, np.inf]), ValueError, "y must contain only finite numbers"),
    ([["a", "b"]], [1.0], TypeError, "X must be an array of numbers"),
])
def test_bad_data(X, y, error, words):
    with pytest.raises(error, match=words):
        check_data(X, y)
    with pytest.raises(error, match=words):
        fit(GradientDescent(0.1), X, y)


def test_bad_theta():
    X, y = small_problem()
    with pytest.raises(ValueError, match=r"theta must have shape \(2,\)"):
        mse_loss(np.zeros(3), X, y)
    with pytest.raises(ValueError, match="theta must contain only finite numbers"):
        mse_gradient(np.array([0.0, np.nan]), X, y)


# --------------------------------------------------------------------------- mini-batches

def test_each_point_once_per_epoch_when_keeping_the_last_batch():
    batches = MiniBatches(100, 32, seed=0, last_batch="keep")
    assert len(batches) == 4
    for _ in range(5):
        epoch = batches.epoch()
        assert [len(b) for b in epoch] == [32, 32, 32, 4]
        assert sorted(np.concatenate(epoch).tolist()) == list(range(100))


def test_dropping_the_last_batch_leaves_out_a_different_remainder_each_epoch():
    batches = MiniBatches(100, 32, seed=0, last_batch="drop")
    assert len(batches) == 3
    left_out = []
    for _ in range(20):
        used = np.concatenate(batches.epoch())
        assert len(used) == 96 and len(set(used.tolist())) == 96
        left_out.append(frozenset(set(range(100)) - set(used.tolist())))
    assert all(len(s) == 4 for s in left_out)
    assert len(set(left_out)) > 1


def test_reshuffled_every_epoch_and_deterministic_per_seed():
    a, b, c = MiniBatches(50, 10, seed=7), MiniBatches(50, 10, seed=7), MiniBatches(50, 10, seed=8)
    first_a, second_a = np.concatenate(a.epoch()), np.concatenate(a.epoch())
    first_b, second_b = np.concatenate(b.epoch()), np.concatenate(b.epoch())
    np.testing.assert_array_equal(first_a, first_b)
    np.testing.assert_array_equal(second_a, second_b)
    assert not np.array_equal(first_a, second_a)
    assert not np.array_equal(first_a, np.concatenate(c.epoch()))


def test_shuffle_off_keeps_the_order():
    epoch = MiniBatches(10, 4, shuffle=False).epoch()
    assert [b.tolist() for b in epoch] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_minibatches_yields_rows_of_X_and_y_together():
    X, y = make_linear_data(n=10, noise=0.0, seed=1)
    seen = []
    for epoch, Xb, yb in minibatches(X, y, batch_size=3, epochs=2, seed=2):
        np.testing.assert_allclose(yb, 4 + 3 * Xb[:, 1], atol=1e-14)
        seen.append((epoch, len(yb)))
    assert seen == [(0, 3), (0, 3), (0, 3), (0, 1), (1, 3), (1, 3), (1, 3), (1, 1)]


@pytest.mark.parametrize("batch_size, error, words", [
    (0, ValueError, r"batch_size must be between 1 and the number of data points \(10\), got 0"),
    (-3, ValueError, "batch_size must be between 1"),
    (11, ValueError, "got 11"),
    (2.0, TypeError, "batch_size must be a whole number"),
    (True, TypeError, "batch_size must be a whole number"),
])
def test_bad_batch_size(batch_size, error, words):
    X, y = make_linear_data(n=10)
    with pytest.raises(error, match=words):
        MiniBatches(10, batch_size)
    with pytest.raises(error, match=words):
        fit(GradientDescent(0.1), X, y, batch_size=batch_size)


def test_bad_iterator_options():
    with pytest.raises(ValueError, match=r"last_batch must be one of \['keep', 'drop'\]"):
        MiniBatches(10, 3, last_batch="pad")
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        MiniBatches(10, 3, shuffle="yes")
    X, y = make_linear_data(n=10)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        list(minibatches(X, y, 3, epochs=0))


# --------------------------------------------------------------------------- stopping rules

def test_loss_change_rule():
    rule = LossChange(tol=1e-3)
    assert not rule([1.0])
    assert not rule([1.0, 0.9])
    assert rule([1.0, 0.9, 0.9005])


def test_patience_rule():
    rule = Patience(patience=3, min_delta=0.01)
    assert not rule([5.0, 4.0, 3.0])
    assert not rule([5.0, 4.0, 3.0, 3.5, 3.2, 2.5])        # improved in the last 3
    assert rule([5.0, 4.0, 3.0, 3.5, 3.2, 2.995])          # best of the last 3 is not 0.01 below 3.0
    assert not rule([5.0, 4.0, 3.0, 3.5, 3.2, 2.98])


def test_smoothed_rule_ignores_one_lucky_pair():
    rule = SmoothedLossChange(tol=1e-3, beta=0.5)
    np.testing.assert_allclose(rule.smooth([4.0, 2.0, 2.0]), [4.0, 3.0, 2.5])
    losses = [4.0, 2.0, 1.0, 1.0]                          # the raw loss did not change in the last epoch
    assert LossChange(1e-3)(losses)
    assert not rule(losses)                                # the average still moves by 0.375
    assert rule([1.0, 1.0005])


@pytest.mark.parametrize("make, error, words", [
    (lambda: LossChange(0), ValueError, "tol must be > 0"), (lambda: LossChange(-1), ValueError, "tol must be > 0"),
    (lambda: Patience(0), ValueError, "patience must be >= 1"),
    (lambda: Patience(2.5), TypeError, "patience must be a whole number"),
    (lambda: Patience(3, min_delta=-1), ValueError, "min_delta must be >= 0"),
    (lambda: SmoothedLossChange(beta=1.0), ValueError, r"beta must be in \[0, 1\)"),
])
def test_bad_stopping_rules(make, error, words):
    with pytest.raises(error, match=words):
        make()


# --------------------------------------------------------------------------- fit

def test_full_batch_gradient_descent_matches_a_hand_loop():
    X, y = make_linear_data(n=40, seed=3)
    theta = np.zeros(2)
    losses = []
    for _ in range(25):
        r = X @ theta - y
        losses.append(0.5 * np.mean(r ** 2))
        theta = theta - 0.3 * X.T @ r / 40
    result = fit(GradientDescent(0.3), X, y, epochs=25)
    np.testing.assert_allclose(result.theta, theta, rtol=1e-12)
    np.testing.assert_allclose(result.batch_losses, losses, rtol=1e-12)
    np.testing.assert_allclose(result.epoch_losses, losses, rtol=1e-12)
    assert result.status == "max_steps" and result.steps == 25 and result.epochs == 25
    assert result.thetas.shape == (26, 2)


def test_full_batch_rmsprop_with_eps_inside_the_root_matches_a_hand_loop():
    # RMSProp with eps inside the root, full batch: s = rho s + (1 - rho) g^2; theta -= eta g / sqrt(s + eps).
    X, y = make_linear_data(seed=0)
    theta, s = np.zeros(2), np.zeros(2)
    for _ in range(200):
        g = X.T @ (X @ theta - y) / 100
        s = 0.9 * s + 0.1 * g * g
        theta = theta - 0.1 * g / np.sqrt(s + 1e-5)
    result = fit(RMSProp(0.1, rho=0.9, eps=1e-5, eps_inside_sqrt=True), X, y, epochs=200)
    np.testing.assert_allclose(result.theta, theta, rtol=1e-12)


def test_minibatch_fit_matches_a_hand_loop_with_the_same_shuffles():
    X, y = make_linear_data(n=50, seed=6)
    theta = np.zeros(2)
    rng = np.random.default_rng(9)
    for _ in range(4):
        order = rng.permutation(50)
        for start in range(0, 48, 16):                    # 50 // 16 = 3 batches, 2 points dropped
            idx = order[start:start + 16]
            theta = theta - 0.05 * X[idx].T @ (X[idx] @ theta - y[idx]) / 50
    result = fit(GradientDescent(0.05), X, y, epochs=4, batch_size=16, seed=9, last_batch="drop",
                 gradient_scale="data")
    np.testing.assert_allclose(result.theta, theta, rtol=1e-12)
    assert result.steps == 12 and list(result.epoch_ends) == [3, 6, 9, 12]


def test_epoch_loss_is_the_mean_of_the_batch_losses():
    X, y = make_linear_data(seed=1)
    result = fit(RMSProp(0.05), X, y, epochs=6, batch_size=32, seed=2)
    per_epoch = result.batch_losses.reshape(6, 4).mean(axis=1)
    np.testing.assert_allclose(result.epoch_losses, per_epoch, rtol=1e-14)
    ends = result.thetas[result.epoch_ends]
    np.testing.assert_allclose(result.data_losses, [mse_loss(t, X, y) for t in ends], rtol=1e-14)
    assert result.start_loss == pytest.approx(mse_loss(np.zeros(2), X, y))


@pytest.mark.parametrize("optimizer", [GradientDescent(0.3), Momentum(0.1), RMSProp(0.01), Adam(0.05)])
def test_every_optimizer_reaches_least_squares(optimizer):
    X, y = make_linear_data(seed=0)
    result = fit(optimizer, X, y, epochs=3000)
    np.testing.assert_allclose(result.theta, least_squares(X, y), atol=0.03)
    assert result.optimizer == optimizer.name and result.label == optimizer.name


def test_fit_is_deterministic_per_seed():
    X, y = make_linear_data(seed=0)
    opt = RMSProp(0.1, eps=1e-5, eps_inside_sqrt=True)
    a = fit(opt, X, y, epochs=20, batch_size=32, seed=5)
    b = fit(opt, X, y, epochs=20, batch_size=32, seed=5)
    c = fit(opt, X, y, epochs=20, batch_size=32, seed=6)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    assert not np.array_equal(a.thetas, c.thetas)


def test_rmsprop_hardly_notices_the_gradient_scale_but_gradient_descent_does():
    X, y = make_linear_data(seed=0)
    rms = RMSProp(0.1, rho=0.9, eps=1e-5, eps_inside_sqrt=True)
    # With equal batches (the remainder dropped) the two scales differ by one constant factor 32 / 100,
    # which RMSProp divides out (up to epsilon).
    a = fit(rms, X, y, epochs=30, batch_size=32, seed=1, last_batch="drop", gradient_scale="batch")
    b = fit(rms, X, y, epochs=30, batch_size=32, seed=1, last_batch="drop", gradient_scale="data")
    assert np.max(np.abs(a.thetas - b.thetas)) < 1e-3
    gd = GradientDescent(0.1)
    c = fit(gd, X, y, epochs=30, batch_size=32, seed=1, last_batch="drop", gradient_scale="batch")
    d = fit(gd, X, y, epochs=30, batch_size=32, seed=1, last_batch="drop", gradient_scale="data")
    # the first step differs exactly by the factor 32 / 100
    np.testing.assert_allclose(d.thetas[1], c.thetas[1] * 32 / 100, rtol=1e-12)
    assert np.max(np.abs(c.thetas - d.thetas)) > 0.5


def test_a_smaller_last_batch_breaks_the_cancellation():
    # Kept, the 4-point batch is scaled by 4 / 100 instead of 32 / 100: no longer one common factor.
    X, y = make_linear_data(seed=0)
    rms = RMSProp(0.1, rho=0.9, eps=1e-5, eps_inside_sqrt=True)
    a = fit(rms, X, y, epochs=30, batch_size=32, seed=1, last_batch="keep", gradient_scale="batch")
    b = fit(rms, X, y, epochs=30, batch_size=32, seed=1, last_batch="keep", gradient_scale="data")
    np.testing.assert_allclose(a.thetas[:4], b.thetas[:4], atol=1e-4)   # the first three full batches agree
    assert np.max(np.abs(a.thetas[4] - b.thetas[4])) > 1e-2            # the 4-point batch does not


def test_stopping_rule_ends_the_fit_as_stopped():
    X, y = make_linear_data(seed=0)
    opt = RMSProp(0.1, eps=1e-5, eps_inside_sqrt=True)
    result = fit(opt, X, y, epochs=1000, batch_size=32, seed=1, stop=LossChange(1e-3))
    assert result.status == "stopped" and result.epochs < 1000
    last = result.epoch_losses
    assert abs(last[-1] - last[-2]) < 1e-3
    assert all(abs(a - b) >= 1e-3 for a, b in zip(last[:-2], last[1:-1]))
    assert result.steps == 4 * result.epochs


def test_divergence_is_reported_without_warnings():
    X, y = make_linear_data(seed=0, x_range=(0, 1000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit(GradientDescent(1e-5), X, y, epochs=500)
    assert result.status == "diverged"
    assert result.epochs < 500
    assert np.all(np.isfinite(result.thetas)) and np.all(np.abs(result.thetas) <= DIVERGENCE_LIMIT)
    assert np.all(np.isfinite(result.batch_losses))


def test_huge_learning_rate_diverges_on_the_first_steps_without_warnings():
    X, y = make_linear_data(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit(GradientDescent(1e9), X, y, epochs=50, batch_size=10)
    assert result.status == "diverged" and result.steps < 5


def test_start_point_and_repr():
    X, y = make_linear_data(seed=0)
    result = fit(GradientDescent(0.1), X, y, epochs=2, theta0=[4.0, 3.0], label="GD from the answer")
    np.testing.assert_array_equal(result.thetas[0], [4.0, 3.0])
    assert isinstance(result, FitResult)
    assert "GD from the answer" in repr(result) and "max_steps" in repr(result)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"epochs": 0}, ValueError, "epochs must be >= 1"),
    ({"epochs": -5}, ValueError, "epochs must be >= 1"),
    ({"epochs": 10.5}, TypeError, "epochs must be a whole number"),
    ({"epochs": None}, TypeError, "epochs must be a whole number"),
    ({"theta0": [1.0, 2.0, 3.0]}, ValueError, r"theta0 must have shape \(2,\)"),
    ({"theta0": [np.inf, 0.0]}, ValueError, "finite"),
    ({"gradient_scale": "m"}, ValueError, r"gradient_scale must be one of \['batch', 'data'\]"),
    ({"batch_size": 10, "last_batch": "pad"}, ValueError, "last_batch must be one of"),
    ({"stop": 1e-3}, TypeError, "stop must be None or a stopping rule"),
    ({"batch_size": 10, "seed": -1}, ValueError, "seed must be >= 0"),
])
def test_bad_fit_options(kwargs, error, words):
    X, y = make_linear_data(n=20)
    with pytest.raises(error, match=words):
        fit(GradientDescent(0.1), X, y, **kwargs)


def test_fit_needs_an_optimizer():
    X, y = make_linear_data(n=20)
    with pytest.raises(TypeError, match="optimizer must be an optimizer"):
        fit(0.1, X, y)


# --------------------------------------------------------------------------- bad input and overflow


@pytest.mark.parametrize("optimizer", [RMSProp(0.1), Adam(0.1), GradientDescent(0.1)], ids=repr)
def test_data_around_1e200_is_reported_not_silently_stuck(optimizer):
    # before, RMSProp's s overflowed to inf, every update was 0 and the fit ended "max_steps" at theta0
    X, y = make_linear_data(n=20, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit(optimizer, X * 1e200, y, epochs=10)
    assert result.status == "diverged" and result.steps == 0


def test_losses_that_overflow_are_refused():
    X, y = small_problem()
    with pytest.raises(ValueError, match="theta must be small enough for the loss to be finite in float64"):
        mse_loss(np.array([1e200, 1e200]), X, y)


@pytest.mark.parametrize("epochs", [10**12, 10**400])
def test_too_many_epochs_are_refused_at_once(epochs):
    X, y = make_linear_data(n=20)
    with pytest.raises(ValueError, match="epochs must be <= 10,000,000"):
        fit(GradientDescent(0.1), X, y, epochs=epochs)


def test_epochs_times_batches_are_bounded():
    X, y = make_linear_data(n=20)
    with pytest.raises(ValueError, match="epochs must be at most 500,000 here: 10,000,000 epochs of 20 batches"):
        fit(GradientDescent(0.1), X, y, epochs=10_000_000, batch_size=1)


def test_errors_about_the_start_name_theta0():
    X, y = make_linear_data(n=20)
    for theta0 in ([1.0], "ab", [np.nan, 1.0], [1 + 2j, 0.0]):
        with pytest.raises((TypeError, ValueError), match="theta0"):
            fit(GradientDescent(0.1), X, y, theta0=theta0)


def test_a_stopping_rule_must_answer_true_or_false():
    X, y = make_linear_data(n=20)
    with pytest.raises(TypeError, match="stop must return True or False"):
        fit(GradientDescent(0.1), X, y, stop=lambda losses: "yes")


def test_minibatches_checks_its_arguments_at_the_call():
    X, y = make_linear_data(n=10)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        minibatches(X, y, 3, epochs=0)  # no list(): refused before the first batch
    with pytest.raises(ValueError, match="batch_size must be between 1"):
        minibatches(X, y, 11)


def test_effective_lrs_have_one_column_per_parameter_for_every_rule():
    X, y = make_linear_data(n=20)
    gd = fit(GradientDescent(0.05), X, y, epochs=4)
    np.testing.assert_array_equal(gd.effective_lrs, np.full((4, 2), 0.05))
    momentum = fit(Momentum(0.01, momentum=0.75), X, y, epochs=3)
    np.testing.assert_allclose(momentum.effective_lrs, np.full((3, 2), 0.04), rtol=1e-15)  # lr / (1 - mu)


def test_data_that_overflow_are_refused():
    with pytest.raises(ValueError, match="intercept, slope and noise must be far below 1e308"):
        make_linear_data(slope=1e308)
    with pytest.raises(ValueError, match="x_range must span less than"):
        make_linear_data(x_range=(-1e308, 1e308))


@pytest.mark.parametrize("losses", [[np.nan, 1.0], ["1", "2"], [[1.0, 2.0]], None])
def test_stopping_rules_check_the_losses(losses):
    for rule in (LossChange(), Patience(1), SmoothedLossChange()):
        with pytest.raises((TypeError, ValueError), match="losses"):
            rule(losses)


def test_effective_lrs_are_those_of_the_rule_on_the_batch_gradients():
    # RMSProp full batch: after update k, s_k = rho s_{k-1} + (1 - rho) g_k^2 and the rate is lr / (sqrt(s_k) + eps)
    X, y = make_linear_data(n=30, seed=4)
    result = fit(RMSProp(0.05, rho=0.8, eps=1e-6), X, y, epochs=15)
    assert isinstance(result, History) and result.grads.shape == (15, 2)
    theta, s = np.zeros(2), np.zeros(2)
    for k in range(15):
        g = X.T @ (X @ theta - y) / 30
        np.testing.assert_allclose(result.grads[k], g, rtol=1e-13)
        s = 0.8 * s + 0.2 * g * g
        np.testing.assert_allclose(result.effective_lrs[k], 0.05 / (np.sqrt(s) + 1e-6), rtol=1e-12)
        theta = theta - 0.05 * g / (np.sqrt(s) + 1e-6)
    np.testing.assert_allclose(result.theta, theta, rtol=1e-12)
