"""The argument checks of the package, in one place.

Each check returns the value in its working form (a float, an int, a float array) or raises a
``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong value) whose message
starts with the parameter's name and says what is allowed::

    lr = positive("lr", lr)                  # "lr must be > 0, got -0.1"
    x0 = finite_array("x0", x0, shape=(2,))  # "x0 must have shape (2,), got (3,)"
"""
import numbers

import numpy as np


def show(value, limit=60):
    """``repr(value)``, shortened for an error message (a 400-digit number, a long list)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 25]}... ({len(text)} characters)"


def number(name, value):
    """A finite real number, as a float (bools, strings and complex numbers are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {show(value)}")
    try:
        value = float(value)
    except OverflowError:  # a Python int such as 10**400
        raise ValueError(f"{name} must be finite (a float64 holds at most 1.8e308), got {show(value)}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive(name, value):
    """A finite number > 0 (a learning rate, a scale)."""
    value = number(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def learning_rate(name, value):
    """A learning rate: a finite number > 0 (as a float), or a schedule - a function of the number of
    updates already taken, ``lr(k)`` - returned as it is after checking its first value ``lr(0)``."""
    if not callable(value):
        try:
            return positive(name, value)
        except TypeError:
            raise TypeError(f"{name} must be a real number > 0 or a schedule (a function of the number of updates "
                            f"already taken, such as cosine_decay(0.1, 1000)), got {type(value).__name__} "
                            f"{show(value)}") from None
    scheduled_lr(value, 0, name)
    return value


def scheduled_lr(schedule, k, name="lr"):
    """``schedule(k)``, the learning rate of update k + 1, checked to be a finite number >= 0 (as a float)."""
    try:
        value = schedule(k)
    except TypeError as exc:
        raise TypeError(f"{name} must be a schedule called with one argument, the number of updates already taken; "
                        f"{name}({k}) raised TypeError: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - a schedule that fails is reported with the update it was for
        raise ValueError(f"{name} must be a schedule that returns a learning rate for every update; {name}({k}) "
                         f"raised {type(exc).__name__}: {exc} (the learning rate of update {k + 1})") from exc
    if type(value) is float and 0.0 <= value < np.inf:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a schedule that returns a real number, got {name}({k}) = "
                        f"{type(value).__name__} {show(value)} (the learning rate of update {k + 1})")
    try:
        value = float(value)
    except OverflowError:
        value = np.inf
    if not 0.0 <= value < np.inf:
        raise ValueError(f"{name} must be a schedule that returns a finite learning rate >= 0, got {name}({k}) = "
                         f"{show(value)} (the learning rate of update {k + 1})")
    return value


def nonnegative(name, value):
    """A finite number >= 0 (an epsilon, an initial accumulator)."""
    value = number(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def decay_rate(name, value):
    """A decay rate of a moving average (rho, beta1, beta2, momentum): 0 <= value < 1.

    0 is allowed (no memory); 1 is not (the average would never change).
    """
    value = number(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1) (0 included, 1 excluded), got {value}")
    return value


def count(name, value, minimum=0, maximum=None):
    """A whole number with ``minimum <= value <= maximum`` (each bound when not None), as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {show(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {show(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum:,}, got {show(value)}")
    return value


def flag(name, value):
    """True or False (not 0, 1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {show(value)}")
    return bool(value)


def choice(name, value, options):
    """One of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {show(value)}")
    return value


def real_array(name, value, shape=None, ndim=None):
    """A float64 array of real numbers (a copy), optionally of a given ``shape`` or ``ndim``.

    Refused: strings (also numeric ones such as "1.5"), booleans, complex numbers, None, dicts
    and other objects, ragged lists, numbers beyond the float64 range and empty arrays.
    Infinite and NaN entries are allowed here: see ``finite_array``.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise TypeError(f"{name} must be an array of numbers (rows of equal length), got {show(value)}") from exc
    kind = array.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex numbers {show(value)}")
    if kind == "O":  # numbers numpy could not type, e.g. 10**400, or things that are not numbers
        items = array.ravel().tolist()
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in items):
            raise TypeError(f"{name} must be an array of numbers, got {show(value)}")
        try:
            array = np.array(items, dtype=float).reshape(array.shape)
        except OverflowError:
            raise ValueError(f"{name} must hold numbers within the float64 range (up to 1.8e308), "
                             f"got {show(value)}") from None
    elif kind not in "iuf":  # strings "U"/"S", booleans "b", dates and the like
        raise TypeError(f"{name} must be an array of numbers, got {array.dtype} values {show(value)}")
    array = np.array(array, dtype=float)  # a copy: the caller's array is never kept or changed
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {array.shape}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    return array


def finite_array(name, value, shape=None, ndim=None):
    """A float64 array (a copy) of finite real numbers; see ``real_array`` for what is refused."""
    array = real_array(name, value, shape=shape, ndim=ndim)
    if not np.isfinite(array).all():
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must contain only finite numbers, found {bad} NaN or infinite value(s)")
    return array


_NO_Y = object()  # samples(X) without targets


def samples(X, y=_NO_Y, classes=None, n_features=None, max_rows=None):
    """A data set: ``X`` as a finite float64 array of shape (n_samples, n_features), one row per sample,
    and ``y`` with one entry per row (a 1-D array, or one column); without ``y``, checks and returns X alone.

    ``classes=None``: ``y`` holds finite real targets (returned as floats). Otherwise ``y`` holds
    whole-number class labels in ``0..classes - 1`` (``classes=True``: any labels >= 0), returned as ints.
    ``n_features`` and ``max_rows``, when given, fix the number of columns and bound the rows.
    """
    X = finite_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features), one row per sample, "
                         f"got shape {X.shape}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X must have {n_features} columns, one per input, got shape {X.shape}")
    if max_rows is not None and X.shape[0] > max_rows:
        raise ValueError(f"X must have at most {max_rows:,} rows, got {X.shape[0]:,}")
    if y is _NO_Y:
        return X
    y = real_array("y", y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array (or one column), one entry per row of X, got shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows: X has {X.shape[0]}, y has {y.shape[0]}")
    if classes is None:
        return X, finite_array("y", y)
    whole = np.isfinite(y) & (y == np.round(y))
    if not whole.all():
        raise TypeError(f"y must hold whole-number class labels such as 0 and 1, got {show(y[~whole][0])}")
    top = np.inf if classes is True else classes
    if y.min() < 0 or y.max() >= top:
        allowed = ">= 0" if classes is True else f"0..{classes - 1}"
        raise ValueError(f"y must hold class labels in {allowed}, got values from {y.min():g} to {y.max():g}")
    return X, y.astype(int)


def bounds(name, value):
    """``((xmin, xmax), (ymin, ymax))`` with finite numbers, ``xmin < xmax`` and ``ymin < ymax``."""
    try:
        (x0, x1), (y0, y1) = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be ((xmin, xmax), (ymin, ymax)), got {show(value)}") from None
    x0, x1, y0, y1 = (number(f"{name} {which}", v) for which, v in
                      (("xmin", x0), ("xmax", x1), ("ymin", y0), ("ymax", y1)))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"{name} must have xmin < xmax and ymin < ymax, got {show(value)}")
    return (x0, x1), (y0, y1)


def finite_result(value, what, inputs, advice):
    """``value``, after checking that computing it from ``inputs`` did not overflow float64."""
    if not np.isfinite(value).all():
        raise ValueError(f"{inputs} must be small enough for the {what} to be finite in float64 (it overflows): "
                         f"{advice}")
    return value
