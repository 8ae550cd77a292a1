"""Unit tests for rmsprop_lib.run (minimize, follow, Trace) and the loop they share (rmsprop_lib.loop)."""
import time
import tracemalloc
import warnings

import numpy as np
import pytest

from rmsprop_lib.objectives import Objective, bowl, elongated_bowl, quadratic, rosenbrock, saddle, with_noise
from rmsprop_lib.data import make_linear_data, make_moons
from rmsprop_lib.mlp import MLP
from rmsprop_lib.optimizers import AdaGrad, Adam, AdamW, GradientDescent, GradientDescentState, Momentum, RMSProp
from rmsprop_lib.regression import fit
from rmsprop_lib.run import DIVERGENCE_LIMIT, MAX_STEPS, History, Trace, follow, minimize
from rmsprop_lib.schedules import cosine_decay, linear_warmup, warmup_cosine
from rmsprop_lib.training import train, train_seeds


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


# --------------------------------------------------------------------------- eps = 0, divergence tests


def test_eps_zero_on_the_saddle_from_y_zero_does_not_break(no_warnings):
    # y = 0 exactly: its gradient is 0 at every step, so with eps = 0 the rule meets 0 / 0, a zero step
    for opt in (AdaGrad(0.1, eps=0.0), RMSProp(0.1, eps=0.0), Adam(0.1, eps=0.0)):
        trace = minimize(saddle, opt, x0=[1.5, 0.0], steps=50)
        assert trace.status == "max_steps" and trace.steps == 50
        assert np.all(trace.xs[:, 1] == 0.0) and abs(trace.x[0]) < 1.5
        assert np.all(np.isfinite(trace.effective_lrs))


def gradient_objective(gradient, name="custom"):
    return Objective(name=name, f=lambda x: np.sum(x**2, axis=0), gradient=gradient)


@pytest.mark.parametrize("opt", [AdaGrad(0.1), RMSProp(0.1), Adam(0.1)], ids=repr)
def test_a_gradient_too_large_to_square_is_reported_as_diverged(opt, no_warnings):
    # before, s overflowed to inf and every update was 0: the run went on without moving
    huge = gradient_objective(lambda x: 1e200 * np.sign(x) + 0.0 * x)
    trace = minimize(huge, opt, x0=[1.0, 1.0], steps=20)
    assert trace.status == "diverged" and trace.steps == 0


def test_a_non_finite_gradient_is_reported_as_diverged(no_warnings):
    nan_far_out = gradient_objective(lambda x: np.where(np.abs(x) > 2.5, np.nan, 2 * x))
    trace = minimize(nan_far_out, GradientDescent(1.2), x0=[1.0, 1.0], steps=20)
    # x <- (1 - 2.4) x = -1.4 x: |x| = 1.4, 1.96, 2.74; the gradient at 2.74 is NaN
    assert trace.status == "diverged" and trace.steps == 3
    np.testing.assert_allclose(trace.x, [-1.4**3, -1.4**3])


# --------------------------------------------------------------------------- what the run keeps


def test_a_gradient_that_writes_into_x_gets_a_clear_error():
    def writes(x):
        x[0] = 0.0
        return 2 * x
    with pytest.raises(ValueError, match="the functions of objective 'custom' must not change their input x"):
        minimize(gradient_objective(writes), GradientDescent(0.1), x0=[1.0, 1.0], steps=5)


def test_the_trace_keeps_copies_of_what_the_objective_returns():
    buffer = np.zeros(2)

    def reuses_its_buffer(x):
        buffer[:] = 2 * x
        return buffer
    trace = minimize(gradient_objective(reuses_its_buffer), GradientDescent(0.25), x0=[4.0, 2.0], steps=3)
    # x halves each step: the gradients 2x are [8, 4], [4, 2], [2, 1], all different rows
    np.testing.assert_array_equal(trace.grads, [[8.0, 4.0], [4.0, 2.0], [2.0, 1.0]])
    np.testing.assert_array_equal(trace.xs[0], [4.0, 2.0])


@pytest.mark.parametrize("gradient, words", [
    (lambda x: None, "must be an array of numbers"), (lambda x: "1, 2", "must be an array of numbers"),
    (lambda x: 1j * x, "must hold real numbers"), (lambda x: np.ones(3), r"must have shape \(2,\)"),
])
def test_a_gradient_of_the_wrong_kind_gets_a_clear_error(gradient, words):
    with pytest.raises((TypeError, ValueError), match=f"the gradient of objective 'custom' {words}"):
        minimize(gradient_objective(gradient), GradientDescent(0.1), x0=[1.0, 1.0], steps=3)


@pytest.mark.parametrize("f", [lambda x: "1.5", lambda x: x, lambda x: None, lambda x: 1j])
def test_a_function_that_does_not_return_one_number_gets_a_clear_error(f):
    with pytest.raises(TypeError, match="the function of objective 'custom' must return one real number"):
        minimize(Objective(name="custom", f=f, gradient=lambda x: 2 * x), GradientDescent(0.1), x0=[1.0, 1.0])


