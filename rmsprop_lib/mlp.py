"""A small multilayer perceptron in numpy, for notebook 07: the network and its gradient check.

All the weights live in ONE flat float64 vector, ``params``, so every optimizer of the series
updates them exactly as it updates a 2-D point::

    X, y = make_moons(200, noise=0.2, seed=0)       # rmsprop_lib.data
    net = MLP(hidden=(16, 16), activation="tanh")
    params = net.init(seed=0)                       # shape (net.n_params,)
    loss, grad = net.loss_and_grad(params, X, y)    # grad has the same shape
    gradient_check(net, params, X, y)               # about 1e-8 or less when backpropagation is right

Training is in ``rmsprop_lib.training`` (``train``, ``train_seeds``).

``net.layers(params)`` views the vector as a list of ``(W, b)`` pairs (views, not copies).
Layer l computes ``z = W a + b`` for each sample a (W has shape (n_out, n_in)); hidden layers
apply the activation, the last layer a softmax, and the loss is the mean cross-entropy.
Inside, the samples are the COLUMNS of each activation matrix, so ``Z = W @ A + b[:, None]``.

Bad input gets a ``TypeError`` or ``ValueError`` that names the argument: arrays must hold real
numbers (no strings, booleans or complex numbers), labels whole numbers, and sizes stay within
the limits below, so that a typo gives an error message rather than a MemoryError or a run that
never ends.
"""
import numbers

import numpy as np

from . import _validate
from .data import MAX_POINTS
from .objectives import MAX_GRID_SIZE

ACTIVATIONS = ("tanh", "relu", "sigmoid")
#: The most parameters a network may have (8 MB as one float64 vector).
MAX_PARAMS = 1_000_000
#: The most memory the activations of one forward and backward pass may take: 1 GiB.
MAX_ACTIVATION_BYTES = 2**30
#: The most parameters ``gradient_check`` probes (two forward passes each).
MAX_CHECKED_PARAMS = 20_000


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

    def _params(self, params):
        """``params`` checked: a finite float64 vector of length ``n_params`` (a copy)."""
        return _validate.finite_array("params", params, shape=(self.n_params,))

    def _data(self, X, *y):
        """``X`` (and, when given, the class labels ``y``) checked for this network."""
        return _validate.samples(X, *y, classes=self.n_classes, n_features=self.n_inputs, max_rows=MAX_POINTS)

    def layers(self, params):
        """The vector as a list of ``(W, b)`` per layer, W of shape (n_out, n_in).

        For a float64 array the pairs are views into it (writing into W changes ``params``);
        anything else is first checked and copied into one.
        """
        if not (isinstance(params, np.ndarray) and params.dtype == np.float64):
            params = _validate.real_array("params", params)
        if params.shape != (self.n_params,):
            raise ValueError(f"params must have shape ({self.n_params},), got shape {params.shape}")
        return self._views(params, bias_column=False)

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

    def _views(self, params, bias_column=True):
        """(W, b) per layer, views into params: W shaped (..., n_out, n_in), b (..., n_out, 1) or (..., n_out)."""
        lead = params.shape[:-1]
        out, start = [], 0
        for (w_shape, b_shape) in self.shapes:
            n_w, n_b = w_shape[0] * w_shape[1], b_shape[0]
            W = params[..., start:start + n_w].reshape(lead + w_shape)
            b = params[..., start + n_w:start + n_w + n_b].reshape(lead + ((n_b, 1) if bias_column else (n_b,)))
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
        params = self._params(params)
        X = self._data(X)
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
        params = self._params(params)
        X, y = self._data(X, y)
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
        X, y = self._data(X, y)
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
    params = model._params(params)
    X, y = model._data(X, y)
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
    return _validate.finite_result(value, what, "params and X", "use smaller weights or rescale the inputs")
