r"""Linear regression: its loss and gradient, the exact answer, stopping rules and a fit.

The problem of notebook 04 (the data come from ``rmsprop_lib.data``)::

    X, y = make_linear_data(seed=0)               # X = [1, x] (a bias column), y = 4 + 3x + noise
    theta_ls = least_squares(X, y)                # the exact answer, for comparison
    result = fit(RMSProp(lr=0.1, eps=1e-5, eps_inside_sqrt=True), X, y,
                 epochs=50, batch_size=32, seed=1, stop=Patience(5))
    result.theta, result.epoch_losses, result.status

theta is the regression line's parameter vector (intercept, slope). The loss is half the mean
squared error, :math:`L(\theta) = \frac{1}{2m}\lVert X\theta - y\rVert^2`. Its gradient on a batch is
:math:`X_b^\top (X_b\theta - y_b) / d` with ``d`` the batch size (``gradient_scale="batch"``, the usual
choice) or the whole data size ``m`` (``gradient_scale="data"``, what some tutorials' mini-batch code does).
"""
import copy
from dataclasses import dataclass

import numpy as np

from . import _validate
from .data import LAST_BATCH_OPTIONS, MAX_POINTS, MiniBatches
from .loop import MAX_STEPS, _check_history, _descend
from .run import History, _check_label, _check_optimizer

GRADIENT_SCALES = ("batch", "data")


def check_data(X, y):
    """A regression data set checked: ``X`` as floats of shape ``(m, d)``, ``y`` as ``(m,)`` (a column is accepted)."""
    return _validate.samples(X, y, max_rows=MAX_POINTS)


def _theta(name, theta, d):
    theta = _validate.finite_array(name, theta)
    if theta.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},), one entry per column of X, got shape {theta.shape}")
    return theta


def _finite_result(what, value):
    return _validate.finite_result(value, what, "X, y and theta", "rescale the data")


def _half_mse(residual):
    """Half the mean of the squared residuals: the loss, written once."""
    return float(residual @ residual) / (2 * len(residual))


def _mse_grad(X, residual, d):
    """Its gradient, from the residuals ``X theta - y`` of the rows X, divided by d."""
    return X.T @ residual / d


def least_squares(X, y):
    """The exact minimiser of the squared error, from ``np.linalg.lstsq``."""
    X, y = check_data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result("least-squares solution", np.linalg.lstsq(X, y, rcond=None)[0])