def test_states_and_effective_lrs_are_those_of_the_run():
    opt = Adam(0.05, beta1=0.8, beta2=0.9)
    trace = minimize(rosenbrock, opt, steps=30)
    state, states = opt.init(trace.xs[0]), []
    for k in range(trace.steps):
        update, state = opt.update(trace.grads[k], state)
        np.testing.assert_array_equal(update, trace.updates[k])
        states.append(state)
        np.testing.assert_array_equal(trace.effective_lrs[k], opt.effective_lr(state))
    np.testing.assert_array_equal(trace.states.m, [s.m for s in states])
    np.testing.assert_array_equal(trace.states.v, [s.v for s in states])
    np.testing.assert_array_equal(trace.states.t, np.arange(1, 31))
    assert trace.states.v_max is None  # Adam without amsgrad keeps no maximum
    gd = minimize(bowl, GradientDescent(0.1), steps=3)
    assert gd.states.shape == (2,) and type(gd.states) is GradientDescentState
    np.testing.assert_array_equal(gd.states.t, [1, 2, 3])


@pytest.mark.parametrize("opt", [AdamW(0.05, weight_decay=0.5), Adam(0.05, weight_decay=0.5, amsgrad=True),
                                 RMSProp(cosine_decay(0.05, 20)), Adam(warmup_cosine(0.05, 5, 30)),
                                 AdamW(linear_warmup(0.05, 10), weight_decay=0.1)], ids=repr)
def test_states_replayed_with_weight_decay_and_schedules_are_those_of_the_run(opt):
    # the replay gives each update the point it started from (weight decay reads it) and the count
    # (a schedule reads it), so the states and effective learning rates are exactly those of the run
    trace = minimize(rosenbrock, opt, steps=30)
    state, states = opt.init(trace.xs[0]), []
    for k in range(trace.steps):
        update, state = opt.update(trace.grads[k], state, trace.xs[k])
        np.testing.assert_array_equal(update, trace.updates[k])
        states.append(state)
        np.testing.assert_array_equal(trace.effective_lrs[k], opt.effective_lr(state))
    for name in ("m", "v", "s"):
        if name in opt.State._fields:
            np.testing.assert_array_equal(getattr(trace.states, name), [getattr(s, name) for s in states])
    X, y = make_linear_data(n=40, seed=0)
    fitted = fit(opt, X, y, epochs=3, batch_size=10, seed=0)
    state = opt.init(fitted.thetas[0])
    for k in range(fitted.steps):
        _, state = opt.update(fitted.grads[k], state, fitted.thetas[k])
        np.testing.assert_array_equal(fitted.effective_lrs[k], opt.effective_lr(state))


def test_the_history_costs_at_most_four_times_its_arrays():
    # The package's budget for a run's history (benchmarks/bench_steps.py part 2 measures it at scale).
    steps = 20_000
    tracemalloc.start()
    try:
        trace = minimize(rosenbrock, RMSProp(1e-4, momentum=0.5, centered=True), steps=steps)
        lrs = trace.effective_lrs
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert trace.status == "max_steps"
    arrays = sum(a.nbytes for a in (trace.xs, trace.fs, trace.grads, trace.updates, lrs))
    assert arrays >= steps * 9 * 8
    assert peak <= 4 * arrays, f"peak {peak / 1e6:.1f} MB for {arrays / 1e6:.1f} MB of arrays"


@pytest.mark.parametrize("steps", [MAX_STEPS + 1, 10**12, 10**400])
def test_too_many_steps_are_refused_at_once(steps):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"steps must be <= {MAX_STEPS:,}"):
        minimize(bowl, GradientDescent(0.1), steps=steps)
    assert time.perf_counter() - start < 1.0


def test_a_history_too_large_for_memory_is_refused():
    big = quadratic(np.ones(100_000))
    with pytest.raises(ValueError, match="steps must be smaller: keeping the history of 10,000 updates"):
        minimize(big, GradientDescent(0.1), steps=10_000)


@pytest.mark.parametrize("label", [{}, [1], True, object()])
def test_bad_labels(label):
    with pytest.raises(TypeError, match="label must be a string"):
        minimize(bowl, GradientDescent(0.1), steps=2, label=label)


# --------------------------------------------------------------------------- follow


@pytest.mark.parametrize("opt", [GradientDescent(0.1), Momentum(0.1, momentum=0.5), AdaGrad(0.1), RMSProp(0.1),
                                 Adam(0.1, beta1=0.8)], ids=lambda o: o.name)
def test_follow_matches_feeding_the_gradients_by_hand(opt):
    grads = np.random.default_rng(0).standard_normal((12, 3))
    x0 = np.array([1.0, -2.0, 0.5])
    trace = follow(opt, grads, x0=x0)
    assert isinstance(trace, Trace) and isinstance(trace, History)
    assert trace.status == "max_steps" and trace.steps == 12 and trace.fs is None and trace.objective is None
    x, state = x0, opt.init(x0)
    np.testing.assert_array_equal(trace.xs[0], x0)
    for k, g in enumerate(grads):
        update, state = opt.update(g, state)
        x = x - update
        np.testing.assert_array_equal(trace.updates[k], update)
        np.testing.assert_array_equal(trace.xs[k + 1], x)
        np.testing.assert_array_equal(trace.effective_lrs[k], opt.effective_lr(state))
    np.testing.assert_array_equal(trace.grads, grads)
    assert trace.label == opt.name and "Trace(" in repr(trace)


