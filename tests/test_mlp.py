"""The small network of notebook 07: loss, backpropagation, training (rmsprop_lib.training) and input checks."""
import itertools
import math
import time
import warnings

import numpy as np
import pytest

from rmsprop_lib import mlp
from rmsprop_lib.data import make_moons, make_spirals, train_test_split
from rmsprop_lib.mlp import MLP, gradient_check
from rmsprop_lib.training import train, train_seeds
from rmsprop_lib.optimizers import AdaGrad, Adam, GradientDescent, Momentum, RMSProp


@pytest.fixture(scope="module")
def moons():
    return make_moons(120, noise=0.2, seed=3)


# --------------------------------------------------------------------------- layout and loss


def test_parameter_vector_layout():
    net = MLP(hidden=(3, 4), n_inputs=2, n_classes=3)
    assert net.n_params == (2 * 3 + 3) + (3 * 4 + 4) + (4 * 3 + 3)
    params = np.arange(net.n_params, dtype=float)
    (W1, b1), (W2, b2), (W3, b3) = net.layers(params)
    assert W1.shape == (3, 2) and b1.shape == (3,)
    assert W2.shape == (4, 3) and b2.shape == (4,)
    assert W3.shape == (3, 4) and b3.shape == (3,)
    # consecutive blocks: W1 row by row, then b1, then W2, ...
    np.testing.assert_array_equal(W1.ravel(), np.arange(6))
    np.testing.assert_array_equal(b1, [6, 7, 8])
    assert W2[0, 0] == 9
    W3[1, 2] = -1.0  # a view: writing into it changes the vector
    assert params[9 + 12 + 4 + 1 * 4 + 2] == -1.0
    np.testing.assert_array_equal(net.flatten(net.layers(params)), params)


@pytest.mark.parametrize("activation, gain", [("tanh", 1.0), ("sigmoid", 1.0), ("relu", math.sqrt(2.0))])
def test_init_scales_each_layer_by_its_fan_in(activation, gain):
    # Layers of very different widths, so that fan_in (W.shape[1]) and fan_out (W.shape[0]) give
    # standard deviations at least a factor 2 apart. Expected: std = gain / sqrt(n_in), biases zero.
    net = MLP(hidden=(400, 100), n_inputs=1600, n_classes=25, activation=activation)
    params = net.init(seed=3)
    for (W, b), n_in in zip(net.layers(params), (1600, 400, 100)):
        assert W.shape[1] == n_in
        # over N draws the sample std is within about 1/sqrt(2N) of the truth: 6 such errors at most
        tolerance = 6 / math.sqrt(2 * W.size)
        assert np.std(W) == pytest.approx(gain / math.sqrt(n_in), rel=tolerance)
        assert abs(np.mean(W)) < 6 * gain / math.sqrt(n_in * W.size)
        np.testing.assert_array_equal(b, 0.0)


def test_init_keeps_the_first_pre_activations_at_unit_scale():
    # What fan-in scaling is for: with inputs of variance 1, each unit's z = W x has variance
    # n_in * Var(w) = gain^2 whatever the number of inputs (LeCun; He et al. 2015 for relu).
    rng = np.random.default_rng(0)
    for n_inputs in (2, 50, 800):
        X = rng.standard_normal((4000, n_inputs))
        for activation, gain in (("tanh", 1.0), ("relu", math.sqrt(2.0))):
            net = MLP(hidden=(300,), n_inputs=n_inputs, activation=activation)
            W1, _ = net.layers(net.init(seed=n_inputs))[0]
            Z = X @ W1.T
            assert np.var(Z) == pytest.approx(gain**2, rel=0.25), (n_inputs, activation, np.var(Z))


def test_zero_weights_give_log_k_loss():
    X, y = make_spirals(30, n_classes=3, seed=0)
    net = MLP(hidden=(5,), n_classes=3)
    assert net.loss(np.zeros(net.n_params), X, y) == pytest.approx(math.log(3), abs=1e-15)