def mse_loss(theta, X, y):
    r"""Half the mean squared error :math:`\frac{1}{2m}\sum_i (x_i^\top\theta - y_i)^2`."""
    X, y = check_data(X, y)
    theta = _theta("theta", theta, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result("loss", _half_mse(X @ theta - y))


def mse_gradient(theta, X, y, divide_by=None):
    r"""The gradient :math:`X^\top (X\theta - y) / d` of the batch ``(X, y)``.

    ``divide_by`` is ``d``: ``None`` (default) divides by the number of rows of ``X`` - the true
    gradient of :func:`mse_loss` on this batch. A number, e.g. the size of the whole data set,
    gives a mini-batch gradient that is ``len(y) / divide_by`` times smaller.
    """
    X, y = check_data(X, y)
    theta = _theta("theta", theta, X.shape[1])
    d = X.shape[0] if divide_by is None else _validate.positive("divide_by", divide_by)
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result("gradient", _mse_grad(X, X @ theta - y, d))


# --------------------------------------------------------------------------- stopping rules

def _losses(losses):
    """The epoch losses given to a stopping rule, as a 1-D float array (empty allowed)."""
    if isinstance(losses, (list, tuple, np.ndarray)) and len(losses) == 0:
        return np.zeros(0)
    return _validate.finite_array("losses", losses, ndim=1)


# --------------------------------------------------------------------------- stopping rules

class LossChange:
    """Stop when the epoch loss changes by less than ``tol`` from one epoch to the next (a common rule of thumb).

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

    Averaging removes most of the epoch-to-epoch noise before the same comparison is made;
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


# --------------------------------------------------------------------------- fit


@dataclass(kw_only=True)
class FitResult(History):
    """The history of one :func:`fit`.

    ``thetas`` has one row per update plus the start (``thetas[k + 1] = thetas[k] - update k``);
    ``batch_losses[k]`` is the loss of the batch used by update k, measured before it, and
    ``grads[k]`` its gradient; ``epoch_losses[e]`` is the mean of epoch e's batch losses;
    ``data_losses[e]`` is the loss on all the data at the end of epoch e (``start_loss`` is the one
    at the start); ``epoch_ends[e]`` is the row of ``thetas`` reached after epoch e.
    ``effective_lrs[k]`` is the optimizer's effective learning rate after update k (see
    ``Optimizer.effective_lr``), one column per entry of theta, computed when first read.
    ``status``: ``"max_steps"`` (all epochs run), ``"stopped"`` (the stopping rule fired: the rule
    saw the loss settle, which does not mean theta reached the minimum) or ``"diverged"`` (see
    ``History``; e.g. from data around 1e200).
    """

    thetas: np.ndarray
    batch_losses: np.ndarray
    epoch_losses: np.ndarray
    data_losses: np.ndarray
    start_loss: float
    epoch_ends: np.ndarray

    @property
    def theta(self):
        """The parameters reached."""
        return self.thetas[-1]

    def _points(self):
        return self.thetas

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
      otherwise shuffled mini-batches from :class:`rmsprop_lib.data.MiniBatches` (``seed``,
      ``shuffle``, ``last_batch``).
    - ``gradient_scale``: ``"batch"`` divides each batch gradient by the batch size,
      ``"data"`` by the whole data size m.
    - ``stop``: ``None`` (run every epoch) or a rule called with the list of epoch losses after each
      epoch, e.g. :class:`LossChange`, :class:`Patience`, :class:`SmoothedLossChange`; when it
      returns True the fit ends with status ``"stopped"``.
    - ``theta0`` defaults to zeros. Divergence stops the fit with status ``"diverged"``, without
      overflow warnings, as :func:`rmsprop_lib.run.minimize` does (it is the same loop).
    - ``epochs`` times the batches per epoch is at most ``MAX_STEPS`` updates.
    """
    _check_optimizer(optimizer)
    X, y = check_data(X, y)
    m, d = X.shape
    epochs = _validate.count("epochs", epochs, minimum=1, maximum=MAX_STEPS)
    theta = np.zeros(d) if theta0 is None else _theta("theta0", theta0, d)
    gradient_scale = _validate.choice("gradient_scale", gradient_scale, GRADIENT_SCALES)
    if stop is not None and not callable(stop):
        raise TypeError(f"stop must be None or a stopping rule such as LossChange(1e-3), got {_validate.show(stop)}")
    _check_label(label)
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
    _check_history(total, 3 * d + 1, name="epochs")

    queue, batch_losses, current = [], [], {}
    epoch_losses, data_losses, epoch_ends = [], [], []

    def value(theta):  # the loss of the next batch at theta (the batch the next update uses)
        if not queue:
            queue.extend([slice(None)] if batches is None else reversed(batches.epoch()))
        idx = queue.pop()
        Xb, yb = X[idx], y[idx]
        residual = Xb @ theta - yb
        current.update(Xb=Xb, residual=residual, d=len(yb) if gradient_scale == "batch" else m)
        loss = _half_mse(residual)
        batch_losses.append(loss)
        return loss

    def gradient(theta):
        return _mse_grad(current["Xb"], current["residual"], current["d"])

    def end_of_epoch(k, theta):
        epoch_losses.append(sum(batch_losses[k - per_epoch:k]) / per_epoch)
        data_losses.append(_half_mse(X @ theta - y))
        epoch_ends.append(k)
        if stop is not None and _stops(stop, epoch_losses):
            return None
        return k + per_epoch

    rule = copy.copy(optimizer)  # the result recomputes states from it: later changes must not matter
    with np.errstate(over="ignore", invalid="ignore"):
        start_loss = _half_mse(X @ theta - y)
    run = _descend(rule, theta, total, gradient, value, keep=("xs", "grads"), checkpoint=(per_epoch, end_of_epoch),
                  source="the batch loss")
    return FitResult(
        thetas=run.xs, grads=run.grads, batch_losses=np.array(batch_losses[:run.steps], dtype=float),
        epoch_losses=np.array(epoch_losses, dtype=float), data_losses=np.array(data_losses, dtype=float),
        start_loss=start_loss, epoch_ends=np.array(epoch_ends, dtype=int), status=run.status,
        label=optimizer.name if label is None else str(label), optimizer=optimizer.name, rule=rule,
    )


def _stops(stop, epoch_losses):
    """The stopping rule's answer for the epoch losses so far, checked to be True or False."""
    answer = stop(list(epoch_losses))
    if not isinstance(answer, (bool, np.bool_)):
        raise TypeError(f"stop must return True or False, got {_validate.show(answer)} from {_validate.show(stop)}")
    return bool(answer)
