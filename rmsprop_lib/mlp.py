"""A small multilayer perceptron in numpy, for notebook 07.

All the weights live in ONE flat float64 vector, so every optimizer of the series updates
them exactly as it updates a 2-D point::

    X, y = make_moons(200, noise=0.2, seed=0)
    net = MLP(hidden=(16, 16), activation="tanh")
    params = net.init(seed=0)                       # shape (net.n_params,)
    loss, grad = net.loss_and_grad(params, X, y)    # grad has the same shape
    result = train(net, Adam(lr=0.01), X, y, params, steps=300)   # a TrainResult
    results = train_seeds(net, Adam(lr=0.01), X, y, seeds=(0, 1, 2))  # one per seed, computed together

``net.layers(params)`` views the vector as a list of ``(W, b)`` pairs (views, not copies).
Layer l computes ``z = W a + b`` for each sample a (W has shape (n_out, n_in)); hidden layers
apply the activation, the last layer a softmax, and the loss is the mean cross-entropy.
Inside, the samples are the COLUMNS of each activation matrix, so ``Z = W @ A + b[:, None]``.

Bad input gets a ``TypeError`` or ``ValueError`` that names the argument: arrays must hold real
numbers (no strings, booleans or complex numbers), labels whole numbers, and sizes stay within
the limits below, so that a typo gives an error message rather than a MemoryError or a run that
never ends.
"""
from dataclasses import dataclass
import itertools
import numbers

import numpy as np

from . import _validate
from .data import MAX_POINTS
from .objectives import MAX_GRID_SIZE
from .optimizers import MAX_SQUARED_ENTRY, Optimizer
from .run import DIVERGENCE_LIMIT, MAX_STEPS, _check_history

ACTIVATIONS = ("tanh", "relu", "sigmoid")
#: The most parameters a network may have (8 MB as one float64 vector).
MAX_PARAMS = 1_000_000
#: The most memory the activations of one forward and backward pass may take: 1 GiB.
MAX_ACTIVATION_BYTES = 2**30
#: The most networks ``train_seeds`` trains together.
MAX_SEEDS = 1000
#: The most parameters ``gradient_check`` probes (two forward passes each).
MAX_CHECKED_PARAMS = 20_000


# --------------------------------------------------------------------------- data sets


def _shuffled(rng, X, y):
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_moons(n_samples=200, noise=0.2, seed=0):
    """Two interleaving half circles: ``X`` of shape (n_samples, 2), labels ``y`` in {0, 1}.

    Class 0 is the upper arc ``(cos t, sin t)``, class 1 the lower arc ``(1 - cos t, 0.5 - sin t)``,
    t uniform in [0, pi]; Gaussian noise of size ``noise`` is added to both coordinates.
    Everything is drawn from ``np.random.default_rng(seed)``.
    """
    n_samples = _validate.count("n_samples", n_samples, minimum=2, maximum=MAX_POINTS)
    noise = _validate.nonnegative("noise", noise)
    seed = _validate.count("seed", seed)
    rng = np.random.default_rng(seed)
    n0 = n_samples // 2
    t = rng.uniform(0.0, np.pi, n_samples)
    upper = np.stack([np.cos(t[:n0]), np.sin(t[:n0])], axis=1)
    lower = np.stack([1.0 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])], axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    _check_points(X, "noise", noise)
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n_samples - n0, dtype=int)])
    return _shuffled(rng, X, y)


def _check_points(X, name, value):
    if not np.isfinite(X).all():
        raise ValueError(f"{name} is too large ({value:g}): the points overflow float64")