def test_logistic_regression_by_hand():
    # No hidden layer: p(class) = softmax(W x + b). Two samples, computed with plain floats.
    net = MLP(hidden=(), n_inputs=2, n_classes=2)
    W = [[0.5, -1.0], [-0.25, 2.0]]
    b = [0.1, -0.2]
    params = net.flatten([(W, b)])
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    y = np.array([1, 0])
    total = 0.0
    dW = [[0.0, 0.0], [0.0, 0.0]]
    db = [0.0, 0.0]
    for x, label in zip(X.tolist(), y.tolist()):
        z = [W[k][0] * x[0] + W[k][1] * x[1] + b[k] for k in range(2)]
        e = [math.exp(v) for v in z]
        p = [v / sum(e) for v in e]
        total -= math.log(p[label])
        for k in range(2):
            d = (p[k] - (1.0 if k == label else 0.0)) / 2
            db[k] += d
            dW[k][0] += d * x[0]
            dW[k][1] += d * x[1]
    loss, grad = net.loss_and_grad(params, X, y)
    assert loss == pytest.approx(total / 2, rel=1e-14)
    np.testing.assert_allclose(grad, net.flatten([(dW, db)]), rtol=1e-13, atol=1e-16)
    # scores: sample 1 (-1.4, 3.55) -> class 1, right; sample 2 (-0.9, 1.05) -> class 1, wrong
    np.testing.assert_array_equal(net.predict(params, X), [1, 1])
    assert net.accuracy(params, X, y) == pytest.approx(0.5)


def test_probabilities_sum_to_one_and_grid_has_the_right_shape(moons):
    X, _ = moons
    net = MLP(hidden=(6,), activation="relu")
    params = net.init(0)
    P = net.forward(params, X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    XX, YY, G = net.predict_grid(params, bounds=((-1, 2), (-1, 1)), n=7)
    assert XX.shape == YY.shape == (7, 7) and G.shape == (7, 7, 2)
    np.testing.assert_allclose(G[3, 4], net.forward(params, [[XX[3, 4], YY[3, 4]]])[0], rtol=1e-14)


def test_extreme_weights_give_finite_loss_without_warnings(moons):
    X, y = moons
    net = MLP(hidden=(4,))
    params = 1e6 * net.init(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = net.loss_and_grad(params, X, y)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))


# --------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("hidden, activation, n_classes", [
    ((8,), "tanh", 2), ((6, 5), "tanh", 3), ((7,), "sigmoid", 2), ((4, 4, 3), "sigmoid", 3), ((), "tanh", 4),
])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_check_passes(hidden, activation, n_classes, seed):
    X, y = make_spirals(60, n_classes=n_classes, seed=seed)
    net = MLP(hidden=hidden, n_classes=n_classes, activation=activation)
    assert gradient_check(net, net.init(seed), X, y) < 1e-6


def test_relu_gradient_matches_finite_differences_away_from_kinks(moons):
    X, y = moons
    net = MLP(hidden=(8,), activation="relu")
    params = net.init(5)
    params[net.n_params - 2:] = 0.3  # nonzero output biases; hidden biases random below
    W1, b1 = net.layers(params)[0]
    b1[:] = np.random.default_rng(0).uniform(-0.5, 0.5, b1.shape)
    Z = X @ W1.T + b1
    assert np.abs(Z).min() > 1e-4  # no pre-activation within 10 h of a kink
    assert gradient_check(net, params, X, y) < 1e-6


def test_independent_finite_difference(moons):
    # Not via gradient_check: a forward difference with a larger step on a few coordinates.
    X, y = moons
    net = MLP(hidden=(5,), activation="tanh")
    params = net.init(2)
    grad = net.grad(params, X, y)
    for i in (0, 7, net.n_params - 1):
        e = np.zeros_like(params)
        e[i] = 1e-7
        numeric = (net.loss(params + e, X, y) - net.loss(params, X, y)) / 1e-7
        assert numeric == pytest.approx(grad[i], rel=1e-4, abs=1e-8)


def test_gradient_check_catches_a_wrong_backward_pass(moons, monkeypatch):
    X, y = moons
    net = MLP(hidden=(6,), activation="tanh")
    params = net.init(0)
    assert gradient_check(net, params, X, y) < 1e-6
    monkeypatch.setattr(mlp, "_activation_slope", lambda name, Z, A: 1.0 - A)  # forgot to square
    assert gradient_check(net, params, X, y) > 1e-3


# --------------------------------------------------------------------------- training


@pytest.mark.parametrize("optimizer", [GradientDescent(lr=1.0), Momentum(lr=0.1), AdaGrad(lr=0.1),
                                       RMSProp(lr=0.01), Adam(lr=0.03)], ids=lambda o: o.name)
