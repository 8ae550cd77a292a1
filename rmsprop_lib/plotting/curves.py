"""Curves against the step: the loss and the effective learning rate of each run."""
import numbers

import numpy as np

from .. import _validate
from .style import LINESTYLES, MAX_DEFAULT_COORDINATES, _axes, _check_colors, _label, _styles, _traces, color_for

# ---------------------------------------------------------------------------------------------
# Curves against the step


def plot_loss(traces, ax=None, log=True, min_value=None, colors=None):
    """Draw f at every step of every trace; returns the lines (one per trace).

    With ``min_value`` (say ``objective.min_value``) the curve is ``f - min_value``, the gap to
    the optimum, which a log scale shows best. x is the step: 0 is the start point.
    """
    traces = _traces(traces, allow_empty=False)
    log = _validate.flag("log", log)
    if min_value is not None:
        min_value = _validate.number("min_value", min_value)
    styles = _styles(traces, colors)
    ax = _axes(ax)
    lines = []
    for trace, (color, style) in zip(traces, styles):
        values = trace.fs - min_value if min_value is not None else np.asarray(trace.fs, dtype=float)
        if log and np.any(values < 0):
            what = f"f - min_value (min_value={min_value:g})" if min_value is not None else "f"
            raise ValueError(
                f"{what} must be >= 0 to be drawn on a log scale, but is negative for {trace.label!r}: "
                "pass min_value= (the lowest value of the function) or log=False"
            )
        (line,) = ax.plot(np.arange(len(values)), values, color=color, linestyle=style, linewidth=1.8,
                          marker="o" if len(values) == 1 else None, label=_label(trace))
        lines.append(line)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("f(x) - f*" if min_value is not None else "f(x)")
    ax.legend(loc="best", fontsize="small")
    return lines


def plot_effective_lr(traces, ax=None, coordinates=None, colors=None):
    """Draw the per-coordinate effective learning rate of each trace against the step.

    Colour: the optimizer (``color_for``, or ``colors``); line style: the coordinate.
    ``coordinates`` picks coordinates by index (default: all, if there are at most
    ``MAX_DEFAULT_COORDINATES``). The y axis is logarithmic.
    Returns the lines, trace by trace and coordinate by coordinate.
    """
    traces = _traces(traces, allow_empty=False)
    colors = [color_for(t) for t in traces] if colors is None else _check_colors(colors, len(traces))
    dims = {int(np.prod(t.xs.shape[1:])) for t in traces}
    dim = min(dims)
    if coordinates is None:
        if dim > MAX_DEFAULT_COORDINATES:
            raise ValueError(f"coordinates must be given when the traces have {dim} coordinates: choose a few "
                             f"with coordinates=[0, 1, ...] (indices in [0, {dim - 1}])")
        coordinates = list(range(dim))
    else:
        if isinstance(coordinates, numbers.Integral):
            coordinates = [coordinates]
        if not isinstance(coordinates, (list, tuple)):
            raise TypeError(f"coordinates must be an index or a list of indices, got {_validate.show(coordinates)}")
        coordinates = list(coordinates)
        for c in coordinates:
            if isinstance(c, bool) or not isinstance(c, numbers.Integral) or not 0 <= c < dim:
                raise ValueError(f"coordinates must be indices in [0, {dim - 1}], got {_validate.show(c)}")
        if not coordinates:
            raise ValueError("coordinates must name at least one coordinate")
    names = ["x", "y"] if dim == 2 else [f"x{i + 1}" for i in range(dim)]
    ax = _axes(ax)
    lines = []
    for trace, color in zip(traces, colors):
        lrs = trace.effective_lrs.reshape(trace.steps, trace.xs[0].size)  # also for a run of 0 steps
        steps = np.arange(1, len(lrs) + 1)
        for j, c in enumerate(coordinates):
            label = f"{trace.label}, {names[c]}" if len(coordinates) > 1 else trace.label
            (line,) = ax.plot(steps, lrs[:, c], color=color, linestyle=LINESTYLES[j % len(LINESTYLES)],
                              linewidth=1.8, marker="o" if len(lrs) == 1 else None, label=label)
            lines.append(line)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("effective learning rate")
    ax.legend(loc="best", fontsize="small")
    return lines