def make_spirals(n_samples=300, n_classes=2, turns=1.0, noise=0.1, seed=0):
    """Interleaved spiral arms, one per class: ``X`` of shape (n_samples, 2), labels in 0..n_classes-1.

    A point at radius r in [0.05, 1] of arm k sits at angle ``2 pi (turns r + k / n_classes)``;
    Gaussian noise of size ``noise`` is added to both coordinates. Drawn from
    ``np.random.default_rng(seed)``.
    """
    n_samples = _validate.count("n_samples", n_samples, minimum=2, maximum=MAX_POINTS)
    n_classes = _validate.count("n_classes", n_classes, minimum=2)
    if n_samples < n_classes:
        raise ValueError(f"n_samples must be >= n_classes ({n_classes}), got {n_samples}")
    turns = _validate.positive("turns", turns)
    if turns > 1e6:
        raise ValueError(f"turns must be at most 1e6 (more cannot be drawn or learned), got {turns:g}")
    noise = _validate.nonnegative("noise", noise)
    seed = _validate.count("seed", seed)
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    r = rng.uniform(0.05, 1.0, n_samples)
    angle = 2 * np.pi * (turns * r + y / n_classes)
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        X = X + noise * rng.standard_normal((n_samples, 2))
    _check_points(X, "noise", noise)
    return _shuffled(rng, X, y)


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Split ``(X, y)`` at random into ``(X_train, y_train, X_test, y_test)``."""
    X, y = _check_xy(X, y, n_inputs=None, n_classes=None)
    test_fraction = _validate.positive("test_fraction", test_fraction)
    if test_fraction >= 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    n_test = int(round(test_fraction * len(y)))
    if not 1 <= n_test < len(y):
        raise ValueError(f"test_fraction={test_fraction} leaves {n_test} of {len(y)} samples for testing: "
                         "both parts need at least one sample")
    order = np.random.default_rng(_validate.count("seed", seed)).permutation(len(y))
    test, train_ = order[:n_test], order[n_test:]
    return X[train_], y[train_], X[test], y[test]


def _check_x(X, n_inputs):
    """``X`` as a finite float64 array of shape (n_samples, n_inputs), n_samples >= 1."""
    X = _validate.finite_array("X", X)  # refuses strings, booleans, complex numbers, NaN, inf and empty arrays
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n_samples, n_features), one row per sample, got shape {X.shape}")
    if n_inputs is not None and X.shape[1] != n_inputs:
        raise ValueError(f"X must have {n_inputs} columns (the network's n_inputs), got shape {X.shape}")
    if X.shape[0] > MAX_POINTS:
        raise ValueError(f"X must have at most {MAX_POINTS:,} rows, got {X.shape[0]:,}")
    return X


def _check_xy(X, y, n_inputs, n_classes):
    """``(X, y)`` checked: X as in ``_check_x``, y as whole-number class labels in 0..n_classes-1."""
    X = _check_x(X, n_inputs)
    labels = _validate.real_array("y", y)  # refuses strings, booleans and complex numbers
    if labels.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got shape {labels.shape}")
    if not np.isfinite(labels).all() or np.any(labels != np.round(labels)):
        raise TypeError("y must hold whole-number class labels such as 0 and 1, "
                        f"got {_validate.show(labels[~(np.isfinite(labels) & (labels == np.round(labels)))][0])}")
    top = n_classes if n_classes is not None else np.inf
    if labels.min() < 0 or labels.max() >= top:
        allowed = f"0..{n_classes - 1}" if n_classes is not None else ">= 0"
        raise ValueError(f"y must hold class labels in {allowed}, got values from "
                         f"{labels.min():g} to {labels.max():g}")
    return X, labels.astype(int)


# --------------------------------------------------------------------------- the network


def _activate(name, Z):
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0.0)
    return 0.5 * (1.0 + np.tanh(0.5 * Z))  # the logistic sigmoid, without overflow


def _activation_slope(name, Z, A):
    """d activation / dZ, from the pre-activation Z and the output A."""
    if name == "tanh":
        return 1.0 - A * A
    if name == "relu":
        return (Z > 0).astype(float)
    return A * (1.0 - A)


class MLP:
    """A fully connected network: ``n_inputs`` -> ``hidden`` sizes -> ``n_classes`` (softmax).

    Parameters: ``hidden`` (a tuple of layer widths, each a whole number >= 1; ``()`` gives
    logistic regression), ``n_inputs`` (default 2), ``n_classes`` (default 2, at least 2),
    ``activation`` (one of ``"tanh"``, ``"relu"``, ``"sigmoid"``, default ``"tanh"``).
    """

    def __init__(self, hidden=(16, 16), n_inputs=2, n_classes=2, activation="tanh"):
        if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
            hidden = (hidden,)
        if not isinstance(hidden, (tuple, list)):
            raise TypeError(f"hidden must be a tuple of layer widths such as (16, 16), got {_validate.show(hidden)}")
        if len(hidden) > 100:
            raise ValueError(f"hidden must have at most 100 layers, got {len(hidden)}")
        widths = tuple(_validate.count(f"hidden[{i}]", width, minimum=1, maximum=MAX_PARAMS)
                       for i, width in enumerate(hidden))
        self.activation = _validate.choice("activation", activation, ACTIVATIONS)
        self.hidden = widths
        self.n_inputs = _validate.count("n_inputs", n_inputs, minimum=1, maximum=MAX_PARAMS)
        self.n_classes = _validate.count("n_classes", n_classes, minimum=2, maximum=MAX_PARAMS)
        self.sizes = (self.n_inputs,) + self.hidden + (self.n_classes,)
        self.shapes = [((b, a), (b,)) for a, b in zip(self.sizes[:-1], self.sizes[1:])]
        self.n_params = sum(a * b + b for a, b in zip(self.sizes[:-1], self.sizes[1:]))
        if self.n_params > MAX_PARAMS:
            raise ValueError(f"the network would have {self.n_params:,} parameters, more than MAX_PARAMS = "
                             f"{MAX_PARAMS:,}: use fewer or narrower layers (hidden={self.hidden})")

    def __repr__(self):
        return (f"MLP(hidden={self.hidden}, n_inputs={self.n_inputs}, n_classes={self.n_classes}, "
                f"activation={self.activation!r})")

    # ----- parameters

    def init(self, seed=0):
        """Fresh parameters: weights ~ Normal(0, gain^2 / fan_in), biases zero.

        ``gain`` is 1 for tanh and sigmoid (LeCun/Xavier-style) and sqrt(2) for relu (He).
        Drawn from ``np.random.default_rng(seed)``.
        """
        rng = np.random.default_rng(_validate.count("seed", seed))
        gain = np.sqrt(2.0) if self.activation == "relu" else 1.0
        params = np.zeros(self.n_params)
        for W, _ in self.layers(params):
            fan_in = W.shape[1]  # W has shape (n_out, n_in): each unit sums n_in weighted inputs
            W[...] = gain / np.sqrt(fan_in) * rng.standard_normal(W.shape)
        return params

    def check_params(self, params):
        """``params`` as a float64 vector of length ``n_params`` (a copy); a clear error if it is not one."""
        params = _validate.finite_array("params", params)  # refuses strings, booleans, complex, NaN and inf
        if params.shape != (self.n_params,):
            raise ValueError(f"params must have shape ({self.n_params},) for {self!r}, got shape {params.shape}")
        return params

    def layers(self, params):
        """The vector as a list of ``(W, b)`` per layer, W of shape (n_out, n_in).

        For a float64 array the pairs are views into it (writing into W changes ``params``);
        anything else is first checked and copied into one.
        """
        if not (isinstance(params, np.ndarray) and params.dtype == np.float64):
            params = _validate.real_array("params", params)
        if params.shape != (self.n_params,):
            raise ValueError(f"params must have shape ({self.n_params},) for {self!r}, got shape {params.shape}")
        out, start = [], 0
        for (w_shape, b_shape) in self.shapes:
            n_w, n_b = w_shape[0] * w_shape[1], b_shape[0]
            W = params[start:start + n_w].reshape(w_shape)
            b = params[start + n_w:start + n_w + n_b]
            out.append((W, b))
            start += n_w + n_b
        return out

    def flatten(self, layers):
        """The inverse of :meth:`layers`: one vector from a list of ``(W, b)`` pairs."""
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of (W, b) pairs, got {_validate.show(layers)}")
        if len(layers) != len(self.shapes):
            raise ValueError(f"layers must have {len(self.shapes)} (W, b) pairs, got {len(layers)}")
        parts = []
        for i, (pair, (w_shape, b_shape)) in enumerate(zip(layers, self.shapes)):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError(f"layers[{i}] must be a pair (W, b), got {_validate.show(pair)}")
            W = _validate.real_array(f"layers[{i}] W", pair[0])
            b = _validate.real_array(f"layers[{i}] b", pair[1])
            if W.shape != w_shape or b.shape != b_shape:
                raise ValueError(f"layers[{i}] must have W of shape {w_shape} and b of shape {b_shape}, "
                                 f"got {W.shape} and {b.shape}")
            parts += [W.ravel(), b]
        return np.concatenate(parts)

    def _check_activations(self, n_samples, n_networks=1):
        """Refuse a pass whose activations would need more than ``MAX_ACTIVATION_BYTES``."""
        needed = 3 * 8 * n_samples * n_networks * sum(self.sizes)  # Z, A and the backward pass, per layer
        if needed > MAX_ACTIVATION_BYTES:
            raise ValueError(f"X has too many rows for this network: {n_samples:,} samples"
                             f"{f' times {n_networks} networks' if n_networks > 1 else ''} would need "
                             f"{needed / 1e9:.1f} GB of activations (at most {MAX_ACTIVATION_BYTES / 1e9:.1f} GB); "
                             "use fewer samples, or a mini-batch size")

    # ----- computation. The underscored methods skip the input checks (for the training loops)
    # and also accept a STACK of parameter vectors, shape (R, n_params): R networks at once.

    def _views(self, params):
        """(W, b) per layer with W shaped (..., n_out, n_in) and b shaped (..., n_out, 1)."""
        lead = params.shape[:-1]
        out, start = [], 0
        for (w_shape, b_shape) in self.shapes:
            n_w, n_b = w_shape[0] * w_shape[1], b_shape[0]
            W = params[..., start:start + n_w].reshape(lead + w_shape)
            b = params[..., start + n_w:start + n_w + n_b].reshape(lead + (n_b, 1))
            out.append((W, b))
            start += n_w + n_b
        return out

    def _forward(self, params, XT):
        """Pre-activations, activations (input first) and log-probabilities, samples as columns.

        ``XT`` is the data transposed, shape (n_inputs, n_samples); the log-probabilities have
        shape (..., n_classes, n_samples).
        """
        zs, acts = [], [XT]
        layers = self._views(params)
        A = XT
        for W, b in layers[:-1]:
            Z = W @ A + b
            A = _activate(self.activation, Z)
            zs.append(Z)
            acts.append(A)
        W, b = layers[-1]
        logits = W @ A + b
        shifted = logits - logits.max(axis=-2, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-2, keepdims=True))
        return zs, acts, log_probs

    def _loss_and_grad(self, params, XT, y):
        """Mean cross-entropy (a float, or one per network), its gradient and the log-probabilities."""
        zs, acts, log_probs = self._forward(params, XT)
        n = len(y)
        cols = np.arange(n)
        loss = -log_probs[..., y, cols].mean(axis=-1)
        delta = np.exp(log_probs)  # dL/dlogits = (softmax - one_hot) / n
        delta[..., y, cols] -= 1.0
        delta /= n
        grad = np.empty_like(params)
        grads = self._views(grad)
        layers = self._views(params)
        for i in range(len(layers) - 1, -1, -1):
            dW, db = grads[i]
            dW[...] = delta @ np.swapaxes(acts[i], -1, -2)
            db[...] = delta.sum(axis=-1, keepdims=True)
            if i > 0:
                delta = (np.swapaxes(layers[i][0], -1, -2) @ delta) * _activation_slope(
                    self.activation, zs[i - 1], acts[i])
        return (float(loss) if loss.ndim == 0 else loss), grad, log_probs

    def forward(self, params, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        params = self.check_params(params)
        X = _check_x(X, self.n_inputs)
        self._check_activations(len(X))
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            probs = np.exp(self._forward(params, X.T)[2]).T
        return _finite("class probabilities", probs)

    def loss(self, params, X, y):
        """The mean cross-entropy ``-mean(log p[y])``, a float."""
        return self.loss_and_grad(params, X, y)[0]

    def loss_and_grad(self, params, X, y):
        """``(loss, grad)``: the mean cross-entropy and its exact gradient (backpropagation),
        a vector shaped like ``params``."""
        params = self.check_params(params)
        X, y = _check_xy(X, y, self.n_inputs, self.n_classes)
        self._check_activations(len(X))
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            loss, grad, _ = self._loss_and_grad(params, X.T, y)
        return _finite("loss", loss), _finite("gradient", grad)

    def grad(self, params, X, y):
        """The gradient of :meth:`loss` with respect to ``params``."""
        return self.loss_and_grad(params, X, y)[1]

    def predict(self, params, X):
        """The most likely class of each row of ``X``."""
        return self.forward(params, X).argmax(axis=1)

    def accuracy(self, params, X, y):
        """The fraction of rows of ``X`` whose predicted class is ``y``, a float in [0, 1]."""
        X, y = _check_xy(X, y, self.n_inputs, self.n_classes)
        return float(np.mean(self.predict(params, X) == y))

    def predict_grid(self, params, bounds=((-1.5, 2.5), (-1.25, 1.75)), n=100):
        """Probabilities on an n x n grid, for decision-boundary plots (2-input networks only).

        Returns ``(XX, YY, P)``: XX and YY shaped (n, n) and P shaped (n, n, n_classes).
        """
        if self.n_inputs != 2:
            raise ValueError(f"predict_grid needs a network with n_inputs=2, this one has {self.n_inputs}")
        n = _validate.count("n", n, minimum=2, maximum=MAX_GRID_SIZE)
        (x0, x1), (y0, y1) = _validate.bounds("bounds", bounds)
        XX, YY = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        P = self.forward(params, np.column_stack([XX.ravel(), YY.ravel()]))
        return XX, YY, P.reshape(n, n, self.n_classes)


def gradient_check(model, params, X, y, h=1e-5, floor=1e-4):
    r"""The largest relative difference between the backpropagated gradient and central differences.

    For every parameter i: :math:`n_i = (L(p + h e_i) - L(p - h e_i)) / 2h` and
    :math:`\text{err}_i = |g_i - n_i| / \max(|g_i| + |n_i|, \text{floor})`; returns ``max_i err_i``.
    Coordinates whose gradient is smaller than ``floor`` are compared in absolute terms: for
    them the rounding error of the finite difference (about 1e-16 * loss / h, 1e-11 here) is
    not small relative to the value. With a smooth activation (tanh, sigmoid), a correct backward
    pass gives errors around 1e-8 or smaller and a bug gives 1e-3 or more. With relu, a probe
    that crosses a kink (a pre-activation within h of zero) gives a large error although the
    backward pass is right.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    params = model.check_params(params)
    X, y = _check_xy(X, y, model.n_inputs, model.n_classes)
    h = _validate.positive("h", h)
    floor = _validate.positive("floor", floor)
    if model.n_params > MAX_CHECKED_PARAMS:
        raise ValueError(f"gradient_check probes every parameter (two forward passes each): {model!r} has "
                         f"{model.n_params:,}, at most {MAX_CHECKED_PARAMS:,}; check a smaller network")
    model._check_activations(len(X))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        XT = X.T
        _, analytic, _ = model._loss_and_grad(params, XT, y)
        numeric = np.empty_like(params)
        probe = params.copy()
        for i in range(params.size):
            probe[i] = params[i] + h
            up = model._loss_and_grad(probe, XT, y)[0]
            probe[i] = params[i] - h
            down = model._loss_and_grad(probe, XT, y)[0]
            probe[i] = params[i]
            numeric[i] = (up - down) / (2 * h)
    _finite("gradient", analytic)
    _finite("finite-difference gradient", numeric)
    err = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(err.max())


