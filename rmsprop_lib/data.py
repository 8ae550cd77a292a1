r"""Linear regression data, its loss and gradient, shuffled mini-batches and a training loop.

The data problem of notebook 04, shared with later notebooks::

    X, y = make_linear_data(seed=0)               # X = [1, x] (a bias column), y = 4 + 3x + noise
    theta_ls = least_squares(X, y)                # the exact answer, for comparison
    result = fit(RMSProp(lr=0.1, eps=1e-5, eps_inside_sqrt=True), X, y,
                 epochs=50, batch_size=32, seed=1, stop=Patience(5))
    result.theta, result.epoch_losses, result.status

The loss is half the mean squared error, :math:`L(\theta) = \frac{1}{2m}\lVert X\theta - y\rVert^2`,
as in the seed article. Its gradient on a batch is :math:`X_b^\top (X_b\theta - y_b) / d` with
``d`` the batch size (``gradient_scale="batch"``, the usual choice) or the whole data size ``m``
(``gradient_scale="data"``, what the seed article's mini-batch code does).
"""
import numbers
from dataclasses import dataclass

import numpy as np

from . import _validate
from .optimizers import Optimizer
from .run import DIVERGENCE_LIMIT, MAX_STEPS, _check_history

#: The most data points ``make_linear_data`` makes and ``MiniBatches`` shuffles (80 MB per column).
MAX_POINTS = 10_000_000

LAST_BATCH_OPTIONS = ("keep", "drop")
GRADIENT_SCALES = ("batch", "data")


# --------------------------------------------------------------------------- data

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


def check_data(X, y):
    """Validate a design matrix and targets; return them as float arrays ``(m, d)`` and ``(m,)``.

    ``y`` may be given as a column ``(m, 1)``. Raises ``ValueError`` for empty data, mismatched
    lengths and non-finite values, ``TypeError`` for something that is not numbers.
    """
    X = _validate.real_array("X", X)
    y = _validate.real_array("y", y)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (one row per data point), got shape {X.shape}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array (or one column), got shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows: X has {X.shape[0]}, y has {y.shape[0]}")
    return _validate.finite_array("X", X), _validate.finite_array("y", y)


def _theta(name, theta, d):
    theta = _validate.finite_array(name, theta)
    if theta.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},), one entry per column of X, got shape {theta.shape}")
    return theta


def _finite_result(what, value):
    """``value``, after checking that computing it did not overflow float64."""
    if not np.isfinite(value).all():
        raise ValueError(f"X, y and theta must be small enough for the {what} to fit in float64 "
                         "(it overflows): rescale the data")
    return value


def least_squares(X, y):
    """The exact minimiser of the squared error, from ``np.linalg.lstsq``."""
    X, y = check_data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result("least-squares solution", np.linalg.lstsq(X, y, rcond=None)[0])


# --------------------------------------------------------------------------- loss and gradient