def test_training_reduces_the_loss(moons, optimizer):
    X, y = moons
    net = MLP(hidden=(8,))
    start = net.init(0)
    kept = start.copy()
    result = train(net, optimizer, X, y, params=start, steps=150)
    np.testing.assert_array_equal(start, kept)  # the start point is not modified
    assert result.status == "max_steps" and result.steps == 150 and len(result.losses) == 151
    assert result.losses[0] == pytest.approx(net.loss(start, X, y), rel=1e-14)
    assert result.loss == pytest.approx(net.loss(result.params, X, y), rel=1e-14)
    assert result.loss < 0.6 * result.losses[0]
    assert result.accuracy == pytest.approx(net.accuracy(result.params, X, y))
    assert result.accuracy > 0.8


def test_training_is_deterministic(moons):
    X, y = moons
    net = MLP(hidden=(6,))
    a = train(net, Adam(lr=0.01), X, y, steps=40, seed=3, batch_size=16)
    b = train(net, Adam(lr=0.01), X, y, steps=40, seed=3, batch_size=16)
    c = train(net, Adam(lr=0.01), X, y, steps=40, seed=4, batch_size=16)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.losses, c.losses)
    np.testing.assert_array_equal(net.init(9), net.init(9))


def test_train_seeds_matches_separate_runs(moons):
    X, y = moons
    net = MLP(hidden=(5, 4))
    together = train_seeds(net, RMSProp(lr=0.01), X, y, seeds=(0, 3, 4), steps=30)
    for seed, run in zip((0, 3, 4), together):
        alone = train(net, RMSProp(lr=0.01), X, y, seed=seed, steps=30)
        np.testing.assert_allclose(run.losses, alone.losses, rtol=1e-12)
        np.testing.assert_allclose(run.params, alone.params, rtol=1e-10, atol=1e-13)
        assert run.status == alone.status


def test_divergence_is_reported_without_warnings(moons):
    X, y = moons
    net = MLP(hidden=())  # logistic regression: one step of lr 1e12 throws the weights past 1e10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(net, GradientDescent(lr=1e12), X, y, steps=20)
        runs = train_seeds(net, GradientDescent(lr=1e12), X, y, seeds=(0, 1), steps=20)
    assert result.status == "diverged"
    assert result.steps == 0 and len(result.losses) == 1
    np.testing.assert_array_equal(result.params, net.init(0))  # the last finite parameters
    assert [r.status for r in runs] == ["diverged", "diverged"]


def test_one_diverging_seed_does_not_stop_the_others(moons, monkeypatch):
    X, y = moons
    net = MLP(hidden=(3,))
    real_init = net.init
    # seed 1 starts with weights past the divergence limit, so its first update is rejected
    monkeypatch.setattr(net, "init", lambda seed=0: real_init(seed) * (1e12 if seed == 1 else 1.0))
    runs = train_seeds(net, Adam(lr=0.05), X, y, seeds=(0, 1), steps=25)
    assert [r.status for r in runs] == ["max_steps", "diverged"]
    assert runs[0].steps == 25 and runs[1].steps == 0
    np.testing.assert_array_equal(runs[1].params, real_init(1) * 1e12)
    alone = train(net, Adam(lr=0.05), X, y, params=real_init(0), steps=25)
    np.testing.assert_allclose(runs[0].losses, alone.losses, rtol=1e-12)


# --------------------------------------------------------------------------- bad settings


@pytest.mark.parametrize("kwargs, error, words", [
    ({"hidden": (0,)}, ValueError, "hidden[0] must be >= 1"),
    ({"hidden": (4, -2)}, ValueError, "hidden[1]"),
    ({"hidden": (2.5,)}, TypeError, "hidden[0] must be a whole number"),
    ({"hidden": "16"}, TypeError, "hidden must be a tuple"),
    ({"hidden": (True,)}, TypeError, "hidden[0]"),
    ({"activation": "softmax"}, ValueError, "activation must be one of ['tanh', 'relu', 'sigmoid']"),
    ({"activation": None}, ValueError, "activation must be one of"),
    ({"n_classes": 1}, ValueError, "n_classes must be >= 2"),
    ({"n_inputs": 0}, ValueError, "n_inputs must be >= 1"),
    ({"hidden": ("16",)}, TypeError, "hidden[0] must be a whole number"),
    ({"hidden": (4.0,)}, TypeError, "hidden[0] must be a whole number"),
    ({"hidden": range(3)}, TypeError, "hidden must be a tuple"),
    ({"hidden": tuple(range(1, 200))}, ValueError, "hidden must have at most 100 layers"),
    # sizes that would not fit in memory are refused at once, not with a MemoryError later
    ({"hidden": (10**7,)}, ValueError, "hidden[0] must be <= 1,000,000"),
    ({"hidden": (10**400,)}, ValueError, "hidden[0] must be <= 1,000,000"),
    # (2 * 1000 + 1000) + (1000 * 1000 + 1000) + (1000 * 2 + 2) parameters
    ({"hidden": (1000, 1000)}, ValueError, "the network would have 1,006,002 parameters, more than MAX_PARAMS"),
    ({"n_inputs": 10**12}, ValueError, "n_inputs must be <= 1,000,000"),
    ({"n_classes": "2"}, TypeError, "n_classes must be a whole number"),
])
def test_bad_network_settings(kwargs, error, words):
    with pytest.raises(error) as info:
        MLP(**kwargs)
    assert words in str(info.value)