def _finite(what, value):
    """``value``, after checking that computing it did not overflow float64."""
    if not np.isfinite(value).all():
        raise ValueError(f"params and X must be small enough for the {what} to be finite in float64 "
                         "(it overflows): use smaller weights or rescale the inputs")
    return value


# --------------------------------------------------------------------------- training


@dataclass
class TrainResult:
    """The history of one training run.

    ``losses[k]`` is the (mini-batch) loss of the parameters before update k; the last entry
    is for the final parameters, so a run of ``steps`` updates has ``steps + 1`` entries (fewer
    if it diverged). ``status`` is ``"max_steps"`` or ``"diverged"`` (the loss or the gradient
    stopped being finite, the gradient grew too large for the rule to square, or a weight passed
    ``DIVERGENCE_LIMIT``); ``params`` are the last parameters whose
    loss is recorded, and ``accuracy`` their accuracy on the whole training set.
    """

    params: np.ndarray
    losses: np.ndarray
    accuracy: float
    status: str
    label: str
    optimizer: str

    @property
    def steps(self):
        """How many updates were taken."""
        return len(self.losses) - 1

    @property
    def loss(self):
        """The loss of the final parameters."""
        return float(self.losses[-1])

    def __repr__(self):
        return (f"TrainResult(label={self.label!r}, steps={self.steps}, status={self.status!r}, "
                f"loss={self.loss:.4g}, accuracy={self.accuracy:.3f})")