def test_follow_on_one_coordinate_takes_a_list_of_numbers():
    # Adam with a constant gradient 1 and bias correction: every update is lr * 1 / (1 + eps) (m_hat = v_hat = 1)
    trace = follow(Adam(lr=0.1), [1.0] * 5)
    assert trace.xs.shape == (6, 1) and trace.updates.shape == trace.effective_lrs.shape == (5, 1)
    np.testing.assert_allclose(trace.updates[:, 0], 0.1 / (1 + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(trace.xs[:, 0], -0.1 / (1 + 1e-8) * np.arange(6), rtol=1e-12)
    np.testing.assert_allclose(trace.states.m[:, 0], 1 - 0.9 ** np.arange(1, 6), rtol=1e-14)  # the raw first moment
    np.testing.assert_array_equal(trace.states.t, np.arange(1, 6))


def test_follow_reports_divergence_like_minimize(no_warnings):
    # lr 1e9 and gradients 1, 2, 4, ...: x = -1e9 (1 + 2 + ... ) passes 1e10 at the fourth update (-1.5e10)
    trace = follow(GradientDescent(1e9), 2.0 ** np.arange(10))
    assert trace.status == "diverged" and trace.steps == 3
    np.testing.assert_array_equal(trace.xs[:, 0], [0.0, -1e9, -3e9, -7e9])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"grads": [1.0, np.nan]}, ValueError, "grads must contain only finite numbers"),
    ({"grads": "ab"}, TypeError, "grads must be an array of numbers"),
    ({"grads": [[1.0, 2.0]], "x0": [0.0]}, ValueError, r"x0 must have shape \(2,\)"),
    ({"grads": [1.0], "label": {}}, TypeError, "label must be a string"),
    ({"grads": [1.0], "optimizer": "adam"}, TypeError, "optimizer must be an optimizer"),
])
def test_follow_bad_input(kwargs, error, words):
    kwargs = {"optimizer": Adam(0.1), **kwargs}
    with pytest.raises(error, match=words):
        follow(**kwargs)


# --------------------------------------------------------------------------- what the history costs


def test_states_are_read_into_arrays_of_their_size():
    # Before, the stacked states were built from a list of one small array per step: about 9 times their size
    steps = 20_000
    trace = minimize(rosenbrock, Adam(1e-4), steps=steps)
    tracemalloc.start()
    try:
        states = trace.states
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    stacked = states.m.nbytes + states.v.nbytes + states.t.nbytes
    assert stacked == steps * (2 * 2 * 8 + 8)
    assert peak <= 1.25 * stacked, f"peak {peak / 1e6:.2f} MB for {stacked / 1e6:.2f} MB of states"


def test_a_run_keeps_three_arrays_of_its_size_and_its_values():
    trace = minimize(quadratic(np.ones(5)), RMSProp(1e-3), steps=100)
    kept = trace.xs.nbytes + trace.fs.nbytes + trace.grads.nbytes + trace.updates.nbytes
    assert kept == (101 * 5 + 101 + 2 * 100 * 5) * 8


def test_every_loop_gives_the_rule_the_point_it_updates():
    # AdamW's update reads x (the decay lr * wd * x): minimize, follow, fit and the network training
    # all pass it, and each equals the same updates taken by hand with opt.update(g, state, x)
    opt = AdamW(0.05, weight_decay=0.5)
    for trace in (minimize(rosenbrock, opt, steps=20), follow(opt, np.tile([1.0, -2.0], (20, 1)), x0=[3.0, 1.0])):
        state = opt.init(trace.xs[0])
        for k in range(trace.steps):
            update, state = opt.update(trace.grads[k], state, trace.xs[k])
            np.testing.assert_array_equal(trace.xs[k + 1], trace.xs[k] - update)
    X, y = make_linear_data(n=30, seed=1)
    fitted = fit(opt, X, y, epochs=2, batch_size=10)
    state = opt.init(fitted.thetas[0])
    for k in range(fitted.steps):
        update, state = opt.update(fitted.grads[k], state, fitted.thetas[k])
        np.testing.assert_array_equal(fitted.thetas[k + 1], fitted.thetas[k] - update)
    Xm, ym = make_moons(40, seed=0)
    net = MLP()
    one = train(net, opt, Xm, ym, steps=15)
    (stacked,) = train_seeds(net, opt, Xm, ym, seeds=(0,), steps=15)
    np.testing.assert_array_equal(one.params, stacked.params)
    without_decay = train(net, AdamW(0.05, weight_decay=0.0), Xm, ym, steps=15)
    assert not np.array_equal(one.params, without_decay.params)  # the decay did reach the network