def test_bad_parameters_and_data(moons):
    X, y = moons
    net = MLP(hidden=(4,))
    params = net.init(0)
    cases = [
        (lambda: net.loss(params[:-1], X, y), ValueError, f"params must have shape ({net.n_params},)"),
        (lambda: net.loss(np.full(net.n_params, np.nan), X, y), ValueError, "params must contain only finite"),
        (lambda: net.loss(params, X[:, :1], y), ValueError, "X must have 2 columns"),
        (lambda: net.loss(params, X[0], y), ValueError, "X must be a 2-D array of shape (n_samples, n_features)"),
        (lambda: net.loss(params, np.where(X > 1, np.inf, X), y), ValueError, "X must contain only finite"),
        (lambda: net.loss(params, X, y[:-1]), ValueError, "X and y must have the same number of rows: X has 120, y has 119"),
        (lambda: net.loss(params, X, y + 1), ValueError, "y must hold class labels in 0..1"),
        (lambda: net.loss(params, X, y + 0.5), TypeError, "whole-number class labels"),
        (lambda: net.predict_grid(params, bounds=((1, 0), (0, 1))), ValueError, "bounds must have xmin < xmax"),
        (lambda: gradient_check(net, params, X, y, h=0.0), ValueError, "h must be > 0"),
        (lambda: make_moons(1), ValueError, "n_samples must be >= 2"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise must be >= 0"),
        (lambda: make_spirals(10, n_classes=1), ValueError, "n_classes must be >= 2"),
        (lambda: make_moons(10, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: train_test_split(X, y, test_fraction=1.0), ValueError, "test_fraction must be in (0, 1)"),
    ]
    for call, error, words in cases:
        with pytest.raises(error) as info:
            call()
        assert words in str(info.value), (words, str(info.value))


def test_bad_training_settings(moons):
    X, y = moons
    net = MLP(hidden=(4,))
    cases = [
        (lambda: train(net, "adam", X, y), TypeError, "optimizer must be an optimizer"),
        (lambda: train("net", Adam(lr=0.1), X, y), TypeError, "model must be an MLP"),
        (lambda: train(net, Adam(lr=0.1), X, y, steps=-1), ValueError, "steps must be >= 0"),
        (lambda: train(net, Adam(lr=0.1), X, y, batch_size=500), ValueError, "batch_size must be between 1 and"),
        (lambda: train(net, Adam(lr=0.1), X, y, batch_size=0), ValueError, "batch_size must be >= 1"),
        (lambda: train(net, Adam(lr=0.1), X, y, params=np.zeros(3)), ValueError, "params must have shape"),
        (lambda: train_seeds(net, Adam(lr=0.1), X, y, seeds=()), ValueError, "seeds must not be empty"),
        (lambda: train_seeds(net, Adam(lr=0.1), X, y, seeds=3), TypeError, "seeds must be a list"),
        (lambda: train_seeds(net, Adam(lr=0.1), X, y, seeds=(0, -2)), ValueError, "seeds[1] must be >= 0"),
    ]
    for call, error, words in cases:
        with pytest.raises(error) as info:
            call()
        assert words in str(info.value), (words, str(info.value))


# --------------------------------------------------------------------------- bad input, argument by argument

COMPLEX_AND_STRINGS = {
    "complex": lambda a: np.asarray(a) + 0j,  # complex even with zero imaginary parts: never truncated
    "numeric strings": lambda a: np.asarray(a).astype(str),
    "booleans": lambda a: np.asarray(a) > 0,
    "None": lambda a: None,
    "a dict": lambda a: {"a": 1},
    "a ragged list": lambda a: [[1.0, 2.0], [3.0]],
}


@pytest.mark.parametrize("kind", list(COMPLEX_AND_STRINGS))
def test_arrays_of_anything_but_real_numbers_are_refused_naming_the_argument(moons, kind):
    X, y = moons
    net = MLP(hidden=(3,))
    params = net.init(0)
    bad = COMPLEX_AND_STRINGS[kind]
    calls = {
        "params": [lambda: net.loss(bad(params), X, y), lambda: net.grad(bad(params), X, y),
                   lambda: net.forward(bad(params), X), lambda: net.predict(bad(params), X),
                   lambda: net.layers(bad(params)),
                   lambda: gradient_check(net, bad(params), X, y)]
        # params=None is train's default (model.init(seed)), so None is not a bad value there
        + ([] if kind == "None" else [lambda: train(net, Adam(lr=0.1), X, y, params=bad(params), steps=1)]),
        "X": [lambda: net.loss(params, bad(X), y), lambda: net.forward(params, bad(X)),
              lambda: net.accuracy(params, bad(X), y), lambda: train(net, Adam(lr=0.1), bad(X), y, steps=1),
              lambda: train_seeds(net, Adam(lr=0.1), bad(X), y, seeds=(0,), steps=1),
              lambda: train_test_split(bad(X), y)],
        "y": [lambda: net.loss(params, X, bad(y)), lambda: net.accuracy(params, X, bad(y)),
              lambda: train(net, Adam(lr=0.1), X, bad(y), steps=1), lambda: train_test_split(X, bad(y))],
    }
    for name, tries in calls.items():
        for call in tries:
            with pytest.raises((TypeError, ValueError)) as info:
                call()
            assert str(info.value).startswith(name), (kind, name, str(info.value))


def test_a_complex_layer_is_refused_by_flatten():
    net = MLP(hidden=(), n_inputs=2, n_classes=2)
    W, b = np.ones((2, 2)), np.zeros(2)
    assert net.flatten([(W, b)]).dtype == np.float64
    with pytest.raises(TypeError, match=r"layers\[0\] W must hold real numbers"):
        net.flatten([(W + 0j, b)])
    with pytest.raises(TypeError, match=r"layers\[0\] b must be an array of numbers"):
        net.flatten([(W, ["0", "0"])])
    with pytest.raises(TypeError, match=r"layers\[0\] must be a pair \(W, b\)"):
        net.flatten([W])
    with pytest.raises(TypeError, match="layers must be a list of"):
        net.flatten(W)


def test_labels_must_be_whole_numbers_of_the_right_range(moons):
    X, y = moons
    net = MLP(hidden=(3,))
    params = net.init(0)
    assert net.loss(params, X, y.astype(float)) == net.loss(params, X, y)  # 0.0 and 1.0 are labels too
    assert net.loss(params, X, y[:, None]) == net.loss(params, X, y)  # as for regression targets, a column is accepted
    for labels, error, words in [(y + 0.5, TypeError, "y must hold whole-number class labels"),
                                 (np.where(y == 1, np.nan, 0.0), TypeError, "y must hold whole-number class labels"),
                                 (np.where(y == 1, 1e300, 0.0), ValueError, "y must hold class labels in 0..1"),
                                 (-y, ValueError, "y must hold class labels in 0..1")]:
        with pytest.raises(error, match=words.replace(".", r"\.")):
            net.loss(params, X, labels)


def test_results_that_overflow_are_an_error_not_a_silent_nan():
    net = MLP(hidden=(4,), activation="relu")
    X = np.array([[1e200, 1e200], [1.0, -1.0]])
    y = np.array([0, 1])
    params = np.full(net.n_params, 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for call in (lambda: net.loss_and_grad(params, X, y), lambda: net.forward(params, X),
                     lambda: gradient_check(net, params, X, y)):
            with pytest.raises(ValueError, match="must be small enough for the .* to be finite in float64"):
                call()
        # training reports the run as diverged instead
        result = train(net, GradientDescent(lr=0.1), X, y, params=params, steps=5)
    assert result.status == "diverged"


@pytest.mark.parametrize("call, words", [
    (lambda net, X, y: train(net, Adam(lr=0.1), X, y, steps=10**12), "steps must be <= 10,000,000"),
    (lambda net, X, y: train_seeds(net, Adam(lr=0.1), X, y, steps=10**12), "steps must be <= 10,000,000"),
    (lambda net, X, y: train_seeds(net, Adam(lr=0.1), X, y, seeds=range(10**12)), "seeds must hold at most 1,000"),
    (lambda net, X, y: train_seeds(net, Adam(lr=0.1), X, y, seeds=itertools.count()), "seeds must hold at most"),
    (lambda net, X, y: make_moons(10**12), "n_samples must be <= 10,000,000"),
    (lambda net, X, y: make_spirals(10**12), "n_samples must be <= 10,000,000"),
    (lambda net, X, y: make_moons(10, noise=1e308), "noise must be small enough for the points to fit in float64, got 1e+308"),
    (lambda net, X, y: make_spirals(10, turns=1e300), "turns must be at most 1e6"),
    (lambda net, X, y: net.predict_grid(net.init(0), n=10**6), "n must be <= 2,000"),
    (lambda net, X, y: gradient_check(MLP(hidden=(300, 100)), MLP(hidden=(300, 100)).init(0), X, y),
     "gradient_check probes every parameter"),
    (lambda net, X, y: MLP(hidden=(2000,)).forward(MLP(hidden=(2000,)).init(0), np.zeros((30_000, 2))),
     "X has too many rows for this network"),
])
def test_huge_sizes_give_a_clear_error_at_once(moons, call, words):
    X, y = moons
    net = MLP(hidden=(3,))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as info:
            call(net, X, y)
    assert words in str(info.value), str(info.value)
    assert time.perf_counter() - start < 5, "the check must come before any work"


def test_other_wrong_arguments_name_themselves(moons):
    X, y = moons
    net = MLP(hidden=(3,))
    cases = [
        (lambda: train(net, Adam(lr=0.1), X, y, steps=2.5), TypeError, "steps must be a whole number"),
        (lambda: train(net, Adam(lr=0.1), X, y, steps="10"), TypeError, "steps must be a whole number"),
        (lambda: train(net, Adam(lr=0.1), X, y, seed=1.0), TypeError, "seed must be a whole number"),
        (lambda: train(net, Adam(lr=0.1), X, y, batch_size="8"), TypeError, "batch_size must be a whole number"),
        (lambda: train(net, Adam(lr=0.1), X, y, label=["a"]), TypeError, "label must be a string"),
        (lambda: train_seeds(net, Adam(lr=0.1), X, y, seeds="012"), TypeError, "seeds must be a list"),
        (lambda: train_seeds(net, Adam(lr=0.1), X, y, seeds=(0, 1.5)), TypeError, "seeds[1] must be a whole number"),
        (lambda: net.predict_grid(net.init(0), bounds=None), TypeError, "bounds must be ((xmin, xmax), (ymin, ymax))"),
        (lambda: net.predict_grid(net.init(0), bounds=((0, np.inf), (0, 1))), ValueError, "bounds xmax must be finite"),
        (lambda: net.predict_grid(net.init(0), n=3.0), TypeError, "n must be a whole number"),
        (lambda: net.init(seed="0"), TypeError, "seed must be a whole number"),
        (lambda: gradient_check(net, net.init(0), X, y, floor="1e-4"), TypeError, "floor must be a real number"),
        (lambda: make_moons(noise=1 + 0j), TypeError, "noise must be a real number"),
        (lambda: make_moons(n_samples="100"), TypeError, "n_samples must be a whole number"),
        (lambda: train_test_split(X, y, test_fraction="0.5"), TypeError, "test_fraction must be a real number"),
        (lambda: net.loss(net.init(0), X[:, :, None], y), ValueError, "X must be a 2-D array of shape (n_samples, n_features)"),
        (lambda: net.loss(net.init(0), X, y[:, None, None]), ValueError, "y must be a 1-D array (or one column)"),
    ]
    for call, error, words in cases:
        with pytest.raises(error) as info:
            call()
        assert words in str(info.value), (words, str(info.value))


def test_layers_are_views_of_a_float_vector_and_of_a_checked_copy_otherwise():
    net = MLP(hidden=(2,))
    params = net.init(0)
    W1, _ = net.layers(params)[0]
    assert np.shares_memory(W1, params)
    as_list = params.tolist()
    (W1_copy, _), _ = net.layers(as_list)
    np.testing.assert_array_equal(W1_copy, W1)
    assert W1_copy.dtype == np.float64 and not np.shares_memory(W1_copy, params)


def test_a_training_result_keeps_no_gradients_and_says_so(moons):
    X, y = moons
    result = train(MLP(hidden=(3,)), Adam(lr=0.05), X, y, steps=5)
    assert result.grads is None
    with pytest.raises(AttributeError, match="keeps no gradients"):
        result.effective_lrs