def _check_training(model, optimizer, X, y, steps, label):
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as Adam(lr=0.01), got {type(optimizer).__name__}")
    X, y = _check_xy(X, y, model.n_inputs, model.n_classes)
    steps = _validate.count("steps", steps, maximum=MAX_STEPS)
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, numbers.Number))):
        raise TypeError(f"label must be a string (or a number), got {type(label).__name__} {_validate.show(label)}")
    return X, y, steps


def _run(model, optimizer, params, steps, batch):
    """The training loop for a stack of R parameter vectors (shape (R, n_params)).

    Returns the final parameters, the loss history (steps + 1, R) and, per network, the index of
    its last recorded loss and its status. A network that diverges goes back to its last
    parameters with a finite loss and stays there; the others go on.
    """
    R = params.shape[0]
    _check_history(steps, R)
    losses = np.full((steps + 1, R), np.nan)
    ended = np.full(R, steps)  # the index of the last recorded loss of each network
    alive = np.ones(R, dtype=bool)
    state = optimizer._init(params.shape)  # the inputs are checked: the unchecked rule, as in data.fit
    previous = params
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            Xb, yb = batch()
            loss, grad, _ = model._loss_and_grad(params, Xb, yb)
            # a loss or gradient that is not finite, or too large for the rule to square, ends a network
            finite = np.isfinite(loss) & np.isfinite(grad).all(axis=1)
            if optimizer.squares_gradient:
                finite &= np.abs(grad).max(axis=1) <= MAX_SQUARED_ENTRY
            if not finite[alive].all():  # back to the last parameters with a finite loss
                bad = alive & ~finite
                ended[bad], alive[bad] = k - 1, False
                params = np.where(bad[:, None], previous, params)
            losses[k] = loss
            if k == steps or not alive.any():
                break
            grad = np.where(alive[:, None], grad, 0.0)  # stopped networks: no NaN enters the state
            update, state = optimizer._step(grad, state)
            previous, params = params, params - update
            ok = np.abs(params).max(axis=1) <= DIVERGENCE_LIMIT  # False for NaN too
            if not ok[alive].all():
                bad = alive & ~ok
                ended[bad], alive[bad] = k, False
            if not alive.all():  # stopped networks keep their parameters
                params = np.where(alive[:, None], params, previous)
    statuses = np.where(ended < steps, "diverged", "max_steps")
    return params, losses, ended, statuses