def mse_loss(theta, X, y):
    r"""Half the mean squared error :math:`\frac{1}{2m}\sum_i (x_i^\top\theta - y_i)^2`."""
    X, y = check_data(X, y)
    theta = _theta("theta", theta, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        residual = X @ theta - y
        return float(_finite_result("loss", 0.5 * np.mean(residual * residual)))


def mse_gradient(theta, X, y, divide_by=None):
    r"""The gradient :math:`X^\top (X\theta - y) / d` of the batch ``(X, y)``.

    ``divide_by`` is ``d``: ``None`` (default) divides by the number of rows of ``X`` - the true
    gradient of :func:`mse_loss` on this batch. A number, e.g. the size of the whole data set,
    gives the seed article's mini-batch gradient, which is ``len(y) / divide_by`` times smaller.
    """
    X, y = check_data(X, y)
    theta = _theta("theta", theta, X.shape[1])
    d = X.shape[0] if divide_by is None else _validate.positive("divide_by", divide_by)
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result("gradient", X.T @ (X @ theta - y) / d)


# --------------------------------------------------------------------------- mini-batches

class MiniBatches:
    """Shuffled mini-batch indices, reshuffled for every epoch by one seeded generator.

    ``last_batch`` says what happens when ``batch_size`` does not divide ``n``:
    ``"keep"`` makes a smaller last batch (every point is used once per epoch);
    ``"drop"`` leaves the ``n % batch_size`` points of that epoch's shuffle out (as the seed
    article does; a different set each epoch). With ``shuffle=False`` the order is 0..n-1.
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
    ``epochs`` is at most ``MAX_STEPS``.
    """
    X, y = check_data(X, y)
    epochs = _validate.count("epochs", epochs, minimum=1, maximum=MAX_STEPS)
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


def _losses(losses):
    """The epoch losses given to a stopping rule, as a 1-D float array (empty allowed)."""
    if isinstance(losses, (list, tuple, np.ndarray)) and len(losses) == 0:
        return np.zeros(0)
    return _validate.finite_array("losses", losses, ndim=1)


# --------------------------------------------------------------------------- stopping rules

class LossChange:
    """Stop when the epoch loss changes by less than ``tol`` from one epoch to the next (the seed article's rule).

    On noisy mini-batch losses two neighbouring epochs can agree by chance, so this rule
    fires at a random moment.
    """

    def __init__(self, tol=1e-3):
        self.tol = _validate.positive("tol", tol)

    def __call__(self, losses):
        losses = _losses(losses)
        return len(losses) > 1 and bool(abs(losses[-1] - losses[-2]) < self.tol)

    def __repr__(self):
        return f"LossChange(tol={self.tol!r})"


class Patience:
    """Stop when the best epoch loss has not improved by more than ``min_delta`` for ``patience`` epochs.

    One lucky epoch cannot stop the run: it must fail to improve ``patience`` times in a row.
    """

    def __init__(self, patience=10, min_delta=1e-3):
        self.patience = _validate.count("patience", patience, minimum=1, maximum=MAX_STEPS)
        self.min_delta = _validate.nonnegative("min_delta", min_delta)

    def __call__(self, losses):
        losses = _losses(losses)
        if len(losses) <= self.patience:
            return False
        best_before = np.min(losses[:-self.patience])
        return bool(np.min(losses[-self.patience:]) > best_before - self.min_delta)

    def __repr__(self):
        return f"Patience(patience={self.patience!r}, min_delta={self.min_delta!r})"


class SmoothedLossChange:
    """Stop when an exponential moving average of the epoch loss (factor ``beta``) changes by less than ``tol``.

    Averaging removes most of the epoch-to-epoch noise before the seed's comparison is made;
    the average starts at the first epoch's loss.
    """

    def __init__(self, tol=1e-3, beta=0.8):
        self.tol = _validate.positive("tol", tol)
        self.beta = _validate.decay_rate("beta", beta)

    def smooth(self, losses):
        """The moving average after each epoch."""
        out, avg = [], None
        for loss in _losses(losses):
            avg = loss if avg is None else self.beta * avg + (1 - self.beta) * loss
            out.append(avg)
        return np.array(out)

    def __call__(self, losses):
        losses = _losses(losses)
        if len(losses) < 2:
            return False
        smooth = self.smooth(losses)
        return bool(abs(smooth[-1] - smooth[-2]) < self.tol)

    def __repr__(self):
        return f"SmoothedLossChange(tol={self.tol!r}, beta={self.beta!r})"


# --------------------------------------------------------------------------- training loop

@dataclass
class FitResult:
    """The history of one :func:`fit`.

    ``thetas`` has one row per update plus the start (``thetas[k + 1] = thetas[k] - update k``);
    ``batch_losses[k]`` is the loss of the batch used by update k, measured before it;
    ``epoch_losses[e]`` is the mean of epoch e's batch losses (the seed article's curve);
    ``data_losses[e]`` is the loss on all the data at the end of epoch e (``start_loss`` is the one
    at the start); ``epoch_ends[e]`` is the row of ``thetas`` reached after epoch e.
    ``effective_lrs[k]`` is the optimizer's effective learning rate after update k (see
    ``Optimizer.effective_lr``), one column per entry of theta.
    ``status``: ``"max_steps"`` (all epochs run), ``"stopped"`` (the stopping rule fired: the rule
    saw the loss settle, which does not mean theta reached the minimum) or ``"diverged"`` (a
    non-finite value, a coordinate beyond ``DIVERGENCE_LIMIT`` or a gradient too large for the rule
    to square, e.g. from data around 1e200; the failing step is not recorded).
    """

    thetas: np.ndarray
    batch_losses: np.ndarray
    epoch_losses: np.ndarray
    data_losses: np.ndarray
    start_loss: float
    epoch_ends: np.ndarray
    effective_lrs: np.ndarray
    status: str
    label: str
    optimizer: str

    @property
    def theta(self):
        """The parameters reached."""
        return self.thetas[-1]

    @property
    def steps(self):
        """Updates taken."""
        return len(self.thetas) - 1

    @property
    def epochs(self):
        """Epochs completed (the stop epoch when the rule fired)."""
        return len(self.epoch_losses)

    def __repr__(self):
        return (f"FitResult(label={self.label!r}, epochs={self.epochs}, steps={self.steps}, "
                f"status={self.status!r}, theta={np.array2string(self.theta, precision=4)})")


def fit(optimizer, X, y, epochs=100, batch_size=None, theta0=None, seed=0, shuffle=True,
        last_batch="keep", gradient_scale="batch", stop=None, label=None):
    """Fit ``theta`` to minimise :func:`mse_loss` with ``optimizer``; return a :class:`FitResult`.

    - ``batch_size=None`` uses all the data in every step (full batch: one step per epoch);
      otherwise shuffled mini-batches from :class:`MiniBatches` (``seed``, ``shuffle``, ``last_batch``).
    - ``gradient_scale``: ``"batch"`` divides each batch gradient by the batch size,
      ``"data"`` by the whole data size m (the seed article's mini-batch code).
    - ``stop``: ``None`` (run every epoch) or a rule called with the list of epoch losses after each
      epoch, e.g. :class:`LossChange`, :class:`Patience`, :class:`SmoothedLossChange`; when it
      returns True the fit ends with status ``"stopped"``.
    - ``theta0`` defaults to zeros. Divergence stops the fit with status ``"diverged"``, without
      overflow warnings, as :func:`rmsprop_lib.run.minimize` does.
    - ``epochs`` times the batches per epoch is at most ``MAX_STEPS`` updates.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {type(optimizer).__name__}")
    X, y = check_data(X, y)
    m, d = X.shape
    epochs = _validate.count("epochs", epochs, minimum=1, maximum=MAX_STEPS)
    theta = np.zeros(d) if theta0 is None else _theta("theta0", theta0, d)
    gradient_scale = _validate.choice("gradient_scale", gradient_scale, GRADIENT_SCALES)
    if stop is not None and not callable(stop):
        raise TypeError(f"stop must be None or a stopping rule such as LossChange(1e-3), got {_validate.show(stop)}")
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, numbers.Number))):
        raise TypeError(f"label must be a string (or a number), got {type(label).__name__} {_validate.show(label)}")
    if batch_size is None:  # full batch; the mini-batch options are still checked
        _validate.count("seed", seed)
        _validate.flag("shuffle", shuffle)
        _validate.choice("last_batch", last_batch, LAST_BATCH_OPTIONS)
        batches, per_epoch = None, 1
    else:
        batches = MiniBatches(m, batch_size, seed=seed, shuffle=shuffle, last_batch=last_batch)
        per_epoch = len(batches)
    total = epochs * per_epoch
    if total > MAX_STEPS:
        raise ValueError(f"epochs must be at most {MAX_STEPS // per_epoch:,} here: {epochs:,} epochs of "
                         f"{per_epoch} batches would take {total:,} updates (at most {MAX_STEPS:,})")
    _check_history(total, 2 * d + 1, name="epochs")

    state = optimizer._init(theta.shape)
    thetas, lrs, batch_losses = np.empty((total + 1, d)), np.empty((total, d)), np.empty(total)
    thetas[0] = theta
    epoch_losses, data_losses, epoch_ends = [], [], []
    status, k = "max_steps", 0  # k: updates taken
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        start_loss = _loss(theta, X, y)
        for _ in range(epochs):
            losses_this_epoch = []
            for idx in ([slice(None)] if batches is None else batches.epoch()):
                Xb, yb = X[idx], y[idx]
                residual = Xb @ theta - yb
                batch_loss = float(residual @ residual) / (2 * len(yb))
                if not np.isfinite(batch_loss):
                    status = "diverged"
                    break
                grad = Xb.T @ residual / (len(yb) if gradient_scale == "batch" else m)
                if not optimizer._usable(grad):  # not finite, or too large to square
                    status = "diverged"
                    break
                update, state = optimizer._step(grad, state)
                theta_new = theta - update
                if not np.abs(theta_new).max() <= DIVERGENCE_LIMIT:  # also catches NaN
                    status = "diverged"
                    break
                theta = theta_new
                batch_losses[k] = batch_loss
                lrs[k] = optimizer._effective_lr(state)
                k += 1
                thetas[k] = theta
                losses_this_epoch.append(batch_loss)
            if status == "diverged":
                break
            epoch_losses.append(sum(losses_this_epoch) / len(losses_this_epoch))
            data_losses.append(_loss(theta, X, y))
            epoch_ends.append(k)
            if stop is not None and _stops(stop, epoch_losses):
                status = "stopped"
                break

    return FitResult(
        thetas=thetas[:k + 1].copy(), batch_losses=batch_losses[:k].copy(),
        epoch_losses=np.array(epoch_losses, dtype=float), data_losses=np.array(data_losses, dtype=float),
        start_loss=start_loss, epoch_ends=np.array(epoch_ends, dtype=int),
        effective_lrs=lrs[:k].copy(), status=status,
        label=optimizer.name if label is None else str(label), optimizer=optimizer.name,
    )


def _stops(stop, epoch_losses):
    """The stopping rule's answer for the epoch losses so far, checked to be True or False."""
    answer = stop(list(epoch_losses))
    if not isinstance(answer, (bool, np.bool_)):
        raise TypeError(f"stop must return True or False, got {_validate.show(answer)} from {_validate.show(stop)}")
    return bool(answer)


def _loss(theta, X, y):
    residual = X @ theta - y
    return float(residual @ residual) / (2 * len(y))
