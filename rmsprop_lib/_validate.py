"""Small argument checks shared by the package: each error names the parameter and its allowed range."""
import numbers

import numpy as np


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive(name, value):
    """A finite number > 0 (a learning rate, a scale)."""
    value = _number(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def nonnegative(name, value):
    """A finite number >= 0 (an epsilon, an initial accumulator)."""
    value = _number(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def unit_interval(name, value):
    """A decay rate in [0, 1) (rho, beta1, beta2, momentum)."""
    value = _number(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def count(name, value, minimum=0):
    """A whole number >= minimum (a number of steps, a batch size)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def finite_array(name, value):
    """A float array with only finite entries (a start point, a gradient)."""
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from exc
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers, got {array}")
    return array