def _result(model, XT, y, params, losses, end, status, label, optimizer):
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        log_probs = model._forward(params, XT)[2]
    accuracy = float(np.mean(log_probs.argmax(axis=0) == y))
    return TrainResult(params=params, losses=losses[:end + 1].copy(), accuracy=accuracy, status=str(status),
                       label=optimizer.name if label is None else str(label), optimizer=optimizer.name)


def train(model, optimizer, X, y, params=None, steps=300, batch_size=None, seed=0, label=None):
    """Train ``model`` on ``(X, y)`` with any optimizer of the series; returns a :class:`TrainResult`.

    ``params`` is the start (default ``model.init(seed)``; it is never modified). Each step
    computes the gradient on the whole set (``batch_size=None``) or on the next mini-batch of
    a fresh shuffle every epoch (drawn from ``np.random.default_rng(seed)``), then does
    ``params = params - update``. A run that diverges stops and says so; no overflow warning
    is shown.
    """
    X, y, steps = _check_training(model, optimizer, X, y, steps, label)
    seed = _validate.count("seed", seed)
    params = model.init(seed) if params is None else model.check_params(params)
    n = len(y)
    if batch_size is not None:
        batch_size = _validate.count("batch_size", batch_size, minimum=1)
        if batch_size > n:
            raise ValueError(f"batch_size must be between 1 and the number of samples ({n}), got {batch_size}")
    model._check_activations(n if batch_size is None else batch_size)
    rng = np.random.default_rng(seed)
    order, cursor = np.arange(n), n

    XT = np.ascontiguousarray(X.T)

    def batch():
        nonlocal order, cursor
        if batch_size is None:
            return XT, y
        if cursor + batch_size > n:
            order, cursor = rng.permutation(n), 0
        rows = order[cursor:cursor + batch_size]
        cursor += batch_size
        return XT[:, rows], y[rows]

    final, losses, ended, statuses = _run(model, optimizer, params[None, :], steps, batch)
    return _result(model, XT, y, final[0], losses[:, 0], ended[0], statuses[0], label, optimizer)


