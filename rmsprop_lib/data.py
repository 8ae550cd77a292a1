"""Data sets and mini-batches.

- ``make_linear_data``: points on a line plus noise, for linear regression (notebook 04; the loss,
  gradient and fit are in ``rmsprop_lib.regression``).
- ``make_moons``, ``make_spirals``: 2-D classification sets for the network of notebook 07, and
  ``train_test_split``.
- ``MiniBatches`` and ``minibatches``: shuffled mini-batches, reshuffled every epoch.

Every random number comes from ``np.random.default_rng(seed)``::

    X, y = make_linear_data(seed=0)               # X = [1, x] (a bias column), y = 4 + 3x + noise
    X, y = make_moons(200, noise=0.2, seed=0)     # labels 0 and 1
"""
import numpy as np

from . import _validate

#: The most data points a data set may have and ``MiniBatches`` shuffles (80 MB per column).
MAX_POINTS = 10_000_000
#: The most epochs ``minibatches`` goes through.
MAX_EPOCHS = 10_000_000

LAST_BATCH_OPTIONS = ("keep", "drop")


# --------------------------------------------------------------------------- data sets

def make_linear_data(n=100, intercept=4.0, slope=3.0, x_range=(0.0, 2.0), noise=1.0, seed=0):
    """``n`` points with x uniform on ``x_range`` and ``y = intercept + slope * x + noise * N(0, 1)``.

    Returns ``(X, y)``: ``X`` has shape ``(n, 2)`` with a column of ones first (the bias) and x
    second; ``y`` has shape ``(n,)``. Every random number comes from ``np.random.default_rng(seed)``.
    """
    n = _validate.count("n", n, minimum=1, maximum=MAX_POINTS)
    intercept = _validate.number("intercept", intercept)
    slope = _validate.number("slope", slope)
    noise = _validate.nonnegative("noise", noise)
    seed = _validate.count("seed", seed)
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"x_range must be a pair (low, high), got {_validate.show(x_range)}")
    low = _validate.number("x_range[0]", x_range[0])
    high = _validate.number("x_range[1]", x_range[1])
    if not low < high:
        raise ValueError(f"x_range must have low < high, got {_validate.show(x_range)}")
    if not np.isfinite(high - low):
        raise ValueError(f"x_range must span less than 1.8e308 (high - low must be finite), got {_validate.show(x_range)}")
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore", invalid="ignore"):
        x = rng.uniform(low, high, size=n)
        y = intercept + slope * x + noise * rng.standard_normal(n)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x_range, intercept, slope and noise must be far below 1e308: the data they give "
                         "overflow float64")
    return np.column_stack([np.ones(n), x]), y


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
        raise ValueError(f"{name} must be small enough for the points to fit in float64, got {value:g}")


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
    X, y = _validate.samples(X, y, classes=True, max_rows=MAX_POINTS)
    test_fraction = _validate.positive("test_fraction", test_fraction)
    if test_fraction >= 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    n_test = int(round(test_fraction * len(y)))
    if not 1 <= n_test < len(y):
        raise ValueError(f"test_fraction must leave at least one sample in each part; {test_fraction} puts "
                         f"{n_test} of {len(y)} samples in the test part")
    order = np.random.default_rng(_validate.count("seed", seed)).permutation(len(y))
    test, train_ = order[:n_test], order[n_test:]
    return X[train_], y[train_], X[test], y[test]



# --------------------------------------------------------------------------- mini-batches

class MiniBatches:
    """Shuffled mini-batch indices, reshuffled for every epoch by one seeded generator.

    ``last_batch`` says what happens when ``batch_size`` does not divide ``n``:
    ``"keep"`` makes a smaller last batch (every point is used once per epoch);
    ``"drop"`` leaves the ``n % batch_size`` points of that epoch's shuffle out (a different set
    each epoch). With ``shuffle=False`` the order is 0..n-1.
    """

    def __init__(self, n, batch_size, seed=0, shuffle=True, last_batch="keep"):
        self.n = _validate.count("n", n, minimum=1, maximum=MAX_POINTS)
        self.batch_size = check_batch_size(batch_size, self.n)
        self.seed = _validate.count("seed", seed)
        self.shuffle = _validate.flag("shuffle", shuffle)
        self.last_batch = _validate.choice("last_batch", last_batch, LAST_BATCH_OPTIONS)
        self.rng = np.random.default_rng(self.seed)

    def __len__(self):
        """Batches per epoch."""
        full, rest = divmod(self.n, self.batch_size)
        return full + (1 if rest and self.last_batch == "keep" else 0)

    def epoch(self):
        """The index arrays of the next epoch (a fresh shuffle each call)."""
        order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        return [order[start:start + self.batch_size]
                for start in range(0, len(self) * self.batch_size, self.batch_size)]


def minibatches(X, y, batch_size, epochs=1, seed=0, shuffle=True, last_batch="keep"):
    """An iterator of ``(epoch, X_batch, y_batch)`` over ``epochs`` epochs of shuffled mini-batches.

    See :class:`MiniBatches`; the arguments are checked at the call, before the first batch.
    ``epochs`` is at most ``MAX_EPOCHS``.
    """
    X, y = _validate.samples(X, y, max_rows=MAX_POINTS)
    epochs = _validate.count("epochs", epochs, minimum=1, maximum=MAX_EPOCHS)
    batches = MiniBatches(len(y), batch_size, seed=seed, shuffle=shuffle, last_batch=last_batch)
    return ((epoch, X[idx], y[idx]) for epoch in range(epochs) for idx in batches.epoch())


def check_batch_size(batch_size, n):
    """A whole number in [1, n]."""
    n = _validate.count("n", n, minimum=1, maximum=MAX_POINTS)
    batch_size = _validate.count("batch_size", batch_size, minimum=None)
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and the number of data points ({n}), "
                         f"got {_validate.show(batch_size)}")
    return batch_size