def train_seeds(model, optimizer, X, y, seeds=(0, 1, 2, 3, 4), steps=300, label=None):
    """Full-batch training of one network per seed, all at once; returns a list of :class:`TrainResult`.

    Gives the same results as ``[train(model, optimizer, X, y, seed=s, steps=steps) for s in seeds]``
    (each start is ``model.init(s)``), but computes the networks side by side as one stack of
    parameter vectors, which is several times faster for small networks. The optimizer works on
    the stack element by element, exactly as on one vector.
    """
    X, y, steps = _check_training(model, optimizer, X, y, steps, label)
    if isinstance(seeds, (numbers.Number, str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of whole numbers such as (0, 1, 2), got {_validate.show(seeds)}")
    seeds = list(itertools.islice(seeds, MAX_SEEDS + 1))  # never more than that, even from an endless iterator
    if len(seeds) > MAX_SEEDS:
        raise ValueError(f"seeds must hold at most {MAX_SEEDS:,} seeds")
    seeds = [_validate.count(f"seeds[{i}]", s) for i, s in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must not be empty")
    model._check_activations(len(y), len(seeds))
    params = np.stack([model.init(s) for s in seeds])
    XT = np.ascontiguousarray(X.T)
    final, losses, ended, statuses = _run(model, optimizer, params, steps, lambda: (XT, y))
    return [_result(model, XT, y, final[r], losses[:, r], ended[r], statuses[r], label, optimizer)
            for r in range(len(seeds))]
